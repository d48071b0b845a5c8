// What the load clients share (client.mjs: ideas and supports, through room.mjs; chaos.mjs:
// faults, through room.mjs; vote-client.mjs: ballots): the configuration, a deterministic random
// source, the statistics, one Screen (a phone or the board) that follows docs/protocol.md with the
// pages' own store (static/js/room-store.js: the version rules, chained on each delta; a break or
// a gap asks for a snapshot), reconnects with backoff and resends its unacknowledged messages with
// their ids; the connect ramp, the measured window and the fields every load result has.
//
// CONFIG (argv[2], JSON): url (or urls: phone i starts on urls[i % n]), origin (or origins),
// reconnect: "home" (default: back to the same server) | "other" (the next one in urls), rate,
// arrival ("uniform" | "exp"), sends (at most this many per phone; 0: no limit), seed,
// connect_timeout, ramp, scan (phones join over HTTP first, at join_url or join_urls[i % n]);
// for a measured run (measure(),
// runLoadClient()) also duration, grace, overall_timeout.
// Only connects to the URLs it is given (the Python drivers pass 127.0.0.1).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { createRoomStore } from "../../static/js/room-store.js";

export const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
export const now = () => performance.now();
export const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- deterministic random (mulberry32) -----------------------------------------------------------
let seed = (cfg.seed ?? 1) >>> 0;
export function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const pick = (arr) => arr[Math.floor(rand() * arr.length)];
export function nextDelay() {
  const mean = cfg.rate * 1000;
  if (cfg.arrival === "exp") return -Math.log(1 - rand()) * mean;
  return mean * (0.5 + rand());
}

// --- statistics --------------------------------------------------------------------------------------
export const stats = {
  attempted: 0,
  connected: 0,
  connect_failed: {},
  connect_ms: [],
  scan_ms: [], // cfg.scan: the join page, the form and the room's page (HTTP), before the socket
  unexpected_close: {},
  reconnects: 0,
  resent: 0,
  sent: {}, // by kind (countKinds)
  acked: {},
  ack_ms: [],
  errors: {},
  refusals: {},
  late_ack: 0,
  chain_breaks: 0,
  overlaps: 0,
  gap_frames: 0,
  resyncs: 0,
  frames_window: 0,
  bytes_window: 0,
  frames_total: 0,
  bytes_total: 0,
  board_frames: 0,
  board_bytes: 0,
  board_chain_breaks: 0,
  loop_lag_ms: [],
};
/** The kinds of message the phones send: `stats.sent` and `stats.acked` count each from 0. */
export function countKinds(kinds) {
  for (const kind of kinds) {
    stats.sent[kind] = 0;
    stats.acked[kind] = 0;
  }
}
export const countInto = (obj, key) => { obj[key] = (obj[key] || 0) + 1; };
export const acks = []; // [seq, sendTime, ackTime]
export const boardSeen = []; // [upto, time] of the board's frames (upto only grows)
// What the scenario switches while Screens run. `tag` prefixes message ids (chaos phases);
// hooks see every message sent, acked (p null: no longer pending) and refused, every unexpected
// close, and the first snapshot of each screen.
export const state = {
  measuring: false,
  sendingOn: false,
  tag: "",
  hooks: { connected() {}, sent() {}, ack() {}, error() {}, closed() {} },
};

export function countFrame(len, board) {
  stats.frames_total += 1;
  stats.bytes_total += len;
  if (state.measuring) {
    stats.frames_window += 1;
    stats.bytes_window += len;
    if (board) stats.board_bytes += len;
  }
}

// --- one screen ------------------------------------------------------------------------------------
// A phone or the board. The subclasses say what a phone sends (act), what an ack means to it
// (acked), which refusals are expected (refusal), and may read frames their own way (onMessage).
export class Screen {
  constructor(index, cookie, board, server = 0, collections = []) {
    this.index = index;
    this.cookie = cookie;
    this.board = board;
    this.server = server; // index in cfg.urls
    this.maxBackoff = 30000;
    // The version rules (and the collections the screen keeps); its snapshot requests are
    // counted as resyncs.
    this.store = createRoomStore({ requestSnapshot: () => this.resync(), collections });
    this.ready = false;
    this.everReady = false;
    this.pending = new Map(); // id -> {kind, t0, frame, tag, ...}
    this.counter = 0;
    this.timer = null;
    this.ws = null;
    this.failure = null; // why the last socket failed (connection refused, HTTP status...)
    this.lastFrameAt = 0;
    this.closedByUs = false;
    this.backoff = 1000;
  }

