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
// are read from it. The screens' protocol, statistics, measured window and the result's common
// fields are common.mjs's (shared with client.mjs).
// Only connects to the URL it is given (bench/load_vote.py passes 127.0.0.1).

import { VOTES } from "../../static/js/room-collections.js";
import {
  Screen, acks, boardLatency, cfg, countInto, countKinds, measure, measured, now, pct, pick, rand,
  runLoadClient, sleep, state, stats, windowSeconds,
} from "./common.mjs";

countKinds(["ballot.cast"]);
Object.assign(stats, {
  sent_invalid: 0,
  board_turnout_events: 0,
  board_results_events: 0,
  phone_results_events: 0,
});
const EXPECTED_REFUSALS = new Set(["ballot.too_many_dots"]);
let closeState = null; // {id, t0, ack, seq, result, state}

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

// --- one vote screen -------------------------------------------------------------------------------
class VoteScreen extends Screen {
  constructor(index, cookie, board, server = 0) {
    super(index, cookie, board, server, [VOTES]);
    this.lastAcked = null; // {seq, ballot}: the ballot that must be the one counted
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

  mustReconnect() {
    return super.mustReconnect() || (this.board && closeState !== null && !closeState.result);
  }

  onDelta(msg, t) {
    // Counted as they arrive (the store applies those that chain onto its version).
    for (const ev of msg.events) {
      if (ev.type !== "vote.changed" || ev.data.id !== cfg.vote) continue;
      if (this.board) {
        if (ev.data.turnout && state.measuring) stats.board_turnout_events += 1;
        if (ev.data.results && state.measuring) stats.board_results_events += 1;
        if (closeState && ev.data.state && ev.data.state !== "open" && ev.data.results) {
          closeState.result = ev.data.results;
          closeState.state = ev.data.state;
          closeState.seq = ev.seq;
          closeState.board_ms = t - closeState.t0;
        }
      } else if (ev.data.results && state.measuring) {
        stats.phone_results_events += 1;
      }
    }
    super.onDelta(msg, t);
  }

  onAck(msg, t) {
    if (!this.board) {
      super.onAck(msg, t);
    } else if (closeState && msg.id === closeState.id) {
      closeState.ack = msg.data;
      closeState.ack_seq = msg.seq;
      closeState.ack_ms = t - closeState.t0;
    }
  }

  acked(_p, msg) {
    if (!this.lastAcked || msg.seq > this.lastAcked.seq) {
      this.lastAcked = { seq: msg.seq, ballot: msg.data.ballot };
    }
  }

  onError(msg) {
    if (!this.board) {
      super.onError(msg);
      return;
    }
    this.store.snapshotRefused(msg.id); // our snapshot.get refused: the next break asks again
    countInto(stats.errors, `board:${msg.code}`);
    if (closeState && msg.id === closeState.id) closeState.error = msg.code;
  }

  refusal(p, code) {
    return Boolean(p?.invalid) && EXPECTED_REFUSALS.has(code);
  }

  act() {
    const invalid = rand() < (cfg.invalid || 0);
    const id = `b${this.index}-${++this.counter}`;
    const ballot = invalid ? invalidBallot() : dotBallot();
    if (invalid) stats.sent_invalid += 1;
    this.send("ballot.cast", id, { vote: cfg.vote, ballot }, { invalid });
  }
}

// --- run ----------------------------------------------------------------------------------------------
// Phone i on server i % N (--servers), the board on the first.
const servers = (cfg.urls ?? [cfg.url]).length;
const phones = cfg.phones.map((cookie, i) => new VoteScreen(i, cookie, false, i % servers));
const board = new VoteScreen(-1, cfg.board_cookie, true);

async function main() {
  await measure(board, phones);
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
}

/** Ack and turnout latencies per `cfg.bucket` seconds of send time. */
function timeline() {
  const bucketMs = (cfg.bucket || 10) * 1000;
  const buckets = new Map(); // by send time: {acks, ack_ms, board_ms}
  for (const [seq, t0, t1] of acks) {
    const latency = boardLatency(seq, t0);
    const k = Math.floor((t0 - measured.start) / bucketMs);
    if (!buckets.has(k)) buckets.set(k, { acks: 0, ack_ms: [], board_ms: [] });
    const b = buckets.get(k);
    b.acks += 1;
    b.ack_ms.push(t1 - t0);
    if (latency !== null) b.board_ms.push(latency);
  }
  return [...buckets.keys()].sort((a, b) => a - b).map((k) => {
    const b = buckets.get(k);
    return {
      from_s: (k * bucketMs) / 1000,
      acks: b.acks,
      ack_p50: pct(b.ack_ms, 0.5),
      ack_p99: pct(b.ack_ms, 0.99),
      board_p99: pct(b.board_ms, 0.99),
    };
  });
}

/** The vote's own result fields (sent and acked are counts of ballot.cast). */
function voteResult() {
  let ownMismatch = 0;
  const ballots = [];
  for (const p of phones) {
    if (p.lastAcked) {
      ballots.push(p.lastAcked.ballot);
      if (JSON.stringify(p.myBallot) !== JSON.stringify(p.lastAcked.ballot)) ownMismatch += 1;
    }
  }
  return {
    sent: stats.sent["ballot.cast"],
    sent_invalid: stats.sent_invalid,
    acked: stats.acked["ballot.cast"],
    timeline: timeline(),
    board_bytes_per_s: Math.round(stats.board_bytes / windowSeconds()),
    board_turnout_events: stats.board_turnout_events,
    board_results_events: stats.board_results_events,
    phone_results_events: stats.phone_results_events,
    board_turnout: board.vote?.turnout ?? null,
    voters_acked: ballots.length,
    own_ballot_mismatch: ownMismatch,
    client_ballots: ballots,
    close: closeState,
  };
}

runLoadClient(board, phones, main, voteResult);
