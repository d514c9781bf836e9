-- POSTs precomputed signed bodies, each once, for wrk.
--
--   wrk -t THREADS -s bench/wrk/signed_posts.lua URL -- BODIES_FILE SIGNATURE_HEADER THREADS
--
-- BODIES_FILE holds one call per line: the signature header's value, a tab, the JSON body.
-- wrk runs one Lua state per thread, so thread k of n takes lines k, k+n, k+2n… and no two threads
-- send the same body (n is passed again as an argument: a thread's init cannot count the others). A thread that runs out starts again from its first line (a replay); how
-- often that happened is printed at the end as "wrapped: N", so a run that meant to send only new
-- bodies can tell.

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   local path = args[1]
   signature_header = args[2]
   local thread_total = tonumber(args[3])
   bodies = {}
   signatures = {}
   local line_number = 0
   for line in io.lines(path) do
      if line_number % thread_total == thread_index then
         local tab = line:find("\t", 1, true)
         signatures[#signatures + 1] = line:sub(1, tab - 1)
         bodies[#bodies + 1] = line:sub(tab + 1)
      end
      line_number = line_number + 1
   end
   position = 0
   wrapped = 0
   sent = 0
end

function request()
   position = position + 1
   if position > #bodies then
      position = 1
      wrapped = wrapped + 1
   end
   sent = sent + 1
   local headers = {}
   headers["Content-Type"] = "application/json"
   headers["User-Agent"] = "bench"
   headers[signature_header] = signatures[position]
   return wrk.format("POST", nil, headers, bodies[position])
end

function done(summary, latency, requests)
   local total_wrapped = 0
   local total_sent = 0
   for _, thread in ipairs(threads) do
      total_wrapped = total_wrapped + (thread:get("wrapped") or 0)
      total_sent = total_sent + (thread:get("sent") or 0)
   end
   io.write(string.format("wrapped: %d\nsent: %d\n", total_wrapped, total_sent))
end
