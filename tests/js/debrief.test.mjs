// The debrief on the board, replayed on recorded frames: the three columns read from the store's
// ideas, the timeline collection (facilitators only) and its order (docs/minutes.md).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { TIMELINE, debriefColumns, groupLanes, timelineOrder } from "../../static/js/room-collections.js";
import { recorded, replay, screenStore } from "./replay.mjs";

const debrief = recorded("debrief");

describe("debrief", () => {
  it("puts each visible idea in the column of its kind", () => {
    const { store } = screenStore([TIMELINE]);
    replay(store, debrief.board);
    assert.equal(store.state.meeting.phase, "debrief");
    const columns = debriefColumns(store.state.ideas);
    const textsOf = (kind) => columns[kind].map((idea) => idea.text);
    assert.deepEqual(textsOf("strength"), ["Bonne ambiance"]);
    assert.deepEqual(textsOf("critique"), ["Trop long"]);
    assert.deepEqual(textsOf("improvement"), ["Un minuteur visible"]);
    assert.deepEqual(groupLanes(store.state.ideas), []);
  });

  it("keeps the timeline marks on the board, edited in place, in time order", () => {
    const { store } = screenStore([TIMELINE]);
    const outcomes = replay(store, debrief.board);
    assert.ok(store.state.meeting.started_at);
    const marks = timelineOrder(store.state.timeline);
    assert.deepEqual(marks.map((m) => [m.offset, m.kind, m.label]), [
      [30, "note", "Pause"],
      [90, "speaker", "Ouverture"],
    ]);
    assert.ok(outcomes.some((o) => o.touched.has("timeline")));
  });

  it("gives the phone the same columns and no timeline", () => {
    const { store } = screenStore([TIMELINE]);
    const outcomes = replay(store, debrief.phone_a);
    assert.equal(store.state.timeline.size, 0);
    assert.ok(outcomes.filter((o) => o.type === "delta").every((o) => !o.touched.has("timeline")));
    const columns = debriefColumns(store.state.ideas);
    assert.deepEqual(Object.values(columns).map((list) => list.length), [1, 1, 1]);
    assert.ok([...store.state.ideas.values()].every((idea) => idea.mine));
  });

  it("groups brought-back proposals by breakout group", () => {
    const group = { id: 3, title: "Atelier vélo", color: "teal" };
    const ideas = new Map([
      [1, { id: 1, text: "a", state: "visible", group, created: "2026-01-01T10:00" }],
      [2, { id: 2, text: "b", state: "visible", group: null, created: "2026-01-01T10:01" }],
      [3, { id: 3, text: "c", state: "hidden", group, created: "2026-01-01T10:02" }],
      [4, { id: 4, text: "d", state: "visible", group, created: "2026-01-01T10:03" }],
    ]);
    assert.deepEqual(groupLanes(ideas), [{ group, ideas: [ideas.get(4), ideas.get(1)] }]);
  });
});
