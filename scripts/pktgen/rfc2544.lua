-- RFC 2544 (section 26.1) style throughput: for each frame size, the highest rate at
-- which every frame sent comes back (zero loss): the rate is halved from PG_MAX until a
-- trial passes, then bisected between that pass and the last failure.
-- Direction encrypt (default): cleartext from the cleartext port, counted as ESP on the
-- ESP port. Direction decrypt (PG_DIR=decrypt): the ESP pcap loaded with -s replayed from
-- the ESP port, counted on the cleartext port (one "size": pcap).
-- The size "imix" replays the pcap loaded on the cleartext port (-s CLEAR:imix.pcap,
-- made by scapy: scripts/pktgen/README.md); other sizes are pktgen's single-packet stream.
-- Environment: PG_SIZES ("64 128 256 512 1024 1280 1420 1518 imix"), PG_TRIAL (s per
-- trial, 10; RFC 2544 asks for 60), PG_LOSS (accepted loss in percent, 0), PG_RES
-- (resolution: stop when the failed rate is within PG_RES percent of the passed one, 1),
-- PG_MAX (start rate, percent of the link, 100), PG_MIN (give up below, 0.001), PG_DIR,
-- PG_OUT, PG_RELEASE. Each trial is logged; one RESULT line per size.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(dir .. "common.lua")
local sizes = os.getenv("PG_SIZES") or "64 128 256 512 1024 1280 1420 1518 imix"
local trial_s, loss_pct = C.num("PG_TRIAL", 10), C.num("PG_LOSS", 0)
local res, maxr, minr = C.num("PG_RES", 1), C.num("PG_MAX", 100), C.num("PG_MIN", 0.001)
local decrypt = os.getenv("PG_DIR") == "decrypt"
local txp, rxp = C.clear, C.esp
if decrypt then txp, rxp, sizes = C.esp, C.clear, "pcap" end

local function ok(r)
  return r.tx > 0 and r.loss <= r.tx * loss_pct / 100
end

if C.wait_links() then
  C.log("case rfc2544 %s trial %d s loss %s%% resolution %s%%\n",
        decrypt and "decrypt" or "encrypt", trial_s, loss_pct, res)
  for size in string.gmatch(sizes, "%S+") do
    if size == "imix" or size == "pcap" then
      pktgen.pcap(txp, "on")
    else
      pktgen.pcap(txp, "off")
      C.clear_stream(txp, tonumber(size))
    end
    -- halve the rate until a trial passes, then bisect between the last pass (lo) and
    -- the last failure (hi) until they are within PG_RES percent of lo
    local lo, hi, best, rate = 0, maxr, nil, maxr
    while rate >= minr do
      local r = C.trial(txp, rxp, rate, trial_s)
      C.log("trial size %s rate %.4f%% tx %d rx %d loss %d\n", size, rate, r.tx, r.rx, r.loss)
      if ok(r) then lo, best = rate, r; break end
      hi, rate = rate, rate / 2
    end
    while best and lo < maxr and hi - lo > lo * res / 100 do
      local mid = (lo + hi) / 2
      local r = C.trial(txp, rxp, mid, trial_s)
      C.log("trial size %s rate %.4f%% tx %d rx %d loss %d\n", size, mid, r.tx, r.rx, r.loss)
      if ok(r) then lo, best = mid, r else hi = mid end
    end
    if best then
      C.log("RESULT rfc2544 size %s rate_pct %.4f tx_pps %.0f rx_pps %.0f rx_Mbps %.1f frame_bytes %.1f\n",
            size, lo, best.tx_pps, best.rx_pps, best.rxb * 8 / best.secs / 1e6,
            best.tx > 0 and best.txb / best.tx or 0)
    else
      C.log("RESULT rfc2544 size %s rate_pct 0 (loss at every rate down to %.4f%%)\n", size, hi)
    end
  end
end
C.finish()
