// Load client for one meeting room: N phones + one board, following docs/protocol.md.
//
//   node client.mjs CONFIG.json
//
// CONFIG: {url, origin, phones: ["ia_device=..."], board_cookie, duration, rate, ramp, grace,
//          arrival: "uniform"|"exp", seed, connect_timeout}
// Prints JSON lines on stdout: {"event":"connected",...}, {"event":"measure_start"},
// {"event":"measure_end"}, then {"event":"result", ...} (numbers in milliseconds).
// Only connects to the URL it is given (bench/load_room.py passes 127.0.0.1).
// The screens, statistics and texts are in room.mjs (shared with chaos.mjs).

import {
  Screen, acks, boardSeen, cfg, connectAll, countInto, emit, now, sleep, state, stats, summary,
} from "./room.mjs";

let measureStart = 0;
let measureEnd = 0;

// --- run ----------------------------------------------------------------------------------------------
const phones = cfg.phones.map((cookie, i) => new Screen(i, cookie, false));
const board = new Screen(-1, cfg.board_cookie, true);
const everyone = [board, ...phones];

// Event-loop lag of the client itself: if it grows, the client (not the server) is the limit.
let lastTick = now();
const lagTimer = setInterval(() => {
  const t = now();
  if (state.measuring) stats.loop_lag_ms.push(Math.max(0, t - lastTick - 100));
  lastTick = t;
}, 100);

const hardStop = setTimeout(() => finish("timeout"), cfg.overall_timeout * 1000);

async function main() {
  await connectAll([board], phones, everyone.length);
  await sleep(500);
  state.measuring = true;
  state.sendingOn = true;
  measureStart = now();
  emit({ event: "measure_start" });
  for (const p of phones) if (p.ready) p.schedule(true);
  await sleep(cfg.duration * 1000);
  state.sendingOn = false;
  state.measuring = false;
  measureEnd = now();
  emit({ event: "measure_end" });
  // Grace period: answers still in flight, and the board catching up.
  const graceEnd = now() + cfg.grace * 1000;
  while (now() < graceEnd) {
    if (phones.every((p) => p.pending.size === 0) && boardCaughtUp()) break;
    await sleep(100);
  }
  await sleep(300);
  finish("done");
}

function boardCaughtUp() {
  let maxSeq = 0;
  for (const a of acks) if (a[0] > maxSeq) maxSeq = a[0];
  return board.version >= maxSeq;
}

let finished = false;
function finish(reason) {
  if (finished) return;
  finished = true;
  clearTimeout(hardStop);
  clearInterval(lagTimer);
  // Board latency: send time -> first board frame whose upto covers the ack's seq.
  const board_ms = [];
  let boardMissing = 0;
  for (const [seq, t0] of acks) {
    let lo = 0;
    let hi = boardSeen.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (boardSeen[mid][0] >= seq) hi = mid;
      else lo = mid + 1;
    }
    if (lo < boardSeen.length) board_ms.push(boardSeen[lo][1] - t0);
    else boardMissing += 1;
  }
  let lost = 0;
  const lostKinds = {};
  for (const p of phones) {
    for (const [, m] of p.pending) {
      lost += 1;
      countInto(lostKinds, m.kind);
    }
  }
  const windowS = Math.max(0.001, ((measureEnd || now()) - measureStart) / 1000);
  emit({
    event: "result",
    reason,
    phones: phones.length,
    attempted: stats.attempted,
    connected: stats.connected,
    connect_failed: stats.connect_failed,
    connect_ms: summary(stats.connect_ms),
    unexpected_close: stats.unexpected_close,
    reconnects: stats.reconnects,
    resent: stats.resent,
    sent: stats.sent,
    acked: stats.acked,
    ack_ms: summary(stats.ack_ms),
    board_ms: summary(board_ms),
    board_missing: boardMissing,
    errors: stats.errors,
    refusals: stats.refusals,
    lost,
    lost_kinds: lostKinds,
    late_ack: stats.late_ack,
    chain_breaks: stats.chain_breaks,
    board_chain_breaks: stats.board_chain_breaks,
    overlaps: stats.overlaps,
    gap_frames: stats.gap_frames,
    resyncs: stats.resyncs,
    window_s: Math.round(windowS * 100) / 100,
    frames_per_s: Math.round(stats.frames_window / windowS),
    bytes_per_s: Math.round(stats.bytes_window / windowS),
    frames_total: stats.frames_total,
    bytes_total: stats.bytes_total,
    board_frames: stats.board_frames,
    board_connected: board.everReady,
    board_version: board.version,
    client_loop_lag_ms: summary(stats.loop_lag_ms),
  });
  for (const s of everyone) s.close();
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  finish("crash");
});
