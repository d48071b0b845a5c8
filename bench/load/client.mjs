// Load client for one meeting room: N phones + one board, following docs/protocol.md.
//
//   node client.mjs CONFIG.json
//
// CONFIG: {url, origin, phones: ["ia_device=..."], board_cookie, duration, rate, ramp, grace,
//          arrival: "uniform"|"exp", seed, connect_timeout, overall_timeout}
// Prints JSON lines on stdout: {"event":"connected",...}, {"event":"measure_start"},
// {"event":"measure_end"}, then {"event":"result", ...} (numbers in milliseconds).
// Only connects to the URL it is given (bench/load_room.py passes 127.0.0.1).
// The idea screens are in room.mjs (shared with chaos.mjs); the screens' protocol, statistics,
// measured window and result in common.mjs (shared with vote-client.mjs).

import { cfg, countInto, measure, runLoadClient, sleep } from "./common.mjs";
import { IdeaScreen } from "./room.mjs";

// Phone i on server i % N (--servers), the board on the first.
const servers = (cfg.urls ?? [cfg.url]).length;
const phones = cfg.phones.map((cookie, i) => new IdeaScreen(i, cookie, false, i % servers));
const board = new IdeaScreen(-1, cfg.board_cookie, true);

function lostKinds() {
  const kinds = {};
  for (const p of phones) for (const [, m] of p.pending) countInto(kinds, m.kind);
  return kinds;
}

runLoadClient(
  board,
  phones,
  async () => {
    await measure(board, phones);
    await sleep(300);
  },
  () => ({ lost_kinds: lostKinds() }),
);
