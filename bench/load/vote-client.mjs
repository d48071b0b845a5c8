// Load client for a live vote in one meeting room: N phones + one board (docs/protocol.md, "Votes").
//
//   node vote-client.mjs CONFIG.json
//
// CONFIG: {url, origin, phones: ["ia_device=..."], board_cookie, vote, options: [ids], max_dots,
//          max_per_option, duration, rate, ramp, grace, seed, connect_timeout, overall_timeout,
//          invalid (share of deliberately invalid ballots), bucket (s, for the timeline)}
// Each phone casts a dot ballot at a random time in the first `rate` seconds, then revises it
// every `rate` seconds on average (uniform 0.5x-1.5x) until `duration` ends; every ballot.cast
// has a unique id. After the grace period the board (a facilitator) sends vote.close and waits
// for the published result.
// Prints JSON lines on stdout: {"event":"connected",...}, {"event":"measure_start"},
// {"event":"measure_end"}, then {"event":"result", ...} (numbers in milliseconds).
// Each screen keeps the room's votes with the pages' own store and reducers
// (static/js/room-store.js, room-collections.js): the phone's own ballot and the board's turnout
// are read from it.
// Only connects to the URL it is given (bench/load_vote.py passes 127.0.0.1).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { VOTES } from "../../static/js/room-collections.js";
import { createRoomStore } from "../../static/js/room-store.js";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const now = () => performance.now();
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

// --- deterministic random (mulberry32) -----------------------------------------------------------
let seed = (cfg.seed ?? 1) >>> 0;
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const nextDelay = () => cfg.rate * 1000 * (0.5 + rand());

// A valid dot ballot: 1..max_dots dots, at most max_per_option on one option, keys in any order
// (the server stores them in option order; the ack carries the ballot as counted).
function dotBallot() {
  const ballot = {};
  const dots = 1 + Math.floor(rand() * cfg.max_dots);
  for (let placed = 0, tries = 0; placed < dots && tries < 50; tries += 1) {
    const option = String(pick(cfg.options));
    if ((ballot[option] || 0) >= cfg.max_per_option) continue;
    ballot[option] = (ballot[option] || 0) + 1;
    placed += 1;
  }
  return ballot;
}
function invalidBallot() {
  // One dot too many: refused with ballot.too_many_dots, nothing stored.
  const ballot = {};
  for (let i = 0; i <= cfg.max_dots; i += 1) {
    const option = String(cfg.options[i % cfg.options.length]);
    ballot[option] = (ballot[option] || 0) + 1;
  }
  return ballot;
}

// --- statistics --------------------------------------------------------------------------------------
const stats = {
  attempted: 0,
  connected: 0,
  connect_failed: {},
  connect_ms: [],
  unexpected_close: {},
  reconnects: 0,
  resent: 0,
  sent: 0,
  sent_invalid: 0,
  acked: 0,
  ack_ms: [],
  errors: {},
  refusals: {},
  late_ack: 0,
  chain_breaks: 0,
  board_chain_breaks: 0,
  overlaps: 0,
  gap_frames: 0,
  resyncs: 0,
  frames_window: 0,
  bytes_window: 0,
  frames_total: 0,
  bytes_total: 0,
  board_frames: 0,
  board_bytes: 0,
  board_turnout_events: 0,
  board_results_events: 0,
  phone_results_events: 0,
  loop_lag_ms: [],
};
const EXPECTED_REFUSALS = new Set(["ballot.too_many_dots"]);
const countInto = (obj, key) => { obj[key] = (obj[key] || 0) + 1; };
const acks = []; // [seq, sendTime, ackTime]
const boardSeen = []; // [upto, time] of the board's frames (upto only grows)
let measuring = false;
let sendingOn = false;
let measureStart = 0;
let measureEnd = 0;
let closeState = null; // {id, t0, ack, seq, result, state}

function countFrame(len, board) {
  stats.frames_total += 1;
  stats.bytes_total += len;
  if (measuring) {
    stats.frames_window += 1;
    stats.bytes_window += len;
    if (board) stats.board_bytes += len;
  }
}

