-- PATCH a random seeded posts record, setting `views`, as a random user.
local c = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, init, done = c.setup, c.init, c.done

local prefix = "/api/collections/posts/records/"
local ids = c.data.post_ids

request = function()
  local body = string.format('{"views":%d}', math.random(0, 1000))
  return wrk.format("PATCH", prefix .. ids[math.random(#ids)],
    c.auth_headers({ ["Content-Type"] = "application/json" }), body)
end
