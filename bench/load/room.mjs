// Shared parts of the room clients (client.mjs: load; chaos.mjs: faults): the configuration, a
// deterministic random source, French idea texts, the statistics and one Screen (a phone or the
// board) that follows docs/protocol.md with the pages' own store (static/js/room-store.js: the
// version rules, chained on each delta's head; a break or a gap asks for a snapshot), reconnects
// with backoff and resends its unacknowledged messages with their ids.
//
// CONFIG (argv[2], JSON): url (or urls: phone i starts on urls[i % n]), origin (or origins),
// reconnect: "home" (default: back to the same server) | "other" (the next one in urls), rate,
// arrival, seed, connect_timeout, support_share (0.5: the share of idea.support among the
// messages), tag_text (append the message id to idea texts, to find duplicates in the database).
// Only connects to the URLs it is given (the Python drivers pass 127.0.0.1).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { createRoomStore } from "../../static/js/room-store.js";

export const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
export const now = () => performance.now();
export const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

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

// --- short French ideas, 40-120 characters ---------------------------------------------------------
const STARTS = [
  "Plus de bancs", "Des arbres", "Une piste cyclable", "Un marché bio", "Des toilettes publiques",
  "Un jardin partagé", "Des fontaines", "Une navette gratuite", "Un atelier de réparation",
  "Des jeux pour enfants", "Un éclairage solaire", "Une boîte à livres", "Des parkings vélo",
  "Un conseil de quartier", "Une fête des voisins",
];
const PLACES = [
  "place du marché", "près de l'école", "le long du canal", "devant la mairie", "au parc central",
  "rue de la gare", "dans le quartier nord", "à côté de la médiathèque", "sur le parvis de l'église",
];
const WHYS = [
  "pour les personnes âgées", "pour que les familles restent", "afin de réduire les voitures",
  "parce qu'il fait trop chaud l'été", "pour se retrouver le dimanche", "et ce serait moins cher",
  "pour la sécurité des enfants", "comme à Grenoble", "avant les prochaines élections",
];
export function ideaText() {
  let text = `${pick(STARTS)} ${pick(PLACES)}`;
  while (text.length < 40 || (text.length < 90 && rand() < 0.5)) text += ` ${pick(WHYS)}`;
  return text.length > 120 ? text.slice(0, 117).trimEnd() + "…" : text;
}

// --- statistics --------------------------------------------------------------------------------------
export const stats = {
  attempted: 0,
  connected: 0,
  connect_failed: {},
  connect_ms: [],
  unexpected_close: {},
  reconnects: 0,
  resent: 0,
  sent: { "idea.submit": 0, "idea.support": 0 },
  acked: { "idea.submit": 0, "idea.support": 0 },
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
  board_chain_breaks: 0,
  loop_lag_ms: [],
};
export const NORMAL_REFUSALS = new Set(["idea.already_supported", "idea.own_idea", "idea.not_supported"]);
export const countInto = (obj, key) => { obj[key] = (obj[key] || 0) + 1; };
export const acks = []; // [seq, sendTime, ackTime]
export const boardSeen = []; // [upto, time] in arrival order (upto only grows)
// What the scenario switches while Screens run. `tag` prefixes message ids (chaos phases);
// hooks see every message sent, acked (p null: no longer pending) and refused, every unexpected
// close, and the first snapshot of each screen.
export const state = {
  measuring: false,
  sendingOn: false,
  tag: "",
  hooks: { connected() {}, sent() {}, ack() {}, error() {}, closed() {} },
};

export function countFrame(len) {
  stats.frames_total += 1;
  stats.bytes_total += len;
  if (state.measuring) {
    stats.frames_window += 1;
    stats.bytes_window += len;
  }
}