// --- one screen ------------------------------------------------------------------------------------
class Screen {
  constructor(index, cookie, board) {
    this.index = index;
    this.cookie = cookie;
    this.board = board;
    // The version rules and the votes; its snapshot requests are counted as resyncs.
    this.store = createRoomStore({ requestSnapshot: () => this.resync(), collections: [VOTES] });
    this.ready = false;
    this.everReady = false;
    this.pending = new Map(); // id -> {t0, frame, invalid}
    this.counter = 0;
    this.timer = null;
    this.ws = null;
    this.closedByUs = false;
    this.backoff = 1000;
    this.lastAcked = null; // {seq, ballot}: the ballot that must be the one counted
  }

  /** The room version this screen shows (-1 before its first snapshot). */
  get version() {
    return this.store.version ?? -1;
  }

  /** The vote as this screen has it (snapshot and vote.changed events merged). */
  get vote() {
    return this.store.state.votes.get(cfg.vote);
  }

  /** The phone's own ballot as its screen shows it (undefined: the vote carries none). */
  get myBallot() {
    const vote = this.vote;
    return vote && "my_ballot" in vote ? vote.my_ballot : undefined;
  }

  open() {
    const t0 = now();
    if (!this.everReady && !this.board) stats.attempted += 1;
    const ws = new WebSocket(cfg.url, {
      perMessageDeflate: false,
      headers: { Origin: cfg.origin, Cookie: this.cookie },
      handshakeTimeout: cfg.connect_timeout * 1000,
    });
    this.ws = ws;
    this.ready = false;
    this.store.connectionOpened();
    ws.on("unexpected-response", (_req, res) => {
      if (!this.everReady) countInto(stats.connect_failed, `http_${res.statusCode}`);
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (!this.everReady) countInto(stats.connect_failed, err.code || err.message.slice(0, 40));
    });
    ws.on("close", (code) => {
      if (this.closedByUs) return;
      if (this.ready || this.everReady) {
        countInto(stats.unexpected_close, String(code));
        this.ready = false;
        if (sendingOn || this.pending.size || (this.board && closeState && !closeState.result)) {
          // docs/protocol.md: reconnect with backoff, resend every unacknowledged message.
          stats.reconnects += 1;
          setTimeout(() => this.open(), this.backoff * (0.5 + rand()));
          this.backoff = Math.min(this.backoff * 2, 30000);
        }
      }
    });
    ws.on("message", (data, isBinary) => {
      countFrame(data.length, this.board);
      if (isBinary) return;
      this.onFrame(JSON.parse(data.toString()), t0);
    });
  }

  onFrame(msg, t0) {
    const t = now();
    switch (msg.type) {
      case "snapshot": {
        this.store.receive(msg);
        if (this.board) boardSeen.push([msg.data.version, t]);
        if (!this.everReady) {
          this.everReady = true;
          if (!this.board) {
            stats.connected += 1;
            stats.connect_ms.push(t - t0);
          }
          onConnected();
        }
        this.ready = true;
        this.backoff = 1000;
        for (const [, p] of this.pending) {
          stats.resent += 1;
          this.ws.send(p.frame);
        }
        break;
      }
      case "delta": {
        if (this.board) stats.board_frames += 1;
        // Counted as they arrive (the store applies those that chain onto its version).
        for (const ev of msg.events) {
          if (ev.type !== "vote.changed" || ev.data.id !== cfg.vote) continue;
          if (this.board) {
            if (ev.data.turnout && measuring) stats.board_turnout_events += 1;
            if (ev.data.results && measuring) stats.board_results_events += 1;
            if (closeState && ev.data.state && ev.data.state !== "open" && ev.data.results) {
              closeState.result = ev.data.results;
              closeState.state = ev.data.state;
              closeState.seq = ev.seq;
              closeState.board_ms = t - closeState.t0;
            }
          } else if (ev.data.results && measuring) {
            stats.phone_results_events += 1;
          }
        }
        const { status } = this.store.receive(msg);
        if (status === "hole") {
          if (this.board) stats.board_chain_breaks += 1;
          else stats.chain_breaks += 1;
        } else if (status === "overlap") {
          stats.overlaps += 1;
        }
        // The board's frames chain the sequence: one whose upto >= a ballot's seq shows it.
        if (this.board) boardSeen.push([msg.upto, t]);
        if (msg.gap) stats.gap_frames += 1;
        break;
      }
      case "ack": {
        if (this.board) {
          if (closeState && msg.id === closeState.id) {
            closeState.ack = msg.data;
            closeState.ack_seq = msg.seq;
            closeState.ack_ms = t - closeState.t0;
          }
          break;
        }
        const p = this.pending.get(msg.id);
        if (!p) {
          stats.late_ack += 1;
          break;
        }
        this.pending.delete(msg.id);
        stats.acked += 1;
        stats.ack_ms.push(t - p.t0);
        acks.push([msg.seq, p.t0, t]);
        if (!this.lastAcked || msg.seq > this.lastAcked.seq) {
          this.lastAcked = { seq: msg.seq, ballot: msg.data.ballot };
        }
        break;
      }
      case "error": {
        this.store.snapshotRefused(msg.id); // our snapshot.get refused: the next break asks again
        if (this.board) {
          countInto(stats.errors, `board:${msg.code}`);
          if (closeState && msg.id === closeState.id) closeState.error = msg.code;
          break;
        }
        const p = msg.id != null ? this.pending.get(msg.id) : undefined;
        if (p) this.pending.delete(msg.id);
        if (p && p.invalid && EXPECTED_REFUSALS.has(msg.code)) countInto(stats.refusals, msg.code);
        else countInto(stats.errors, msg.code);
        break;
      }
      default:
        break; // presence
    }
  }

