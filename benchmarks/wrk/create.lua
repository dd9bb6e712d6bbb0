-- POST a new posts record as JSON, authenticated as a random user (the author).
local c = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, init, done = c.setup, c.init, c.done

local path = "/api/collections/posts/records"
local body_text = string.rep("benchmark body text ", 15)  -- ~300 characters
local n = 0

request = function()
  n = n + 1
  local user = c.pick(c.data.tokens)
  local body = string.format(
    '{"title":"wrk post %d","body":"%s","views":%d,"published":%s,"author":"%s"}',
    n, body_text, math.random(0, 1000), math.random() < 0.5 and "true" or "false", user.id)
  return wrk.format("POST", path,
    { ["Authorization"] = user.token, ["Content-Type"] = "application/json" }, body)
end
