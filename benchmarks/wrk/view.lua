-- GET one posts record by a random id from the seeded set.
local c = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, init, done = c.setup, c.init, c.done

local prefix = "/api/collections/posts/records/"
local ids = c.data.post_ids

request = function()
  return wrk.format("GET", prefix .. ids[math.random(#ids)])
end