  /** Send snapshot.get (the store asks, once until the snapshot comes); returns its id. */
  resync() {
    stats.resyncs += 1;
    const id = `r${this.index}-${++this.counter}`;
    this.ws.send(JSON.stringify({ type: "snapshot.get", id }));
    return id;
  }

  schedule(first) {
    const delay = first ? rand() * cfg.rate * 1000 : nextDelay();
    this.timer = setTimeout(() => {
      if (!sendingOn) return;
      if (this.ready) this.cast();
      this.schedule(false);
    }, delay);
  }

  cast() {
    const invalid = rand() < (cfg.invalid || 0);
    const id = `b${this.index}-${++this.counter}`;
    const ballot = invalid ? invalidBallot() : dotBallot();
    const frame = JSON.stringify({ type: "ballot.cast", id, data: { vote: cfg.vote, ballot } });
    stats.sent += 1;
    if (invalid) stats.sent_invalid += 1;
    this.pending.set(id, { t0: now(), frame, invalid });
    this.ws.send(frame);
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.terminate();
  }
}

// --- run ----------------------------------------------------------------------------------------------
const phones = cfg.phones.map((cookie, i) => new Screen(i, cookie, false));
const board = new Screen(-1, cfg.board_cookie, true);
const everyone = [board, ...phones];
let settled = 0;
let allSettled;
const settledPromise = new Promise((resolve) => { allSettled = resolve; });
function onConnected() {
  settled += 1;
  if (settled >= everyone.length) allSettled();
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Event-loop lag of the client itself: if it grows, the client (not the server) is the limit.
let lastTick = now();
const lagTimer = setInterval(() => {
  const t = now();
  if (measuring) stats.loop_lag_ms.push(Math.max(0, t - lastTick - 100));
  lastTick = t;
}, 100);

const hardStop = setTimeout(() => finish("timeout"), cfg.overall_timeout * 1000);

async function main() {
  board.open();
  await sleep(200);
  const perTick = Math.max(1, Math.round(cfg.ramp / 20));
  for (let i = 0; i < phones.length; i += perTick) {
    for (const p of phones.slice(i, i + perTick)) p.open();
    await sleep(50);
  }
  await Promise.race([settledPromise, sleep(cfg.connect_timeout * 1000)]);
  emit({ event: "connected", connected: stats.connected, attempted: stats.attempted });
  await sleep(500);
  measuring = true;
  sendingOn = true;
  measureStart = now();
  emit({ event: "measure_start" });
  for (const p of phones) if (p.ready) p.schedule(true);
  await sleep(cfg.duration * 1000);
  sendingOn = false;
  measuring = false;
  measureEnd = now();
  emit({ event: "measure_end" });
  // Grace period: answers still in flight, and the board catching up.
  const graceEnd = now() + cfg.grace * 1000;
  while (now() < graceEnd) {
    if (phones.every((p) => p.pending.size === 0) && boardCaughtUp()) break;
    await sleep(100);
  }
  // Close the vote from the board (publish: the frozen result goes to everyone).
  if (board.ready) {
    closeState = { id: "close-1", t0: now() };
    board.ws.send(
      JSON.stringify({ type: "vote.close", id: closeState.id, data: { vote: cfg.vote } }),
    );
    const closeEnd = now() + 30000;
    while (now() < closeEnd && !closeState.result && !closeState.error) await sleep(50);
  }
  await sleep(500); // the phones' copies of the published result
  finish("done");
}

function boardCaughtUp() {
  let maxSeq = 0;
  for (const a of acks) if (a[0] > maxSeq) maxSeq = a[0];
  return board.version >= maxSeq;
}

function pct(values, q) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
}
const summary = (v) => ({
  n: v.length, p50: pct(v, 0.5), p95: pct(v, 0.95), p99: pct(v, 0.99), max: pct(v, 1),
});

