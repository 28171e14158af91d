-- updateitem
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
require "common"
function request() return update_item() end