// --- one screen ------------------------------------------------------------------------------------
// A delta frame's head says all a screen needs to check its chain: `{"type":"delta","from":N,
// "upto":M[,"gap":true]`; the store gets the head only (no collections registered: it keeps the
// version, not the ideas). The events are read once per frame (the first phone to get it), and
// the ideas they show go to one list the phones pick from: every phone sees the same public
// ideas, and parsing 1,000 copies of each 12 kB frame made the one client core, not the server,
// the limit of the measurement. A phone's own ideas and supports come from its acks.
const DELTA_HEAD = /^\{"type":"delta","from":(\d+),"upto":(\d+)(,"gap":true)?/;
export const roomIdeas = []; // visible idea ids seen by any phone
const roomKnown = new Set();
const readFrames = new Set(); // "from:upto" of the delta frames whose events were read

export class Screen {
  constructor(index, cookie, board, server = 0) {
    this.index = index;
    this.cookie = cookie;
    this.board = board;
    this.server = server; // index in cfg.urls
    this.maxBackoff = 30000;
    // The version rules; its snapshot requests are counted as resyncs.
    this.store = createRoomStore({ requestSnapshot: () => this.resync() });
    this.ready = false;
    this.everReady = false;
    this.mine = new Set();
    this.supported = new Set();
    this.pending = new Map(); // id -> {kind, t0, frame}
    this.counter = 0;
    this.timer = null;
    this.ws = null;
    this.failure = null; // why the last socket failed (connection refused, HTTP status...)
    this.lastFrameAt = 0;
    this.closedByUs = false;
    this.backoff = 1000;
  }

  open() {
    const t0 = now();
    if (!this.everReady && !this.board) stats.attempted += 1;
    const urls = cfg.urls ?? [cfg.url];
    const origins = cfg.origins ?? [cfg.origin];
    const ws = new WebSocket(urls[this.server % urls.length], {
      perMessageDeflate: false,
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
        if (state.sendingOn || this.pending.size) {
          // docs/protocol.md: reconnect with backoff, resend every unacknowledged message.
          stats.reconnects += 1;
          if (cfg.reconnect === "other") this.server += 1;
          setTimeout(() => this.open(), this.backoff * (0.5 + rand()));
          this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
        }
      }
    });
    ws.on("message", (data, isBinary) => {
      countFrame(data.length);
      this.lastFrameAt = now();
      if (isBinary) return;
      const head = DELTA_HEAD.exec(data.toString("latin1", 0, Math.min(data.length, 96)));
      if (head === null) {
        this.onFrame(JSON.parse(data.toString()), t0);
        return;
      }
      const from = Number(head[1]);
      const upto = Number(head[2]);
      if (!this.board && !readFrames.has(`${from}:${upto}`)) {
        readFrames.add(`${from}:${upto}`);
        for (const ev of JSON.parse(data.toString()).events) {
          if (ev.type === "idea.changed") this.learn(ev.data);
        }
      }
      this.onDelta({ type: "delta", from, upto, gap: head[3] !== undefined }, now());
    });
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
      case "snapshot": {
        this.store.receive(msg);
        if (!this.board) {
          for (const idea of msg.data.ideas) this.learn(idea);
        } else {
          boardSeen.push([msg.data.version, t]);
        }
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
        break;
      }
      case "ack": {
        const p = this.pending.get(msg.id);
        if (!p) {
          stats.late_ack += 1;
          state.hooks.ack(this, null, msg);
          break;
        }
        this.pending.delete(msg.id);
        stats.acked[p.kind] += 1;
        stats.ack_ms.push(t - p.t0);
        acks.push([msg.seq, p.t0, t]);
        if (p.kind === "idea.submit") this.mine.add(msg.data.idea);
        else this.supported.add(msg.data.idea);
        state.hooks.ack(this, p, msg);
        break;
      }
      case "error": {
        this.store.snapshotRefused(msg.id); // our snapshot.get refused: the next break asks again
        const p = msg.id != null ? this.pending.get(msg.id) : undefined;
        if (p) this.pending.delete(msg.id);
        if (NORMAL_REFUSALS.has(msg.code)) countInto(stats.refusals, msg.code);
        else countInto(stats.errors, msg.code);
        state.hooks.error(this, p, msg);
        break;
      }
      default:
        break; // presence
    }
  }

  onDelta(head, t) {
    if (this.board) stats.board_frames += 1;
    const { status } = this.store.receive(head);
    if (status === "hole") {
      if (this.board) stats.board_chain_breaks += 1;
      else stats.chain_breaks += 1;
    } else if (status === "overlap") {
      stats.overlaps += 1;
    }
    if (this.board) boardSeen.push([head.upto, t]);
    if (head.gap) stats.gap_frames += 1;
  }

  learn(idea) {
    if (idea.removed) return; // rare here; a stale id only earns an idea.not_found
    if (idea.mine) this.mine.add(idea.id);
    if (idea.supported) this.supported.add(idea.id);
    if (idea.text === undefined || idea.state !== "visible" || roomKnown.has(idea.id)) return;
    roomKnown.add(idea.id);
    roomIdeas.push(idea.id);
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
      if (this.ready) this.act();
      this.schedule(false);
    }, delay);
  }

  act() {
    let kind = rand() < (cfg.support_share ?? 0.5) ? "idea.support" : "idea.submit";
    let target = null;
    if (kind === "idea.support") {
      for (let tries = 0; tries < 5 && roomIdeas.length; tries += 1) {
        const id = pick(roomIdeas);
        if (!this.mine.has(id) && !this.supported.has(id)) {
          target = id;
          break;
        }
      }
      if (target === null) kind = "idea.submit";
    }
    const id = `p${this.index}-${state.tag}${++this.counter}`;
    const text = cfg.tag_text ? `${ideaText()} [${id}]` : ideaText();
    const frame = JSON.stringify(
      kind === "idea.submit"
        ? { type: kind, id, data: { text } }
        : { type: kind, id, data: { idea: target } },
    );
    stats.sent[kind] += 1;
    const p = { kind, t0: now(), frame, tag: state.tag };
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

// --- helpers ---------------------------------------------------------------------------------------
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
    for (const p of phones.slice(i, i + perTick)) p.open();
    await sleep(50);
  }
  await Promise.race([settledPromise, sleep(cfg.connect_timeout * 1000)]);
  emit({ event: "connected", connected: stats.connected, attempted: stats.attempted });
}

function pct(values, q) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10;
}
export const summary = (v) => ({
  n: v.length, p50: pct(v, 0.5), p95: pct(v, 0.95), p99: pct(v, 0.99), max: pct(v, 1),
});
