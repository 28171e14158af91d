-- query
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
require "common"
function request() return query_one() end
