// Votes in the room store (VOTES, static/js/room-collections.js), replayed on recorded frames:
// turnout and live results, each phone's own ballot, the published result, and a vote whose
// results wait for the close (docs/protocol.md, "Votes").
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { VOTES, byNewest } from "../../static/js/room-collections.js";
import { acks, recorded, replay, roomFrames, screenStore } from "./replay.mjs";

const votes = recorded("votes");

function storeOf(who) {
  const { store, requests } = screenStore([VOTES]);
  return { store, requests, outcomes: replay(store, votes[who]) };
}

describe("votes", () => {
  it("follow the turnout and the live results frame by frame on the board", () => {
    const { store } = screenStore([VOTES]);
    const turnouts = [];
    for (const frame of roomFrames(votes.board)) {
      store.receive(frame);
      const first = store.state.votes.get(1);
      if (first && frame.type === "delta") turnouts.push(first.turnout.ballots);
    }
    // Created open, Léa, Karim, Léa again (her ballot replaced), the close; then the second vote.
    assert.deepEqual(turnouts.slice(0, 5), [0, 1, 2, 2, 2]);
    const first = store.state.votes.get(1);
    assert.equal(first.state, "published");
    assert.equal(first.results_stale, 0);
    // Léa's second ballot replaced her first: 3 dots from Karim on option 2, 1 from Léa on 3.
    const [, two, three] = first.options.map((o) => String(o.id));
    assert.equal(first.results.tally.totals[two], 3);
    assert.equal(first.results.tally.totals[three], 1);
    assert.equal(first.results.sources.phones, 2);
    assert.ok(Array.isArray(first.paper)); // facilitators get the paper entries
  });

  it("give each phone its own ballot and nobody else's", () => {
    const a = storeOf("phone_a").store.state.votes.get(1);
    const b = storeOf("phone_b").store.state.votes.get(1);
    const sentA = JSON.parse(JSON.stringify(acks(votes.phone_a).a2.data.ballot));
    assert.deepEqual(a.my_ballot, sentA);
    assert.deepEqual(b.my_ballot, acks(votes.phone_b).b1.data.ballot);
    assert.notDeepEqual(a.my_ballot, b.my_ballot);
    assert.equal(a.paper, undefined); // phones never get the paper entries
    assert.deepEqual(a.results, b.results);
  });

  it("mark results behind when a ballot comes with the turnout only (results at the close)", () => {
    const { store } = screenStore([VOTES]);
    const frames = roomFrames(votes.board);
    const seen = [];
    for (const frame of frames) {
      store.receive(frame);
      const second = store.state.votes.get(2);
      if (second) seen.push([second.state, second.turnout.ballots, second.results_stale ?? 0, second.results !== null]);
    }
    assert.deepEqual(seen.at(0), ["open", 0, 0, false]);
    assert.ok(seen.some(([state, ballots, stale]) => state === "open" && ballots === 1 && stale === 1));
    assert.deepEqual(seen.at(-1), ["published", 1, 0, true]);
    assert.deepEqual(byNewest(store.state.votes).map((v) => v.id), [2, 1]);
  });

  it("keep the same Map across snapshots (pages hold a reference to it)", () => {
    const { store } = screenStore([VOTES]);
    const map = store.state.votes;
    replay(store, votes.phone_b);
    store.receive(roomFrames(votes.phone_b)[0]);
    assert.equal(store.state.votes, map);
    assert.equal(map.size, 0); // the first snapshot had no vote yet
  });

  it("ignore a small update of a vote the screen never saw", () => {
    const { store } = screenStore([VOTES]);
    store.receive(roomFrames(votes.phone_a)[0]);
    const event = { seq: 1, type: "vote.changed", data: { id: 9, turnout: { ballots: 1 } } };
    store.receive({ type: "delta", from: 0, upto: 1, events: [event] });
    assert.equal(store.state.votes.has(9), false);
  });
});