  /** A phone scanning the QR code (cfg.scan): the join page, the join form posted (a new
   * participant: the answer sets its device cookie), the room's page, then its socket. The
   * connect time runs from the scan. */
  async scan() {
    const t0 = now();
    const url = (cfg.join_urls ?? [cfg.join_url])[this.server % (cfg.join_urls ?? [1]).length];
    try {
      const page = await fetch(url, { redirect: "manual" });
      const html = await page.text();
      const csrf = page.headers.getSetCookie().find((c) => c.startsWith("csrftoken="));
      const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
      if (!page.ok || !csrf || !token) throw new Error(`join_page_${page.status}`);
      const csrfCookie = csrf.split(";")[0];
      const joined = await fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: csrfCookie, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfmiddlewaretoken: token[1], name: `Tel ${this.index + 1}` }),
      });
      const device = joined.headers.getSetCookie().find((c) => c.startsWith("ia_device="));
      if (joined.status !== 302 || !device) throw new Error(`join_post_${joined.status}`);
      this.cookie = device.split(";")[0];
      const room = await fetch(new URL(joined.headers.get("location"), url), {
        headers: { Cookie: this.cookie },
      });
      await room.text();
      if (!room.ok) throw new Error(`room_page_${room.status}`);
    } catch (err) {
      stats.attempted += 1;
      countInto(stats.connect_failed, err.message.slice(0, 40));
      return;
    }
    stats.scan_ms.push(now() - t0);
    this.open(t0);
  }

  /** `t0`: when the phone started (its scan, else now), for the connect time. */
  open(t0 = now()) {
    if (!this.everReady && !this.board) stats.attempted += 1;
    const urls = cfg.urls ?? [cfg.url];
    const origins = cfg.origins ?? [cfg.origin];
    const ws = new WebSocket(urls[this.server % urls.length], {
      // --deflate: offered as browsers do (ws compresses its own sends from 1 KiB).
      perMessageDeflate: cfg.deflate ? { threshold: 1024 } : false,
      headers: { Origin: origins[this.server % origins.length], Cookie: this.cookie },
      handshakeTimeout: cfg.connect_timeout * 1000,
    });
    this.ws = ws;
    this.ready = false;
    this.failure = null;
    this.store.connectionOpened();
    ws.on("unexpected-response", (_req, res) => {
      this.failure = `http_${res.statusCode}`;
      if (!this.everReady) countInto(stats.connect_failed, this.failure);
      ws.terminate();
    });
    ws.on("error", (err) => {
      this.failure ??= err.code || err.message.slice(0, 40);
      if (!this.everReady) countInto(stats.connect_failed, err.code || err.message.slice(0, 40));
    });
    ws.on("close", (code) => {
      if (this.closedByUs) return;
      if (this.ready || this.everReady) {
        countInto(stats.unexpected_close, String(code));
        state.hooks.closed(this, code, this.failure);
        this.ready = false;
        if (this.mustReconnect()) {
          // docs/protocol.md: reconnect with backoff, resend every unacknowledged message.
          stats.reconnects += 1;
          if (cfg.reconnect === "other") this.server += 1;
          setTimeout(() => this.open(), this.backoff * (0.5 + rand()));
          this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
        }
      }
    });
    ws.on("message", (data, isBinary) => {
      countFrame(data.length, this.board);
      this.lastFrameAt = now();
      if (isBinary) return;
      this.onMessage(data, t0);
    });
  }

  /** A text frame (a Buffer); `t0`: when its socket was opened. */
  onMessage(data, t0) {
    this.onFrame(JSON.parse(data.toString()), t0);
  }

  /** After an unexpected close: while sending, or with messages still unanswered. */
  mustReconnect() {
    return state.sendingOn || this.pending.size > 0;
  }

  /** The room version this screen shows (-1 before its first snapshot). */
  get version() {
    return this.store.version ?? -1;
  }

  /** Events were missed: the screen is not exact until the snapshot it asked for comes. */
  get needsSnapshot() {
    return this.store.stale;
  }

  onFrame(msg, t0) {
    const t = now();
    switch (msg.type) {
      case "snapshot":
        this.onSnapshot(msg, t, t0);
        break;
      case "delta":
        this.onDelta(msg, t);
        break;
      case "ack":
        this.onAck(msg, t);
        break;
      case "error":
        this.onError(msg);
        break;
      default:
        break; // presence
    }
  }

  onSnapshot(msg, t, t0) {
    this.store.receive(msg);
    if (this.board) boardSeen.push([msg.data.version, t]);
    else this.learnSnapshot(msg.data);
    if (!this.everReady) {
      this.everReady = true;
      if (!this.board) {
        stats.connected += 1;
        stats.connect_ms.push(t - t0);
      }
      state.hooks.connected(this);
    }
    this.ready = true;
    this.backoff = Math.min(1000, this.maxBackoff);
    if (msg.id == null) {
      // The snapshot of a new connection (not the answer to a snapshot.get): resend.
      for (const [, p] of this.pending) {
        stats.resent += 1;
        p.resent = (p.resent ?? 0) + 1;
        this.ws.send(p.frame);
      }
    }
  }

  /** What a phone takes from its snapshot's data. */
  learnSnapshot(_data) {}

  /** A delta (or only its head: {from, upto, gap}) chained by the store. */
  onDelta(msg, t) {
    if (this.board) stats.board_frames += 1;
    const { status } = this.store.receive(msg);
    if (status === "hole") {
      if (this.board) stats.board_chain_breaks += 1;
      else stats.chain_breaks += 1;
    } else if (status === "overlap") {
      stats.overlaps += 1;
    }
    // The board's frames chain the sequence: one whose upto >= a command's seq shows it.
    if (this.board) boardSeen.push([msg.upto, t]);
    if (msg.gap) stats.gap_frames += 1;
  }

  onAck(msg, t) {
    const p = this.pending.get(msg.id);
    if (!p) {
      stats.late_ack += 1;
      state.hooks.ack(this, null, msg);
      return;
    }
    this.pending.delete(msg.id);
    stats.acked[p.kind] += 1;
    stats.ack_ms.push(t - p.t0);
    acks.push([msg.seq, p.t0, t]);
    this.acked(p, msg);
    state.hooks.ack(this, p, msg);
  }

  /** What the phone learns from the ack of its pending message `p`. */
  acked(_p, _msg) {}

  onError(msg) {
    this.store.snapshotRefused(msg.id); // our snapshot.get refused: the next break asks again
    const p = msg.id != null ? this.pending.get(msg.id) : undefined;
    if (p) this.pending.delete(msg.id);
    if (this.refusal(p, msg.code)) countInto(stats.refusals, msg.code);
    else countInto(stats.errors, msg.code);
    state.hooks.error(this, p, msg);
  }

  /** An expected refusal (counted apart from errors) of the pending message `p`, if any. */
  refusal(_p, _code) {
    return false;
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
      if (!state.sendingOn) return;
      if (this.ready) {
        this.act();
        this.acts = (this.acts || 0) + 1;
        if (cfg.sends && this.acts >= cfg.sends) return; // its last one (a storm: --sends)
      }
      this.schedule(false);
    }, delay);
  }

  /** The phone's next message (send()). */
  act() {}

  /** Send a command and keep it pending until its answer; `extra` goes into the pending entry. */
  send(kind, id, data, extra = {}) {
    const frame = JSON.stringify({ type: kind, id, data });
    stats.sent[kind] += 1;
    const p = { kind, t0: now(), frame, tag: state.tag, ...extra };
    this.pending.set(id, p);
    state.hooks.sent(this, p);
    this.ws.send(frame);
  }

  close() {
    this.closedByUs = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.terminate();
  }
}

