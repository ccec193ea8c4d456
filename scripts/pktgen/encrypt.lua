-- Encrypt run: cleartext UDP from pktgen's cleartext port into the gateway, ESP back on
-- pktgen's ESP port (one ESP packet per cleartext packet: the gateway's tunnel MTU must
-- hold the largest frame). Environment (README.md): PG_SIZE (64), PG_RATE (percent of
-- the link, 100), PG_SECS (window, 10), PG_WARMUP (s, 2), PG_COUNT (>0: send exactly
-- that many packets at PG_RATE instead of a timed window; the functional check),
-- PG_CAPTURE (capture what the ESP port receives), PG_OUT, PG_RELEASE.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local size, rate = C.num("PG_SIZE", 64), C.num("PG_RATE", 100)
local secs, warm, count = C.num("PG_SECS", 10), C.num("PG_WARMUP", 2), C.num("PG_COUNT", 0)

if C.wait_links() then
  C.clear_stream(C.clear, size)
  C.log("case encrypt size %d rate %s%%\n", size, rate)
  C.run("encrypt", size, C.clear, C.esp, rate, warm, secs, count)
end
C.finish()
