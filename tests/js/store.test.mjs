// The version rules of the room store (static/js/room-store.js), replayed on recorded frames:
// snapshot, deltas in order, holes, gap frames, stale and duplicate frames, reconnects, and the
// facilitator's and the public's views of the same room (docs/protocol.md).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { SUGGESTIONS } from "../../static/js/room-collections.js";
import { createRoomStore, deltaStatus } from "../../static/js/room-store.js";
import { acks, recorded, replay, roomFrames, screenStore, syncFrames, texts } from "./replay.mjs";

const ideas = recorded("ideas");
const gap = recorded("gap");
const reconnect = recorded("reconnect");

describe("snapshot", () => {
  it("replaces the state and sets the version", () => {
    const { store } = screenStore();
    const [snapshot] = roomFrames(ideas.phone_a);
    const outcome = store.receive(snapshot);
    assert.equal(outcome.type, "snapshot");
    assert.equal(store.version, snapshot.data.version);
    assert.equal(store.state.meeting.phase, "collect");
    assert.deepEqual(store.state.me, snapshot.data.me);
    assert.equal(store.state.me.role, "participant");
    assert.equal(store.state.ideas.size, 0);
    assert.equal(store.state.online, snapshot.online);
    assert.deepEqual([...outcome.touched].sort(), ["ideas", "me", "meeting", "themes"]);
  });

  it("a later snapshot replaces everything, whatever was there", () => {
    const { store } = screenStore();
    replay(store, gap.phone_a);
    const last = roomFrames(gap.phone_a).at(-1);
    assert.equal(last.type, "snapshot");
    const fresh = screenStore().store;
    fresh.receive(last);
    assert.deepEqual([...store.state.ideas.entries()], [...fresh.state.ideas.entries()]);
    assert.equal(store.version, fresh.version);
  });
});

describe("deltas in order", () => {
  it("build on the board the room the facilitator sees, pending ideas included", () => {
    const { store, requests } = screenStore([SUGGESTIONS]);
    const outcomes = replay(store, ideas.board);
    assert.deepEqual(requests, []);
    assert.ok(outcomes.filter((o) => o.type === "delta").every((o) => o.status === "chain"));
    const sent = acks(ideas.board);
    assert.equal(store.version, sent.f6.seq + 1); // Karim's suggestion comes last
    assert.deepEqual(texts(store.state), [
      "Des bancs place du marché",
      "Un marché bio le samedi",
      "Une navette gratuite",
    ]);
    assert.ok([...store.state.ideas.values()].every((idea) => idea.state === "visible"));
    const [theme] = store.state.themes.values();
    assert.equal(theme.name, "Mobilité");
    const moved = [...store.state.ideas.values()].find((i) => i.text === "Une navette gratuite");
    assert.equal(moved.theme, theme.id);
    assert.equal(store.state.meeting.phase, "cluster");
    assert.equal(store.state.meeting.premoderation, true);
    assert.equal(store.state.meeting.allow_theme_suggestions, true);
    const bio = [...store.state.ideas.values()].find((i) => i.text === "Un marché bio le samedi");
    assert.equal(bio.supports, 1);
    assert.deepEqual(store.state.suggestions.get(bio.id), { [theme.id]: 1 });
  });

  it("show a pending idea to the facilitator and its author only, until approved", () => {
    const pendingText = "Une navette gratuite";
    const states = {};
    for (const who of ["board", "phone_a", "phone_b"]) {
      const { store } = screenStore();
      const frames = roomFrames(ideas[who]);
      const upto = acks(ideas[who]).b3?.seq ?? acks(ideas.phone_b).b3.seq;
      // Replay until the screen shows the pending idea's sequence number.
      for (const frame of frames) {
        store.receive(frame);
        if (store.version >= upto) break;
      }
      states[who] = [...store.state.ideas.values()].find((i) => i.text === pendingText) ?? null;
    }
    assert.equal(states.board.state, "pending");
    assert.equal(states.phone_b.state, "pending");
    assert.equal(states.phone_b.mine, true);
    assert.equal(states.phone_a, null);
  });

  it("apply the author's own view after the public one (mine, supported)", () => {
    const a = screenStore().store;
    const b = screenStore().store;
    replay(a, ideas.phone_a);
    replay(b, ideas.phone_b);
    const bioA = [...a.state.ideas.values()].find((i) => i.text === "Un marché bio le samedi");
    const bioB = b.state.ideas.get(bioA.id);
    assert.equal(bioA.mine, true);
    assert.notEqual(bioB.mine, true);
    assert.equal(bioB.supported, true);
    assert.equal(bioA.supports, 1);
    assert.equal(bioB.supports, 1);
    assert.equal(a.state.suggestions, undefined); // not registered: phones never get them
  });
});