// --- connecting ----------------------------------------------------------------------------------

/** Open `early` at once, then `phones` at `cfg.ramp` a second (20 steps a second); resolve once
 * `expected` screens have had their snapshot, or `cfg.connect_timeout` after the last attempt,
 * and report how many connected. */
export async function connectAll(early, phones, expected) {
  let settled = 0;
  let allSettled;
  const settledPromise = new Promise((resolve) => { allSettled = resolve; });
  state.hooks.connected = () => {
    settled += 1;
    if (settled >= expected) allSettled();
  };
  for (const screen of early) screen.open();
  await sleep(200);
  const perTick = Math.max(1, Math.round(cfg.ramp / 20));
  for (let i = 0; i < phones.length; i += perTick) {
    for (const p of phones.slice(i, i + perTick)) {
      if (cfg.scan) p.scan();
      else p.open();
    }
    await sleep(50);
  }
  await Promise.race([settledPromise, sleep(cfg.connect_timeout * 1000)]);
  emit({ event: "connected", connected: stats.connected, attempted: stats.attempted });
}

export function pct(values, q) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
}
export const summary = (v) => ({
  n: v.length, p50: pct(v, 0.5), p95: pct(v, 0.95), p99: pct(v, 0.99), max: pct(v, 1),
});

// --- the measured run of a load client (client.mjs, vote-client.mjs) ----------------------------
export const measured = { start: 0, end: 0, wireStart: 0, wireEnd: 0 };

