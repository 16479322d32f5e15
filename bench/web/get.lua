-- get.lua: wrk script that GETs TARGET_PATH with the session cookie (COOKIE).
wrk.path = os.getenv("TARGET_PATH")
wrk.headers["Cookie"] = os.getenv("COOKIE")

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