function boardLatency(seq, t0) {
  let lo = 0;
  let hi = boardSeen.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boardSeen[mid][0] >= seq) hi = mid;
    else lo = mid + 1;
  }
  return lo < boardSeen.length ? boardSeen[lo][1] - t0 : null;
}

let finished = false;
function finish(reason) {
  if (finished) return;
  finished = true;
  clearTimeout(hardStop);
  clearInterval(lagTimer);
  // Turnout on the board: send time -> first board frame whose upto covers the ack's seq.
  const board_ms = [];
  let boardMissing = 0;
  const bucketMs = (cfg.bucket || 10) * 1000;
  const buckets = new Map(); // by send time: {sent acked, ack_ms, board_ms}
  for (const [seq, t0, t1] of acks) {
    const latency = boardLatency(seq, t0);
    const k = Math.floor((t0 - measureStart) / bucketMs);
    if (!buckets.has(k)) buckets.set(k, { acks: 0, ack_ms: [], board_ms: [] });
    const b = buckets.get(k);
    b.acks += 1;
    b.ack_ms.push(t1 - t0);
    if (latency === null) boardMissing += 1;
    else {
      board_ms.push(latency);
      b.board_ms.push(latency);
    }
  }
  const timeline = [...buckets.keys()].sort((a, b) => a - b).map((k) => {
    const b = buckets.get(k);
    return {
      from_s: (k * bucketMs) / 1000,
      acks: b.acks,
      ack_p50: pct(b.ack_ms, 0.5),
      ack_p99: pct(b.ack_ms, 0.99),
      board_p99: pct(b.board_ms, 0.99),
    };
  });
  let lost = 0;
  let ownMismatch = 0;
  const ballots = [];
  for (const p of phones) {
    lost += p.pending.size;
    if (p.lastAcked) {
      ballots.push(p.lastAcked.ballot);
      if (JSON.stringify(p.myBallot) !== JSON.stringify(p.lastAcked.ballot)) ownMismatch += 1;
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
    sent_invalid: stats.sent_invalid,
    acked: stats.acked,
    ack_ms: summary(stats.ack_ms),
    board_ms: summary(board_ms),
    board_missing: boardMissing,
    timeline,
    errors: stats.errors,
    refusals: stats.refusals,
    lost,
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
    board_bytes_per_s: Math.round(stats.board_bytes / windowS),
    board_turnout_events: stats.board_turnout_events,
    board_results_events: stats.board_results_events,
    phone_results_events: stats.phone_results_events,
    board_connected: board.everReady,
    board_version: board.version,
    board_turnout: board.vote?.turnout ?? null,
    voters_acked: ballots.length,
    own_ballot_mismatch: ownMismatch,
    client_ballots: ballots,
    close: closeState,
    client_loop_lag_ms: summary(stats.loop_lag_ms),
  });
  for (const s of everyone) s.close();
  setTimeout(() => process.exit(0), 200);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  finish("crash");
});
