-- partiql-select
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
require "common"
function request() return select_by_key() end