describe("a missed frame (hole)", () => {
  it("asks for one snapshot, applies nothing until it comes, then is exact", () => {
    const { store, requests } = screenStore();
    const [snapshot, first, gapFrame, resync] = syncFrames(gap.phone_a);
    store.receive(snapshot);
    // `first` is lost on the way: the next frame does not chain.
    const outcome = store.receive(gapFrame);
    assert.equal(outcome.status, "hole");
    assert.deepEqual(outcome.events, []);
    assert.deepEqual(requests, ["s1"]);
    assert.equal(store.version, snapshot.data.version);
    assert.equal(store.stale, true);
    assert.equal(store.state.ideas.size, 0);
    // Had the missed frame come after all, it chains onto the version: applied, nothing asked.
    assert.equal(store.receive(first).status, "chain");
    assert.deepEqual(texts(store.state), ["Première idée"]);
    assert.deepEqual(requests, ["s1"]);
    store.receive(resync);
    assert.equal(store.stale, false);
    assert.equal(store.version, resync.data.version);
    assert.deepEqual(texts(store.state), ["Perdue en route", "Première idée", "Troisième idée"]);
  });

  it("frames chaining onto the broken one wait for the same snapshot (asked once)", () => {
    const { store, requests } = screenStore([SUGGESTIONS]);
    const [snapshot, , ...rest] = syncFrames(ideas.board);
    store.receive(snapshot);
    const statuses = rest.map((frame) => store.receive(frame).status);
    assert.deepEqual(statuses, ["hole", ...rest.slice(1).map(() => "behind")]);
    assert.deepEqual(requests, ["s1"]);
    assert.equal(store.version, snapshot.data.version);
  });

  it("asks again when the request was refused, or on a new socket", () => {
    const { store, requests } = screenStore();
    const [snapshot, , gapFrame] = syncFrames(gap.phone_a);
    store.receive(snapshot);
    store.receive(gapFrame);
    assert.equal(store.askSnapshot(), false); // still waiting for s1
    assert.equal(store.snapshotRefused("other"), false);
    assert.equal(store.snapshotRefused("s1"), true); // e.g. rate limited
    assert.equal(store.receive(gapFrame).status, "behind");
    assert.deepEqual(requests, ["s1", "s2"]);
    store.connectionOpened();
    assert.equal(store.askSnapshot(), true);
    assert.deepEqual(requests, ["s1", "s2", "s3"]);
  });
});

describe("a gap frame", () => {
  it("is applied, then a snapshot is asked for; the snapshot brings the lost event", () => {
    const { store, requests } = screenStore();
    const frames = roomFrames(gap.phone_a);
    const gapAt = frames.findIndex((f) => f.gap);
    replay(store, frames.slice(0, gapAt));
    const outcome = store.receive(frames[gapAt]);
    assert.equal(outcome.status, "chain");
    assert.equal(outcome.gap, true);
    assert.equal(store.version, frames[gapAt].upto);
    assert.deepEqual(texts(store.state), ["Première idée", "Troisième idée"]);
    assert.deepEqual(requests, ["s1"]);
    assert.equal(store.stale, true);
    replay(store, frames.slice(gapAt + 1));
    assert.equal(store.stale, false);
    assert.deepEqual(texts(store.state), ["Perdue en route", "Première idée", "Troisième idée"]);
  });

  it("reaches the board too (the facilitators' chain has its own gap frame)", () => {
    const { store, requests } = screenStore();
    const outcomes = replay(store, gap.board);
    assert.ok(outcomes.some((o) => o.gap));
    assert.deepEqual(requests, ["s1"]);
  });
});