/** Bytes the phones' sockets have read off the network (compressed frames as they came). */
const wireBytes = (phones) => phones.reduce((n, p) => n + (p.ws?._socket?.bytesRead ?? 0), 0);

/** Connect the board then the phones; 0.5 s later, `cfg.duration` s of sending (the measured
 * window, announced by measure_start / measure_end); then up to `cfg.grace` s for the answers
 * still in flight and the board catching up. */
export async function measure(board, phones) {
  await connectAll([board], phones, phones.length + 1);
  await sleep(500);
  state.measuring = true;
  state.sendingOn = true;
  measured.start = now();
  measured.wireStart = wireBytes(phones);
  emit({ event: "measure_start" });
  for (const p of phones) if (p.ready) p.schedule(true);
  await sleep(cfg.duration * 1000);
  state.sendingOn = false;
  state.measuring = false;
  measured.end = now();
  measured.wireEnd = wireBytes(phones);
  emit({ event: "measure_end" });
  const graceEnd = now() + cfg.grace * 1000;
  while (now() < graceEnd) {
    if (phones.every((p) => p.pending.size === 0) && boardCaughtUp(board)) break;
    await sleep(100);
  }
}

function boardCaughtUp(board) {
  let maxSeq = 0;
  for (const a of acks) if (a[0] > maxSeq) maxSeq = a[0];
  return board.version >= maxSeq;
}

/** Send time -> the first board frame whose upto covers the ack's seq (null: never on board). */
export function boardLatency(seq, t0) {
  let lo = 0;
  let hi = boardSeen.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (boardSeen[mid][0] >= seq) hi = mid;
    else lo = mid + 1;
  }
  return lo < boardSeen.length ? boardSeen[lo][1] - t0 : null;
}

/** The measured window in seconds. */
export const windowSeconds = () =>
  Math.max(0.001, ((measured.end || now()) - measured.start) / 1000);

function commonResult(reason, board, phones) {
  const boardMs = [];
  let boardMissing = 0;
  for (const [seq, t0] of acks) {
    const latency = boardLatency(seq, t0);
    if (latency === null) boardMissing += 1;
    else boardMs.push(latency);
  }
  let lost = 0;
  for (const p of phones) lost += p.pending.size;
  const windowS = windowSeconds();
  return {
    event: "result",
    reason,
    phones: phones.length,
    attempted: stats.attempted,
    connected: stats.connected,
    connect_failed: stats.connect_failed,
    connect_ms: summary(stats.connect_ms),
    scan_ms: summary(stats.scan_ms),
    unexpected_close: stats.unexpected_close,
    reconnects: stats.reconnects,
    resent: stats.resent,
    sent: stats.sent,
    acked: stats.acked,
    ack_ms: summary(stats.ack_ms),
    board_ms: summary(boardMs),
    board_missing: boardMissing,
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
    wire_bytes_per_s: Math.round((measured.wireEnd - measured.wireStart) / windowS),
    frames_total: stats.frames_total,
    bytes_total: stats.bytes_total,
    board_frames: stats.board_frames,
    board_connected: board.everReady,
    board_version: board.version,
    client_loop_lag_ms: summary(stats.loop_lag_ms),
  };
}

/** Run `main` (an async function) under `cfg.overall_timeout`, measuring the client's own
 * event-loop lag, then print {"event":"result", ...}: the common fields and `extra()`'s, close
 * every screen and exit. Numbers are in milliseconds. */
export function runLoadClient(board, phones, main, extra) {
  // Event-loop lag of the client itself: if it grows, the client (not the server) is the limit.
  let lastTick = now();
  const lagTimer = setInterval(() => {
    const t = now();
    if (state.measuring) stats.loop_lag_ms.push(Math.max(0, t - lastTick - 100));
    lastTick = t;
  }, 100);
  let finished = false;
  const finish = (reason) => {
    if (finished) return;
    finished = true;
    clearTimeout(hardStop);
    clearInterval(lagTimer);
    emit({ ...commonResult(reason, board, phones), ...extra() });
    for (const s of [board, ...phones]) s.close();
    setTimeout(() => process.exit(0), 200);
  };
  const hardStop = setTimeout(() => finish("timeout"), cfg.overall_timeout * 1000);
  main().then(
    () => finish("done"),
    (err) => {
      process.stderr.write(`${err.stack}\n`);
      finish("crash");
    },
  );
}
