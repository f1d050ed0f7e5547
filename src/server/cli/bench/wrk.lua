-- calltrail bench's load for wrk: every request is a new event. The bodies
-- are the simulator's calls (one template per line, "@CALL@" where the call
-- id goes); each connection lane walks through one call after another, so
-- no body, call or webhook-id repeats. Arguments after "--": the templates'
-- file, a call id prefix, the bearer token, lanes per thread.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

function init(args)
  templates = {}
  for line in io.lines(args[1]) do
    templates[#templates + 1] = line
  end
  prefix = args[2] .. "-" .. thread_no .. "-"
  lanes = tonumber(args[4])
  sent = 0
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. args[3],
  }
end

function request()
  local lane = sent % lanes
  local step = math.floor(sent / lanes)
  local call = prefix .. lane .. "-" .. math.floor(step / #templates)
  local body = string.gsub(templates[step % #templates + 1], "@CALL@", call)
  headers["webhook-id"] = prefix .. sent
  sent = sent + 1
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "calltrail-wrk requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
