/* app.js: behaviour every page shares: the CSRF token on every htmx request, the language
 * switch. Loaded as a file: the Content-Security-Policy allows no inline script. */
"use strict";
document.documentElement.classList.add("js");

window.bont = (function () {
  function csrf() {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }
  /* POST JSON with the session's CSRF token; resolves to {status, body} (body parsed when JSON). */
  async function postJSON(url, value) {
    const r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(value),
    });
    const text = await r.text();
    let body = text;
    try { body = JSON.parse(text); } catch (e) { /* not JSON: keep the text */ }
    return { status: r.status, body: body };
  }
  return { csrf: csrf, postJSON: postJSON };
})();

document.addEventListener("DOMContentLoaded", function () {
  document.body.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = window.bont.csrf();
  });
  const lang = document.querySelector("select[data-autosubmit]");
  if (lang) lang.addEventListener("change", function () { lang.form.requestSubmit(); });
});
