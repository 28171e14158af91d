-- putitem-indexed
package.path = (os.getenv("BENCH_DIR") or ".") .. "/?.lua;" .. package.path
require "common"
function request() return put_indexed_item() end
