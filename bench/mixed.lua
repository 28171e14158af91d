-- The session workload: 90 % strongly consistent GetItem, 10 % UpdateItem.
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
require "common"
function request()
  if math.random(1, 10) == 1 then return update_item() end
  return get_item("true")
end
