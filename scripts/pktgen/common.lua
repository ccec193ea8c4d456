-- Shared by the gdoigw pktgen scripts (encrypt.lua, decrypt.lua, rfc2544.lua, latency.lua).
-- Loaded with dofile() from the script's own folder. Everything is set through the
-- environment, which pktgen inherits (scripts/pktgen/README.md lists the variables).
-- Port numbers are pktgen's: CLEAR_PORT faces the gateway's cleartext (protected)
-- port, ESP_PORT its ESP (unprotected) port.
local C = {}

C.clear = os.getenv("PG_CLEAR_PORT") or "0"
C.esp = os.getenv("PG_ESP_PORT") or "1"
C.out = os.getenv("PG_OUT") or "pktgen-result.txt"
-- the gateway's MAC on each side (the destination of what pktgen sends)
C.dut_clear_mac = os.getenv("PG_DUT_CLEAR_MAC") or "02:00:00:00:00:01"
C.dut_esp_mac = os.getenv("PG_DUT_ESP_MAC") or "02:00:00:00:01:01"
-- the cleartext flow: protected network behind pktgen's cleartext port -> the far side
C.src_ip = os.getenv("PG_SRC_IP") or "10.1.0.1"
C.dst_ip = os.getenv("PG_DST_IP") or "10.2.0.1"
C.sport = tonumber(os.getenv("PG_SPORT") or "1024")
C.dport = tonumber(os.getenv("PG_DPORT") or "5000")

local f = io.open(C.out, "w")
function C.log(...)
  f:write(string.format(...)); f:flush()
end

function C.num(name, default)
  return tonumber(os.getenv(name) or default)
end

-- pktgen refreshes its counters once a second (its timer "tick"); portStats() returns
-- the last tick's values. Wait for the next tick of port p so windows are whole seconds.
function C.wait_tick(p)
  local n = tonumber(p)
  local a = pktgen.portStats("all", "port")[n]
  for _ = 1, 300 do
    pktgen.delay(5)
    local b = pktgen.portStats("all", "port")[n]
    if b.opackets ~= a.opackets or b.ipackets ~= a.ipackets then return true end
  end
  return false
end

-- Totals of both ports, read right after a tick.
function C.totals()
  pktgen.delay(1100)
  local s = pktgen.portStats("all", "port")
  return s
end

-- Wait (max 30 s) for every port's link: the gateway must have connected.
function C.wait_links()
  local up = false
  for _ = 1, 300 do
    up = true
    for k, v in pairs(pktgen.linkState("all")) do
      if k ~= "n" and not string.find(v, "UP") then up = false end
    end
    if up then break end
    pktgen.delay(100)
  end
  for k, v in pairs(pktgen.linkState("all")) do
    if k ~= "n" then C.log("link port%s %s\n", k, v) end
  end
  if not up then C.log("ERROR link not up\n") end
  return up
end

-- The cleartext stream on port p: UDP src_ip -> dst_ip of frame size `size` (pktgen
-- sizes count the 4-byte FCS: 64 = a 60-byte frame on the wire buffer), to the gateway.
function C.clear_stream(p, size)
  pktgen.set_mac(p, "dst", C.dut_clear_mac)
  pktgen.set_ipaddr(p, "src", C.src_ip .. "/16")
  pktgen.set_ipaddr(p, "dst", C.dst_ip)
  pktgen.set_proto(p, "udp")
  pktgen.set(p, "sport", C.sport)
  pktgen.set(p, "dport", C.dport)
  pktgen.set(p, "ttl", 64)
  pktgen.set(p, "size", size)
end

