-- Trident's benchmark requests for wrk: DynamoDB JSON 1.0 over a preloaded table of session-like
-- items (keys k0 … k{ITEMS-1}, ~1 KB each). Prints one RESULT line for bench/run.py to read.
TABLE = os.getenv("BENCH_TABLE") or "bench"
ITEMS = tonumber(os.getenv("BENCH_ITEMS") or "100000")
DATA = string.rep("x", 900)
errors = 0
local threads = {}

function headers_for(op)
  return { ["Content-Type"] = "application/x-amz-json-1.0", ["X-Amz-Target"] = "DynamoDB_20120810." .. op,
           ["Authorization"] = "AWS4-HMAC-SHA256 Credential=BENCH/20261125/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0" }
end

function setup(thread)
  thread:set("seed", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 1))
end

function random_key() return "k" .. math.random(0, ITEMS - 1) end

function get_item(consistent)
  return wrk.format("POST", "/", headers_for("GetItem"),
    string.format('{"TableName":"%s","Key":{"id":{"S":"%s"}},"ConsistentRead":%s}', TABLE, random_key(), consistent))
end

-- The same read as get_item("true") in PartiQL: a SELECT that names the whole key.
function select_by_key()
  return wrk.format("POST", "/", headers_for("ExecuteStatement"),
    string.format('{"Statement":"SELECT * FROM \\"%s\\" WHERE id = ?","Parameters":[{"S":"%s"}],"ConsistentRead":true}', TABLE, random_key()))
end

function put_item()
  return wrk.format("POST", "/", headers_for("PutItem"),
    string.format('{"TableName":"%s","Item":{"id":{"S":"%s"},"data":{"S":"%s"},"expires":{"N":"%d"}}}',
      TABLE, random_key(), DATA, os.time() + 3600))
end

function update_item()
  return wrk.format("POST", "/", headers_for("UpdateItem"),
    string.format('{"TableName":"%s","Key":{"id":{"S":"%s"}},"UpdateExpression":"SET #d = :d, expires = :e",' ..
      '"ExpressionAttributeNames":{"#d":"data"},"ExpressionAttributeValues":{":d":{"S":"%s"},":e":{"N":"%d"}}}',
      TABLE, random_key(), DATA, os.time() + 3600))
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + (t:get("errors") or 0) end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f non200=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errs, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end

-- The indexed-table workloads (bench/run.py's index rows): items also carry `ref` (unique, the hash
-- key of the GSI byRef) and `owner` (1,000 values, the hash key of the GSI byOwner).
function put_indexed_item()
  local n = math.random(0, ITEMS - 1)
  return wrk.format("POST", "/", headers_for("PutItem"),
    string.format('{"TableName":"%s","Item":{"id":{"S":"k%d"},"ref":{"S":"r%d"},"owner":{"S":"u%d"},"data":{"S":"%s"},"expires":{"N":"%d"}}}',
      TABLE, n, n, n % 1000, DATA, os.time() + 3600))
end

-- One item by key: on the table (`id`), or with BENCH_INDEX set, through that GSI (`ref`).
function query_one()
  local n = math.random(0, ITEMS - 1)
  local index = os.getenv("BENCH_INDEX")
  if index then
    return wrk.format("POST", "/", headers_for("Query"),
      string.format('{"TableName":"%s","IndexName":"%s","KeyConditionExpression":"#r = :v","ExpressionAttributeNames":{"#r":"ref"},' ..
        '"ExpressionAttributeValues":{":v":{"S":"r%d"}}}', TABLE, index, n))
  end
  return wrk.format("POST", "/", headers_for("Query"),
    string.format('{"TableName":"%s","KeyConditionExpression":"id = :v","ExpressionAttributeValues":{":v":{"S":"k%d"}}}', TABLE, n))
end

-- TransactWriteItems of 10 Puts of ~1 KB items to distinct random keys (bench/run.py's transaction row).
function transact_put10()
  local actions = {}
  local base = math.random(0, ITEMS - 11)
  for i = 0, 9 do
    actions[#actions + 1] = string.format('{"Put":{"TableName":"%s","Item":{"id":{"S":"k%d"},"data":{"S":"%s"},"expires":{"N":"%d"}}}}',
      TABLE, base + i, DATA, os.time() + 3600)
  end
  return wrk.format("POST", "/", headers_for("TransactWriteItems"), '{"TransactItems":[' .. table.concat(actions, ",") .. ']}')
end
