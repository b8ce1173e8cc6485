-- wrk script for bench/alerts.py: every request is a new Alertmanager group of 10 new alerts, spread over
-- 20 projects. Settings come from the environment: BENCH_TOKEN, BENCH_RUN (a prefix unique to the run).
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = 0
  run = os.getenv("BENCH_RUN") or "run"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
end

request = function()
  counter = counter + 1
  local key = run .. "-" .. thread_id .. "-" .. counter
  local project = "bench-" .. (counter % 20)
  local alerts = {}
  for i = 1, 10 do
    alerts[i] = string.format(
      '{"status":"firing","fingerprint":"%s-%d","labels":{"alertname":"BenchDrift","project":"%s",' ..
      '"instance":"i%d","group":"%s","severity":"warning"},"annotations":{"summary":"bench %s alert %d"},' ..
      '"startsAt":"2026-01-05T09:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus.invalid/g"}',
      key, i, project, i, key, key, i)
  end
  local body = '{"version":"4","groupKey":"{}:{group=\\"' .. key .. '\\"}","status":"firing","receiver":"crisp",' ..
    '"groupLabels":{"group":"' .. key .. '"},"commonLabels":{"alertname":"BenchDrift","project":"' .. project ..
    '","severity":"warning"},"commonAnnotations":{},"externalURL":"http://alertmanager.invalid","alerts":[' ..
    table.concat(alerts, ",") .. ']}'
  return wrk.format("POST", nil, nil, body)
end
