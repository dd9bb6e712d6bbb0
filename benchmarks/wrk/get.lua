-- GET the URL given to wrk. With BENCH_AUTH=1 each request carries a random
-- user's token in the Authorization header (raw JWT, as PocketBase accepts).
local c = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, init, done = c.setup, c.init, c.done

if os.getenv("BENCH_AUTH") == "1" then
  request = function()
    return wrk.format("GET", nil, c.auth_headers())
  end
end