describe("stale and duplicate frames", () => {
  it("a frame received twice changes nothing the second time", () => {
    const { store, requests } = screenStore();
    const frames = roomFrames(ideas.phone_b);
    replay(store, frames);
    const before = JSON.stringify([...store.state.ideas.entries()]);
    const version = store.version;
    for (const frame of frames.filter((f) => f.type === "delta")) {
      const outcome = store.receive(frame);
      assert.equal(outcome.status, "overlap");
      assert.deepEqual(outcome.events, []);
    }
    assert.equal(JSON.stringify([...store.state.ideas.entries()]), before);
    assert.equal(store.version, version);
    assert.deepEqual(requests, []);
  });

  it("deltas before the first snapshot are ignored (the snapshot covers them)", () => {
    const { store, requests } = screenStore();
    const delta = roomFrames(ideas.phone_a).find((f) => f.type === "delta");
    assert.equal(store.receive(delta).status, "early");
    assert.equal(store.version, null);
    assert.deepEqual(requests, []);
  });

  it("a count-only update of an idea never seen is ignored", () => {
    const { store } = screenStore();
    store.receive(roomFrames(ideas.phone_a)[0]);
    store.receive({ type: "delta", from: 0, upto: 1, events: [{ seq: 1, type: "idea.changed", data: { id: 99, supports: 3 } }] });
    assert.equal(store.state.ideas.has(99), false);
    assert.equal(store.version, 1);
  });

  it("a local patch is skipped once the screen reflects its sequence number", () => {
    const { store } = screenStore();
    replay(store, ideas.phone_b);
    const [idea] = store.state.ideas.values();
    assert.equal(store.patch({ type: "idea.changed", data: { id: idea.id, supports: 42 } }, store.version), false);
    assert.notEqual(store.state.ideas.get(idea.id).supports, 42);
    assert.equal(store.patch({ type: "idea.changed", data: { id: idea.id, supports: 42 } }, store.version + 1), true);
    assert.equal(store.state.ideas.get(idea.id).supports, 42);
  });
});

describe("reconnect", () => {
  it("keeps the state until the new socket's newer snapshot replaces it", () => {
    const { store, requests } = screenStore();
    replay(store, reconnect.phone_a);
    assert.deepEqual(texts(store.state), ["Avant la coupure"]);
    const version = store.version;
    store.connectionOpened(); // the socket dropped; a new one opens
    assert.equal(store.version, version);
    const [snapshot, ...deltas] = roomFrames(reconnect.phone_a_again);
    store.receive(snapshot);
    assert.ok(store.version > version);
    assert.deepEqual(texts(store.state), ["Avant la coupure", "Pendant la coupure", "Un post-it du mur"]);
    // The new socket's first frame may start before its snapshot: its events are skipped.
    const statuses = deltas.map((frame) => store.receive(frame).status);
    assert.equal(statuses[0], deltas[0].from < snapshot.data.version ? "overlap" : "chain");
    assert.deepEqual(texts(store.state), [
      "Après la coupure",
      "Avant la coupure",
      "Pendant la coupure",
      "Un post-it du mur",
    ]);
    assert.deepEqual(requests, []);
  });
});

describe("the bench's head-only store", () => {
  it("follows the same rules with no collection and no events", () => {
    const requests = [];
    const store = createRoomStore({ requestSnapshot: () => requests.push("r") });
    const frames = roomFrames(gap.phone_a).map((f) =>
      f.type === "delta" ? { type: "delta", from: f.from, upto: f.upto, gap: Boolean(f.gap) } : f,
    );
    const outcomes = replay(store, frames);
    assert.deepEqual(outcomes.filter((o) => o.type === "delta").map((o) => o.status), ["chain", "chain"]);
    assert.equal(requests.length, 1); // the gap
    assert.equal(store.stale, false); // its snapshot came
    assert.deepEqual(Object.keys(store.state).sort(), ["online", "version"]);
  });

  it("classifies a frame against the version and the socket's chain", () => {
    assert.equal(deltaStatus(null, null, { from: 0 }), "early");
    assert.equal(deltaStatus(5, null, { from: 5 }), "chain");
    assert.equal(deltaStatus(5, null, { from: 3 }), "overlap");
    assert.equal(deltaStatus(5, null, { from: 7 }), "hole");
    assert.equal(deltaStatus(5, 9, { from: 9 }), "behind");
    assert.equal(deltaStatus(5, 9, { from: 11 }), "hole");
  });
});

describe("the store modules", () => {
  it("are pure: no DOM, no WebSocket, no window, and import nothing else", async () => {
    const { readFileSync } = await import("node:fs");
    for (const name of ["room-store.js", "room-collections.js"]) {
      const source = readFileSync(new URL(`../../static/js/${name}`, import.meta.url), "utf8");
      const code = source.replace(/^\s*\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
      for (const word of ["document", "window", "WebSocket", "localStorage", "navigator"]) {
        assert.equal(new RegExp(`\\b${word}\\b`).test(code), false, `${name} uses ${word}`);
      }
      assert.equal(/^import /m.test(code), false, `${name} imports a module`);
    }
  });
});
