-- wrk script for `npm run bench`: each request picks a random seeded user (their token and one of
-- their task ids) for the scenario in BENCH_SCENARIO; `done` prints the results as one JSON line.
local fixtures = os.getenv("BENCH_FIXTURES")
local scenario = os.getenv("BENCH_SCENARIO")
local users = {}
local threads = {}
non_2xx = 0

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  for line in io.lines(fixtures) do
    local token, tasks = line:match("^([^\t]+)\t([^\t]+)$")
    local ids = {}
    for id in tasks:gmatch("[^,]+") do ids[#ids + 1] = id end
    users[#users + 1] = { headers = { ["Authorization"] = "Bearer " .. token }, tasks = ids }
  end
end

local function pick()
  return users[math.random(#users)]
end

local function task_of(user)
  return user.tasks[math.random(#user.tasks)]
end

local actions = {
  list = function(user) return wrk.format("GET", "/api/tasks", user.headers) end,
  get = function(user) return wrk.format("GET", "/api/tasks/" .. task_of(user), user.headers) end,
  create = function(user)
    local headers = { ["Authorization"] = user.headers["Authorization"], ["Content-Type"] = "application/json" }
    return wrk.format("POST", "/api/tasks", headers, '{"title":"Benchmark task ' .. math.random(1e9) .. '"}')
  end,
  toggle = function(user)
    return wrk.format("PATCH", "/api/tasks/" .. task_of(user) .. "/complete", user.headers)
  end,
}

-- 70 % reads, 30 % writes.
local mixed = { {35, "list"}, {70, "get"}, {85, "create"}, {100, "toggle"} }
actions.mixed = function(user)
  local roll = math.random(100)
  for _, entry in ipairs(mixed) do
    if roll <= entry[1] then return actions[entry[2]](user) end
  end
end

function request()
  return actions[scenario](pick())
end

function response(status)
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  local non_2xx_total = 0
  for _, thread in ipairs(threads) do non_2xx_total = non_2xx_total + thread:get("non_2xx") end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout, non_2xx_total))
end
