// Chaos client: N phones, one board and one hostile phone on several server processes, driven by
// bench/chaos.py through stdin while it breaks the backends. The screens are room.mjs's (on
// common.mjs's Screen).
//
//   node chaos.mjs CONFIG.json        (stdin: one JSON command a line; stdout: JSON lines)
//
// CONFIG: common.mjs's and room.mjs's (urls, origins, reconnect, rate, arrival, seed, tag_text)
//         plus phones, board_cookie, hostile_cookie, ramp, connect_timeout, grace, acks_file,
//         overall_timeout.
// Phone i starts on urls[i % n]; the board and the hostile phone on urls[0].
// Commands:
//   {"cmd":"phase","tag":"k"}   later messages get ids "p<i>-k-<n>" and count for phase k
//   {"cmd":"target","seq":S,"timeout":T}   {"event":"converged",...} once every phone and the
//                               board are connected with version >= S, or after T seconds
//   {"cmd":"hostile","seconds":10,"rate":10}   the hostile phone sends poisoned frames
//   {"cmd":"stop"}              stop sending, wait for the answers (grace), write the acks file,
//                               print {"event":"result",...} and exit
// Only connects to the URLs it is given (bench/chaos.py passes 127.0.0.1).

import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { cfg, connectAll, countInto, emit, now, sleep, state, stats, summary } from "./common.mjs";
import { IdeaScreen, NORMAL_REFUSALS } from "./room.mjs";

const phones = cfg.phones.map((cookie, i) => new IdeaScreen(i, cookie, false, i % cfg.urls.length));
const board = new IdeaScreen(-1, cfg.board_cookie, true, 0);
const hostile = new IdeaScreen(-2, cfg.hostile_cookie, false, 0);
hostile.maxBackoff = 250; // an attacker reconnects at once
const watched = [board, ...phones];
const everyone = [...watched, hostile];

// --- per-phase statistics (a message, its ack and its stored row count for the phase it was sent
// in; refusals and closes for the phase they happen in) ------------------------------------------
const phases = {};
let phase = "w"; // the tag of the current phase
state.tag = "w-";
const phaseStats = (name) =>
  (phases[name] ??= {
    sent: 0, acked: 0, late_acks: 0, errors: {}, refusals: {}, closes: {}, hostile: {},
    hostile_sent: 0, hostile_acked: 0, hostile_closes: {}, errors_when: {}, error_age_max_ms: 0,
    other_errors: {},
  });
const acked = []; // [phone index, message id, kind, idea id, seq]
const ackTimes = {}; // phase -> ack latencies (ms) of the messages sent in it
const ackMs = (name) => (ackTimes[name] ??= []);

state.hooks.sent = (_screen, p) => {
  p.phase = phase;
  phaseStats(phase).sent += 1;
};
state.hooks.ack = (screen, p, msg) => {
  if (screen === hostile) {
    phaseStats(phase).hostile_acked += 1;
  } else if (p === null) {
    phaseStats(phase).late_acks += 1;
  } else {
    phaseStats(p.phase).acked += 1;
    ackMs(p.phase).push(now() - p.t0);
    acked.push([screen.index, msg.id, p.kind, msg.data?.idea ?? null, msg.seq]);
  }
};
state.hooks.error = (screen, p, msg) => {
  if (screen === hostile) {
    countInto(phaseStats(phase).hostile, msg.code);
    return;
  }
  // A refusal counts for the phase it arrives in (the fault that caused it), whenever it was sent.
  const s = phaseStats(phase);
  if (!p) {
    countInto(s.other_errors, msg.code); // not a pending command: snapshot.get, a late answer
    return;
  }
  countInto(NORMAL_REFUSALS.has(msg.code) ? s.refusals : s.errors, msg.code);
  if (!NORMAL_REFUSALS.has(msg.code)) {
    countInto(s.errors_when, `${msg.code} sent in ${p.phase}${p.resent ? ", resent" : ""}`);
    s.error_age_max_ms = Math.max(s.error_age_max_ms, Math.round(now() - p.t0));
  }
};
state.hooks.closed = (screen, code, failure) => {
  const s = phaseStats(phase);
  countInto(screen === hostile ? s.hostile_closes : s.closes, failure ? `${code} ${failure}` : String(code));
};

// --- the hostile phone: every frame a database cannot store, written literally -----------------
const POISON = [
  String.raw`{"type":"idea.submit","id":"h@","data":{"text":"x\ud800"}}`,
  String.raw`{"type":"idea.submit","id":"h@\u0000","data":{"text":"NUL dans l'identifiant"}}`,
  String.raw`{"type":"idea.support","id":"h@","data":{"idea":1e30}}`,
  String.raw`{"type":"idea.support","id":"h@","data":{"idea":1000000000000000000000000000000}}`,
  String.raw`{"type":"idea.submit\ud800","id":"h@","data":{"text":"type"}}`,
  String.raw`{"type":"idea.submit","id":"h@\udc00","data":{"text":"identifiant"}}`,
];
let poisonCount = 0;

