// Helpers of the store tests: load recorded frames (tests/js/frames/, written by
// record_frames.py) and replay them against the room store the pages and the bench use.
import { readFileSync } from "node:fs";

import { CORE } from "../../static/js/room-collections.js";
import { createRoomStore } from "../../static/js/room-store.js";

/** The frames each screen of a recorded scenario received: { board: [...], phone_a: [...] }. */
export function recorded(name) {
  const url = new URL(`./frames/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).screens;
}

/** Only the frames a store takes (snapshot, delta, presence), in order. */
export function roomFrames(frames) {
  return frames.filter((frame) => ["snapshot", "delta", "presence"].includes(frame.type));
}

/** The snapshots and deltas only (no presence), in order. */
export function syncFrames(frames) {
  return frames.filter((frame) => frame.type === "snapshot" || frame.type === "delta");
}

/** The acks a screen received, by message id. */
export function acks(frames) {
  return Object.fromEntries(frames.filter((f) => f.type === "ack").map((f) => [f.id, f]));
}

/**
 * A store with the pages' core collections (and `extra` ones) whose snapshot requests are
 * recorded in `requests` (each gets an id "s1", "s2"…, as a page's would).
 */
export function screenStore(extra = []) {
  const requests = [];
  const store = createRoomStore({
    requestSnapshot: () => {
      requests.push(`s${requests.length + 1}`);
      return requests.at(-1);
    },
    collections: [...CORE, ...extra],
  });
  return { store, requests };
}

/** Feed frames to a store; returns the outcomes of the room frames. */
export function replay(store, frames) {
  return roomFrames(frames).map((frame) => store.receive(frame));
}

/** The texts of the ideas a state has, sorted. */
export function texts(state) {
  return [...state.ideas.values()].map((idea) => idea.text).sort();
}
