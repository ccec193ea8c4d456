-- Latency (RFC 2544 section 26.2 in spirit): pktgen's latency probes (timestamped UDP
-- packets it injects into the stream) ride a cleartext stream at PG_RATE percent and are
-- timed when they come back. The timestamp sits in the UDP payload, which an encrypting
-- gateway hides, so the probes must come back in the clear: two gateways back to back
-- (A encrypts, B decrypts: pktgen CLEAR_PORT -> A -> ESP link -> B -> pktgen ESP_PORT,
-- which then faces B's cleartext port) - scripts/pktgen/README.md. Without a gateway
-- (pktgen's two ports cabled together) it measures pktgen and the link alone: run that
-- first, it is the floor to subtract. Environment: PG_SIZE (64), PG_RATE (10), PG_SECS
-- (10), PG_LAT_US (probe interval in microseconds, 1000), PG_OUT, PG_RELEASE.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local size, rate = C.num("PG_SIZE", 64), C.num("PG_RATE", 10)
local secs, every = C.num("PG_SECS", 10), C.num("PG_LAT_US", 1000)
local txp, rxp = C.clear, C.esp

if C.wait_links() then
  C.clear_stream(txp, size)
  pktgen.latency(txp, "rate", every)
  pktgen.latency("all", "enable")
  C.log("case latency size %d rate %s%% probe every %d us\n", size, rate, every)
  local r = C.trial(txp, rxp, rate, secs)
  local l = pktgen.pktStats(rxp)[tonumber(rxp)].latency
  pktgen.latency("all", "disable")
  C.log("RESULT latency size %d rate_pct %s tx_pkts %d rx_pkts %d probes %d skipped %d min_us %.2f avg_us %.2f max_us %.2f\n",
        size, rate, r.tx, r.rx, l.num_pkts, l.num_skipped, l.min_us, l.avg_us, l.max_us)
end
C.finish()