async function attack(seconds, rate) {
  const end = now() + seconds * 1000;
  while (now() < end) {
    const s = phaseStats(phase);
    if (hostile.ready && hostile.ws.readyState === 1) {
      const frame = POISON[poisonCount % POISON.length].replace("@", String(poisonCount));
      poisonCount += 1;
      hostile.ws.send(frame);
      s.hostile_sent += 1;
    } else {
      countInto(s.hostile, "not_connected");
    }
    await sleep(1000 / rate);
  }
}

// --- convergence: every phone and the board on the room's latest version -------------------------
async function target(seq, timeoutS) {
  const t0 = now();
  for (;;) {
    const behind = watched.filter((s) => !(s.ready && s.version >= seq && !s.needsSnapshot));
    const ms = Math.round(now() - t0);
    if (!behind.length || ms > timeoutS * 1000) {
      emit({
        event: "converged",
        seq,
        ok: behind.length === 0,
        ms,
        behind: behind.length,
        disconnected: behind.filter((s) => !s.ready).length,
        // Why: connected but on an old version; socket open, no snapshot yet; opening; waiting
        // to retry (backoff).
        why: {
          stale: behind.filter((s) => s.ready && !s.needsSnapshot).length,
          awaiting_snapshot: behind.filter((s) => s.ready && s.needsSnapshot).length,
          no_snapshot: behind.filter((s) => !s.ready && s.ws?.readyState === 1).length,
          opening: behind.filter((s) => !s.ready && s.ws?.readyState === 0).length,
          backoff: behind.filter((s) => !s.ready && (s.ws?.readyState ?? 3) >= 2).length,
        },
        board_behind: behind.includes(board),
        min_version: Math.min(...watched.map((s) => s.version)),
        // Seconds since the last frame of the slowest screen behind (no frames at all: silent).
        behind_silent_s: Math.round(
          Math.max(0, ...behind.map((s) => now() - s.lastFrameAt)) / 100,
        ) / 10,
      });
      return;
    }
    await sleep(50);
  }
}

// --- run ----------------------------------------------------------------------------------------------
const hardStop = setTimeout(() => finish("timeout"), cfg.overall_timeout * 1000);

async function connect() {
  await connectAll([board, hostile], phones, everyone.length);
  state.sendingOn = true;
  for (const p of phones) if (p.ready) p.schedule(true);
  emit({ event: "sending" });
}

async function onCommand(line) {
  const c = JSON.parse(line);
  if (c.cmd === "phase") {
    closeCounters();
    phase = c.tag;
    state.tag = `${c.tag}-`;
  } else if (c.cmd === "target") {
    await target(c.seq, c.timeout);
  } else if (c.cmd === "hostile") {
    await attack(c.seconds, c.rate);
    emit({ event: "hostile_done", sent: poisonCount });
  } else if (c.cmd === "stop") {
    await stop();
  }
}

async function stop() {
  state.sendingOn = false;
  const graceEnd = now() + cfg.grace * 1000;
  while (now() < graceEnd && phones.some((p) => p.pending.size)) await sleep(100);
  finish("done");
}

// Room-wide counters of the client, split by phase (as they happen).
const COUNTERS = ["gap_frames", "resyncs", "chain_breaks", "reconnects", "resent"];
let marks = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
function closeCounters() {
  const s = phaseStats(phase);
  for (const k of COUNTERS) s[k] = (s[k] ?? 0) + stats[k] - marks[k];
  marks = Object.fromEntries(COUNTERS.map((k) => [k, stats[k]]));
}

let finished = false;
function finish(reason) {
  if (finished) return;
  finished = true;
  clearTimeout(hardStop);
  closeCounters();
  const unanswered = {};
  for (const p of phones) for (const [, m] of p.pending) countInto(unanswered, m.phase);
  writeFileSync(cfg.acks_file, JSON.stringify(acked));
  for (const [name, values] of Object.entries(ackTimes)) phaseStats(name).ack_ms = summary(values);
  emit({
    event: "result",
    reason,
    connected: stats.connected,
    attempted: stats.attempted,
    board_connected: board.everReady,
    phases,
    unanswered,
    reconnects: stats.reconnects,
    resent: stats.resent,
    chain_breaks: stats.chain_breaks,
    board_chain_breaks: stats.board_chain_breaks,
    gap_frames: stats.gap_frames,
    resyncs: stats.resyncs,
    poison_sent: poisonCount,
  });
  for (const s of everyone) s.close();
  setTimeout(() => process.exit(0), 200);
}

function crash(err) {
  process.stderr.write(`${err.stack}\n`);
  finish("crash");
}

// Commands run one after the other, in the order they arrive.
let queue = connect().catch(crash);
createInterface({ input: process.stdin }).on("line", (line) => {
  queue = queue.then(() => onCommand(line)).catch(crash);
});
process.stdin.on("end", () => { queue = queue.then(() => finish("stdin closed")); });
