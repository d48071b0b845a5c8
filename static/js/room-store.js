// The room state of one screen and the rules that keep it exact (docs/protocol.md, "Keeping a
// screen exact"). Pure: no DOM, no WebSocket, no window; the pages (live.js) and the load bench's
// clients (bench/load/*.mjs) both use it, and tests/js/ replay recorded frames against it.
//
//   const store = createRoomStore({ requestSnapshot: () => sendSnapshotGet() });
//   store.register(VOTES);                       // a feature's collection (room-collections.js)
//   const outcome = store.receive(frame);        // snapshot, delta or presence frame
//   store.state.votes.get(12);
//
// A collection is { name, initial(), snapshot(current, data, state), events: { type(current,
// event, state) } }: `snapshot` builds the collection from a snapshot's `data`, each `events`
// handler applies one event and returns the collection (the same object or a new one). Several
// collections may follow the same event type (meeting.changed updates the meeting and the ideas).
//
// The version rules, in one place:
// - A snapshot replaces every collection; version := data.version.
// - A delta whose `from` is at most the version applies, in order, its events with seq > version,
//   then version := max(version, upto) ("chain" when from == version, "overlap" when from is
//   older: the events the state already has are skipped).
// - A delta whose `from` is beyond the version means a frame was missed: nothing is applied and a
//   snapshot is asked for ("hole"). The frames that follow it on the same socket chain onto the
//   broken one ("behind"): still not applied, still waiting for the snapshot (asked once).
// - A `gap` frame is applied, then a snapshot is asked for.
// - Deltas before the first snapshot are ignored ("early"): that snapshot covers them.
// - One snapshot request at a time: a new one only once a snapshot came, the request was refused
//   (snapshotRefused) or the connection changed (connectionOpened).
// - A reconnect keeps the state and its version; the new socket's snapshot replaces them.

/** The outcome of a delta frame for a screen at `version` (null: no snapshot yet). */
export function deltaStatus(version, head, frame) {
  if (version === null || version === undefined) return "early";
  if (frame.from > version) return head !== null && frame.from <= head ? "behind" : "hole";
  return frame.from < version ? "overlap" : "chain";
}

/** The events of a delta the state does not have yet (seq > version), in order. */
export function newEvents(version, events) {
  return (events ?? []).filter((event) => event.seq > version);
}

export function createRoomStore({ requestSnapshot = () => false, collections = [] } = {}) {
  const state = { version: null, online: 0 };
  const registered = new Map(); // name -> collection
  const byType = new Map(); // event type -> [collection]
  let head = null; // `upto` of the last delta on this socket (its chain)
  let asked = false; // a snapshot request awaits its snapshot (its id, when the sender gives one)
  let stale = false; // events were missed: not exact until the next snapshot

  function register(collection) {
    if (registered.has(collection.name)) return state[collection.name];
    registered.set(collection.name, collection);
    state[collection.name] = collection.initial ? collection.initial() : null;
    for (const type of Object.keys(collection.events ?? {})) {
      if (!byType.has(type)) byType.set(type, []);
      byType.get(type).push(collection);
    }
    return state[collection.name];
  }
  for (const collection of collections) register(collection);

  function askSnapshot() {
    stale = true;
    if (asked) return false;
    const sent = requestSnapshot();
    asked = sent || false;
    return Boolean(sent);
  }

  /** Apply one event to every collection that follows its type; the names of those touched. */
  function apply(event, touched) {
    for (const collection of byType.get(event.type) ?? []) {
      state[collection.name] = collection.events[event.type](state[collection.name], event, state);
      touched.add(collection.name);
    }
  }

  function onSnapshot(frame) {
    const data = frame.data ?? {};
    const previous = state.version;
    state.version = data.version ?? 0;
    if (typeof frame.online === "number") state.online = frame.online;
    for (const collection of registered.values()) {
      state[collection.name] = collection.snapshot(state[collection.name], data, state);
    }
    asked = false;
    stale = false;
    head = null;
    return { type: "snapshot", data, previous, touched: new Set(registered.keys()) };
  }

  function onDelta(frame) {
    const status = deltaStatus(state.version, head, frame);
    const outcome = { type: "delta", status, events: [], touched: new Set(), gap: Boolean(frame.gap) };
    if (status === "early") return outcome;
    head = head === null ? frame.upto : Math.max(head, frame.upto);
    if (status === "hole" || status === "behind") {
      outcome.asked = askSnapshot();
      return outcome;
    }
    if (byType.size) {
      outcome.events = newEvents(state.version, frame.events);
      for (const event of outcome.events) apply(event, outcome.touched);
    }
    state.version = Math.max(state.version, frame.upto);
    if (frame.gap) outcome.asked = askSnapshot();
    return outcome;
  }

  return {
    state,
    register,
    /** Take a snapshot, delta or presence frame; returns what it did (null: not a room frame). */
    receive(frame) {
      switch (frame?.type) {
        case "snapshot":
          return onSnapshot(frame);
        case "delta":
          return onDelta(frame);
        case "presence":
          state.online = frame.online;
          return { type: "presence", touched: new Set() };
        default:
          return null;
      }
    },
    /** Merge a local change (an ack's data) unless the state already reflects `seq`. */
    patch(event, seq = null) {
      if (state.version !== null && seq !== null && seq !== undefined && state.version >= seq) {
        return false;
      }
      const touched = new Set();
      apply(event, touched);
      return touched.size > 0;
    },
    /** Ask for a snapshot (once until it comes); true when a request was sent now. */
    askSnapshot,
    /** The answer to our snapshot request was an error (e.g. rate limited): ask again later. */
    snapshotRefused(id) {
      if (!asked || id === null || id === undefined || id !== asked) return false;
      asked = false;
      return true;
    },
    /** A new socket: its own chain of deltas starts with its snapshot. */
    connectionOpened() {
      asked = false;
      head = null;
    },
    /** True while the screen missed events and waits for a snapshot. */
    get stale() {
      return stale;
    },
    get version() {
      return state.version;
    },
  };
}