-- One trial: send on txp at `rate` percent of the link speed for `secs` seconds
-- (or `count` packets when count > 0), count what came back on rxp. Returns a table:
-- tx, rx (packets), txb, rxb (bytes), secs (the measured window), and the pps figures.
function C.trial(txp, rxp, rate, secs, count)
  local t, r = tonumber(txp), tonumber(rxp)
  pktgen.set(txp, "rate", rate)
  pktgen.set(txp, "count", count or 0)
  C.wait_tick(txp)
  local s0 = pktgen.portStats("all", "port")
  pktgen.start(txp)
  if count and count > 0 then
    -- a fixed count: wait until sent (pktgen stops by itself), bounded by secs; the
    -- window is then the time it took, to 0.1 s
    local steps = 0
    for _ = 1, secs * 10 do
      pktgen.delay(100)
      steps = steps + 1
      if pktgen.isSending(txp)[t] == "n" then break end
    end
    secs = steps / 10
  else
    pktgen.delay(secs * 1000)
  end
  pktgen.stop(txp)
  pktgen.delay(500)                 -- what is still in the gateway comes out
  local s1 = C.totals()
  local res = {
    tx = s1[t].opackets - s0[t].opackets, rx = s1[r].ipackets - s0[r].ipackets,
    txb = s1[t].obytes - s0[t].obytes, rxb = s1[r].ibytes - s0[r].ibytes, secs = secs,
    ierrors = s1[r].ierrors - s0[r].ierrors, imissed = s1[r].imissed - s0[r].imissed,
  }
  res.loss = res.tx - res.rx
  res.tx_pps = res.tx / secs
  res.rx_pps = res.rx / secs
  return res
end

-- Rates of a running stream over `secs` whole seconds (no stop): for throughput runs.
function C.window(txp, rxp, secs)
  local t, r = tonumber(txp), tonumber(rxp)
  C.wait_tick(txp)
  local s0 = pktgen.portStats("all", "port")
  local ticks = 0
  for i = 1, secs do
    if C.wait_tick(txp) then ticks = ticks + 1 end
    local rt = pktgen.portStats("all", "rate")
    C.log("sec %2d: tx[p%s] %d pps  rx[p%s] %d pps\n", i, txp, rt[t].opackets, rxp, rt[r].ipackets)
  end
  local s1 = pktgen.portStats("all", "port")
  if ticks == 0 then ticks = 1 end
  return {
    tx = s1[t].opackets - s0[t].opackets, rx = s1[r].ipackets - s0[r].ipackets,
    txb = s1[t].obytes - s0[t].obytes, rxb = s1[r].ibytes - s0[r].ibytes, secs = ticks,
    tx_pps = (s1[t].opackets - s0[t].opackets) / ticks,
    rx_pps = (s1[r].ipackets - s0[r].ipackets) / ticks,
  }
end

-- A throughput run: send at `rate` on txp, `warm` s of warm-up, a window of `secs` s
-- (or, with count > 0, a counted trial capturing what rxp receives), then stop; logs
-- the RESULT line of direction `dir` and frame size `size`.
function C.run(dir, size, txp, rxp, rate, warm, secs, count)
  local r
  if count > 0 then
    C.capture(rxp, true)
    r = C.trial(txp, rxp, rate, secs, count)
    C.capture(rxp, false)
  else
    pktgen.set(txp, "rate", rate)   -- after pcap on, too: it recomputes the TX cycles
    pktgen.start(txp)
    pktgen.delay(warm * 1000)
    C.log("WINDOW_START\n")
    r = C.window(txp, rxp, secs)
    C.log("WINDOW_END\n")
    pktgen.stop(txp)
  end
  C.log("RESULT dir %s size %s tx_pkts %d rx_pkts %d tx_pps %.0f rx_pps %.0f tx_Mbps %.1f rx_Mbps %.1f secs %.1f\n",
        dir, size, r.tx, r.rx, r.tx_pps, r.rx_pps, r.txb * 8 / r.secs / 1e6, r.rxb * 8 / r.secs / 1e6, r.secs)
  return r
end

-- Optional capture of what port p receives (pktgen writes pktgen-DATE-P.pcap into its
-- working directory when the capture is turned off; its buffer holds 4 MB).
function C.capture(p, on)
  if os.getenv("PG_CAPTURE") then pktgen.capture(p, on and "on" or "off") end
end

-- End: DONE, then (PG_RELEASE) wait until the driver has stopped the gateway, so that
-- no side polls a memif whose peer just vanished, then quit pktgen.
function C.finish()
  C.log("DONE\n")
  f:close()
  local rel = os.getenv("PG_RELEASE")
  if rel then
    for _ = 1, 600 do
      local r = io.open(rel); if r then r:close(); break end
      pktgen.delay(100)
    end
  end
  if not os.getenv("PG_STAY") then pktgen.quit() end
end

return C
