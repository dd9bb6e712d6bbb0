-- POST auth-with-password for a random seeded user (password "password123").
local c = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
setup, init, done = c.setup, c.init, c.done

local path = "/api/collections/users/auth-with-password"
local users = c.data.users

request = function()
  local body = string.format('{"identity":"%s","password":"password123"}',
    users[math.random(#users)].email)
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end
