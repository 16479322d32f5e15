/* http.c: the server's HTTP text handling: URL decoding, form, query and cookie parsing,
 * escaping, response bodies and the security headers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/internal.h"

/* No inline script or style anywhere (the UI loads its JS and CSS from /static), so the policy
 * needs no 'unsafe-inline'; frame-ancestors refuses framing (clickjacking). */
const char *const bont__security_headers[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
     "frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"}, /* "no-referrer" makes Chromium send "Origin: null" */
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"},
    {NULL, NULL},
};

void bont__resp_clear(bont__resp_t *r)
{
    bont__buf_free(&r->body);
    memset(r, 0, sizeof *r);
}

void bont__resp_text(bont__resp_t *r, int status, const char *type, const char *text)
{
    bont__buf_free(&r->body);
    r->static_body = NULL;
    r->status = status;
    r->type = type;
    bont__buf_append(&r->body, text, strlen(text));
}

void bont__resp_json(bont__resp_t *r, int status, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    json_decref(value);
    if (!text) {
        bont__resp_text(r, 500, "application/json",
                        "{\"error\":\"internal\",\"message\":\"out of memory\"}");
        return;
    }
    bont__resp_text(r, status, "application/json", text);
    free(text);
}

void bont__resp_error(bont__resp_t *r, int status, const char *code, const char *message)
{
    bont__resp_json(r, status, json_pack("{s:s, s:s}", "error", code, "message", message));
}

void bont__resp_redirect(bont__resp_t *r, const char *location)
{
    bont__resp_text(r, 303, "text/plain; charset=utf-8", "See Other\n");
    snprintf(r->location, sizeof r->location, "%s", location);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

bool bont__url_decode(char *s, bool plus_is_space)
{
    char *out = s;
    for (const char *p = s; *p; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = p[1] ? hex_value((unsigned char)p[1]) : -1;
            int lo = hi >= 0 && p[2] ? hex_value((unsigned char)p[2]) : -1;
            if (lo < 0)
                return false;
            c = hi * 16 + lo;
            p += 2;
        } else if (c == '+' && plus_is_space)
            c = ' ';
        /* A NUL would cut the string short of what the client sent; other control characters
         * have no place in a name, a path or a field (tab and line breaks may, in notes). */
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return false;
        *out++ = (char)c;
    }
    *out = '\0';
    return true;
}

int bont__parse_urlencoded(char *text, bont__kv_t *kv, size_t max)
{
    size_t n = 0;
    char *p = text;
    while (p && *p) {
        char *amp = strchr(p, '&');
        if (amp)
            *amp = '\0';
        if (*p) {
            if (n == max)
                return -1;
            char *eq = strchr(p, '=');
            if (eq)
                *eq = '\0';
            if (!bont__url_decode(p, true) || (eq && !bont__url_decode(eq + 1, true)))
                return -1;
            kv[n].name = p;
            kv[n].value = eq ? eq + 1 : "";
            n++;
        }
        p = amp ? amp + 1 : NULL;
    }
    return (int)n;
}

const char *bont__kv_get(const bont__kv_t *kv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].name, name) == 0)
            return kv[i].value;
    return NULL;
}

bool bont__cookie_get(const char *header, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
            size_t vlen = len - name_len - 1;
            if (vlen + 1 > size)
                return false;
            memcpy(out, p + name_len + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

void bont__html_escape(bont__buf_t *b, const char *s)
{
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *ent = NULL;
        switch (*p) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        bont__buf_append(b, run, (size_t)(p - run));
        bont__buf_append(b, ent, strlen(ent));
        run = p + 1;
    }
    bont__buf_append(b, run, strlen(run));
}

/* Header names the dispatcher reads, and where each goes. */
static void take_header(bont__req_t *req, const char *name, const char *value)
{
    static const struct {
        const char *name;
        size_t offset;
    } known[] = {
        {"Host", offsetof(bont__req_t, host)},
        {"Origin", offsetof(bont__req_t, origin)},
        {"Sec-Fetch-Site", offsetof(bont__req_t, fetch_site)},
        {"Cookie", offsetof(bont__req_t, cookie)},
        {"Content-Type", offsetof(bont__req_t, content_type)},
        {"X-CSRF-Token", offsetof(bont__req_t, csrf_header)},
        {"Accept", offsetof(bont__req_t, accept)},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcasecmp(name, known[i].name) == 0)
            *(const char **)((char *)req + known[i].offset) = value;
}

bool bont__http_parse(char *buf, size_t len, bont__req_t *req)
{
    memset(req, 0, sizeof *req);
    req->remote = "127.0.0.1";
    char *end = buf + len;
    char *eol = memchr(buf, '\n', len);
    if (!eol)
        return false;
    *eol = '\0';
    if (eol > buf && eol[-1] == '\r')
        eol[-1] = '\0';
    /* Request line: METHOD SP TARGET SP VERSION */
    char *sp1 = strchr(buf, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return false;
    *sp1 = *sp2 = '\0';
    req->method = buf;
    char *target = sp1 + 1;
    if (target[0] != '/')
        return false;
    char *q = strchr(target, '?');
    if (q) {
        *q = '\0';
        int n = bont__parse_urlencoded(q + 1, req->query, BONT__MAX_PARAMS);
        if (n < 0)
            return false;
        req->n_query = (size_t)n;
    }
    if (!bont__url_decode(target, false))
        return false;
    req->path = target;
    char *p = eol + 1;
    for (;;) {
        if (p >= end)
            return false;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*p == '\0') {
            p = nl + 1;
            break;
        }
        char *colon = strchr(p, ':');
        if (!colon || colon == p)
            return false;
        *colon = '\0';
        char *value = colon + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        take_header(req, p, value);
        p = nl + 1;
    }
    if (p < end) {
        req->body = p;
        req->body_len = (size_t)(end - p);
    }
    return true;
}

const bont__asset_t *bont__asset_find(const char *name)
{
    for (const bont__asset_t *a = bont__web_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}
