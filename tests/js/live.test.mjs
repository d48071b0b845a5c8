// live.js's connectRoom on the store, with a stand-in socket and window: recorded frames come in
// as socket messages; what the page sends (commands, snapshot.get) is checked.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { recorded } from "./replay.mjs";

class FakeSocket {
  static OPEN = 1;
  static last = null;
  constructor(url) {
    this.url = url;
    this.readyState = FakeSocket.OPEN;
    this.sent = [];
    this.listeners = {};
    FakeSocket.last = this;
  }
  addEventListener(type, listener) {
    (this.listeners[type] ??= []).push(listener);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    this.readyState = 3;
    for (const listener of this.listeners.close ?? []) listener({ code });
  }
  receive(frame) {
    for (const listener of this.listeners.message ?? []) listener({ data: JSON.stringify(frame) });
  }
}

const noop = () => {};
globalThis.WebSocket = FakeSocket;
globalThis.window = {
  location: { protocol: "http:", host: "127.0.0.1:8000" },
  addEventListener: noop,
  setTimeout: () => 0,
  clearTimeout: noop,
};
globalThis.document = { getElementById: () => null, addEventListener: noop };
Object.defineProperty(globalThis, "navigator", { value: { onLine: true }, configurable: true });

const { connectRoom } = await import("../../static/js/live.js");
const { VOTES } = await import("../../static/js/room-collections.js");

describe("connectRoom", () => {
  it("keeps the page's state with the store and asks for a snapshot after a gap", async () => {
    const reasons = [];
    const room = connectRoom({ path: "/ws/room/TEST/", onChange: (_state, reason) => reasons.push(reason.type) });
    const socket = FakeSocket.last;
    assert.equal(socket.url, "ws://127.0.0.1:8000/ws/room/TEST/");
    const frames = recorded("gap").phone_a.filter((f) => f.type !== "ack");
    const gapAt = frames.findIndex((f) => f.gap);
    for (const frame of frames.slice(0, gapAt + 1)) socket.receive(frame);
    const asks = socket.sent.filter((f) => f.type === "snapshot.get");
    assert.equal(asks.length, 1);
    assert.equal(room.state.ideas.size, 2);
    socket.receive(frames[gapAt]); // the same frame again: nothing new, nothing asked
    assert.equal(socket.sent.filter((f) => f.type === "snapshot.get").length, 1);
    for (const frame of frames.slice(gapAt + 1)) socket.receive(frame);
    assert.equal(room.state.ideas.size, 3);
    assert.equal(await room.onScreen(frames[gapAt].upto), room.state.version);
    assert.deepEqual(reasons.filter((r) => r !== "delta"), ["snapshot", "snapshot"]);
  });

  it("sends commands after the first snapshot and resolves them on their ack", async () => {
    const room = connectRoom({ path: "/ws/room/TEST/" });
    const votes = room.register(VOTES);
    const socket = FakeSocket.last;
    const sending = room.send("ballot.cast", { vote: 1, ballot: {} });
    assert.equal(socket.sent.length, 0); // not before the snapshot
    const frames = recorded("votes").phone_b.filter((f) => f.type === "snapshot" || f.type === "delta");
    socket.receive(frames[0]);
    const [command] = socket.sent;
    assert.equal(command.type, "ballot.cast");
    socket.receive({ type: "ack", id: command.id, seq: 3, data: { vote: 1 } });
    const ack = await sending;
    assert.equal(ack.seq, 3);
    for (const frame of frames.slice(1)) socket.receive(frame);
    assert.equal(room.state.votes, votes);
    assert.equal(votes.get(1).state, "published");
    assert.equal(room.pending, 0);
  });
});

describe("the feature modules", () => {
  it("load (syntax and imports) without a page", async () => {
    const { readdirSync } = await import("node:fs");
    // Page scripts run at load (the browser tests drive them); the others are modules.
    const pages = new Set(["board.js", "phone.js", "projection.js", "programme-filters.js"]);
    const names = readdirSync(new URL("../../static/js/", import.meta.url)).filter(
      (name) => name.endsWith(".js") && !pages.has(name),
    );
    assert.ok(names.length > 10);
    for (const name of names) await import(`../../static/js/${name}`);
  });
});
