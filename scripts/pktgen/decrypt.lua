-- Decrypt run: pktgen replays a pcap of ESP (made by gdoigw itself: scripts/pktgen/README.md)
-- from its ESP port into the gateway; the cleartext comes back on pktgen's cleartext port.
-- Start pktgen with `-s ESP_PORT:esp.pcap`. The gateway's inbound SA must run without
-- anti-replay (the replay repeats sequence numbers). Environment: PG_RATE (100), PG_SECS
-- (10), PG_WARMUP (2), PG_COUNT (>0: send that many packets, the functional check),
-- PG_CAPTURE (capture what the cleartext port receives), PG_OUT, PG_RELEASE.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local rate = C.num("PG_RATE", 100)
local secs, warm, count = C.num("PG_SECS", 10), C.num("PG_WARMUP", 2), C.num("PG_COUNT", 0)

if C.wait_links() then
  pktgen.pcap(C.esp, "on")
  C.log("case decrypt pcap rate %s%%\n", rate)
  C.run("decrypt", "pcap", C.esp, C.clear, rate, warm, secs, count)
end
C.finish()
