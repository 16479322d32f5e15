-- post.lua: wrk script that POSTs one JSON body (the file in BODY) with the session cookie,
-- CSRF token and Origin a logged-in browser sends (COOKIE, TOKEN, ORIGIN), to PATH.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.path = os.getenv("TARGET_PATH")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("TOKEN")
wrk.headers["Origin"] = os.getenv("ORIGIN")

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
