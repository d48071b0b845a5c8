// Shared WebSocket client for a meeting room: keeps a screen exact (docs/protocol.md).
//
//   const room = connectRoom({ path: "/ws/room/PARC23/", store: "phone", onChange, onStatus, onError });
//   const ack = await room.send("idea.submit", { text, title });   // resolves on ack, rejects on error
//   await room.onScreen(ack.seq);                                   // resolves once version >= seq
//
// State: one store per room (static/js/room-store.js, pure: the version rules live there only).
// room.state = { version, online, meeting, me, ideas: Map<id, idea>, themes: Map<id, theme>, …
// the collections features register: room.register(VOTES) adds state.votes }. Features register
// before the first snapshot (when they mount) and keep no copy of the state. They follow it with
// room.subscribe((state, reason) => …): called after onChange; reason is {type: "snapshot", data,
// touched} | {type: "delta", events, touched} | {type: "patch"}, `touched` naming the collections
// that changed.
// No user text is ever turned into HTML here; the helpers below build DOM with textContent.
//
// Unacknowledged messages outlive the page: with `store` (the page kind: "phone", "board"), they
// are kept in localStorage (static/js/outbox-store.js) and the next page of that kind and room
// resends them with their ids, so they are still applied once. A `server.error` reply keeps the
// message and shows a "Réessayer" button (same message, same id); a refusal rejects it as before.

import { openStore } from "./outbox-store.js";
import { CORE, sortIdeas } from "./room-collections.js";
import { createRoomStore } from "./room-store.js";

export { sortIdeas };

const MIN_DELAY = 1000;
const MAX_DELAY = 30000;
const CLOSE_NOT_ALLOWED = 4403;
const CLOSE_NOT_FOUND = 4404;
const CLOSE_REPLACED = 4409; // the same phone opened the room again elsewhere: this page stops
// Reads answered for the page that asked: neither kept across a reload nor offered for retry.
const READ_ONLY = new Set(["vote.results", "themes.suggest", "ideas.find_duplicates", "themes.discover"]);
const SERVER_ERROR = "server.error";
// French fallbacks; pages translate them in a <script id="live-strings"> block (_live_strings.html).
const LIVE_STRINGS = {
  server_error: "Erreur du serveur : rien n'a été enregistré.",
  retry: "Réessayer",
  give_up: "Abandonner",
  restored_failed: "Un envoi fait avant le rechargement de la page n'a pas abouti : {message}",
};
const noop = () => {};

let counter = 0;

/** A client message id: unique per device and meeting, 1 to 64 characters. */
export function newId() {
  counter += 1;
  // The random part keeps ids of two tabs (or of a page and its reload) apart.
  const random = Math.floor(Math.random() * 36 ** 4).toString(36);
  return `${Date.now().toString(36)}-${random}-${counter}`;
}

/** Read a JSON <script type="application/json" id="…"> block (json_script or hand-written). */
export function readJson(id, fallback = null) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return fallback;
  }
}

/** "{n} idées" → "12 idées". Values are inserted as text, never HTML. */
export function format(template, values = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (m, key) =>
    key in values ? String(values[key]) : m,
  );
}

/** Pick the "one" or "other" string (French: 0 and 1 are singular) and format it. */
export function plural(strings, key, n, values = {}) {
  const lang = document.documentElement.lang || "fr";
  let rule = "other";
  try {
    rule = new Intl.PluralRules(lang).select(n) === "one" ? "one" : "other";
  } catch {
    rule = n === 1 ? "one" : "other";
  }
  const template = strings[`${key}_${rule}`] ?? strings[`${key}_other`] ?? "";
  return format(template, { n: n.toLocaleString(lang), ...values });
}

/** document.createElement with class, text (as textContent) and attributes. */
export function el(tag, { cls, text, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children) {
    if (child) node.append(child);
  }
  return node;
}

/** Put `children` in `container` in this order, moving only the nodes that are out of place. */
export function reorder(container, children) {
  const wanted = new Set(children);
  for (const node of [...container.children]) {
    if (!wanted.has(node)) node.remove();
  }
  children.forEach((node, index) => {
    const current = container.children[index];
    if (current !== node) container.insertBefore(node, current ?? null);
  });
}

/** The "not saved: Réessayer / Abandonner" banner of a server.error (hidden until shown). */
function failureBanner(strings, { retry, giveUp }) {
  const text = el("p", { cls: "send-failed-text", attrs: { role: "alert" } });
  const retryButton = el("button", { cls: "btn btn-primary", text: strings.retry, attrs: { type: "button" } });
  const giveUpButton = el("button", { cls: "btn btn-quiet", text: strings.give_up, attrs: { type: "button" } });
  const box = el(
    "div",
    { cls: "send-failed notice notice-error", attrs: { hidden: true } },
    text,
    el("div", { cls: "row" }, retryButton, giveUpButton),
  );
  let returnFocus = null;
  retryButton.addEventListener("click", retry);
  giveUpButton.addEventListener("click", giveUp);
  (document.getElementById("main") ?? document.body).append(box);
  return {
    show(message) {
      if (box.hidden && !box.contains(document.activeElement)) returnFocus = document.activeElement;
      box.hidden = false;
      text.textContent = message || strings.server_error; // a change the alert role announces
    },
    hide() {
      if (box.hidden) return;
      const hadFocus = box.contains(document.activeElement);
      box.hidden = true;
      text.textContent = "";
      if (hadFocus) (returnFocus?.isConnected ? returnFocus : document.getElementById("main"))?.focus();
      returnFocus = null;
    },
  };
}

export function connectRoom({
  path,
  store = null,
  onChange = () => {},
  onStatus = () => {},
  onError = () => {},
  onPresence = () => {},
} = {}) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}${path}`;

  const roomStore = createRoomStore({ requestSnapshot, collections: CORE });
  const state = roomStore.state;
  const listeners = new Set();
  function changed(reason) {
    onChange(state, reason);
    for (const listener of listeners) {
      try {
        listener(state, reason);
      } catch (error) {
        console.error(error); // one broken module must not stop the others
      }
    }
  }
  const strings = { ...LIVE_STRINGS, ...readJson("live-strings", {}) };
  const saved = store ? openStore(`${store}|${path}`) : null;
  // id -> { frame, resolve, reject, sent, held (a server.error awaits "Réessayer"), restored, me }
  const outbox = new Map();
  for (const { frame, me } of saved?.load() ?? []) {
    outbox.set(frame.id, { frame, resolve: noop, reject: noop, sent: false, restored: true, me });
  }
  let banner = null;
  let waiters = []; // { seq, resolve }
  let socket = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;
  let synced = false; // a snapshot arrived on the current socket

  let lastStatus = { status: "connecting" };
  function status(name, extra = {}) {
    lastStatus = { status: name, ...extra };
    onStatus({ ...lastStatus, pending: outbox.size });
  }
  function refreshStatus(extra = {}) {
    onStatus({ ...lastStatus, ...extra, pending: outbox.size });
  }

  function rawSend(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** The store asks (once until the snapshot comes): the request's id, or false if not sent. */
  function requestSnapshot() {
    const id = newId();
    return rawSend({ type: "snapshot.get", id }) ? id : false;
  }

  function flushOutbox() {
    for (const entry of outbox.values()) {
      if (!entry.held) entry.sent = rawSend(entry.frame) || entry.sent;
    }
  }

  /** Who sends, as stored with a message: a page of someone else never resends it. */
  function actorKey() {
    const me = state.me;
    return me ? `${me.role ?? ""}:${me.id ?? ""}` : null;
  }

  function forget(id) {
    outbox.delete(id);
    saved?.remove(id);
  }

  function dropForeignRestored() {
    const me = actorKey();
    for (const [id, entry] of outbox) {
      if (entry.restored && entry.me && me && entry.me !== me) forget(id);
    }
  }

  function showFailures() {
    const held = [...outbox.values()].filter((entry) => entry.held);
    if (!held.length) {
      banner?.hide();
      return;
    }
    banner ??= failureBanner(strings, { retry: retryHeld, giveUp: giveUpHeld });
    banner.show(held[held.length - 1].failure.message);
  }

  /** "Réessayer": the same messages, with the same ids, now (or after the reconnect). */
  function retryHeld() {
    for (const entry of outbox.values()) {
      if (!entry.held) continue;
      entry.held = false;
      entry.sent = synced && rawSend(entry.frame);
    }
    showFailures();
    refreshStatus();
  }

  /** "Abandonner": the pages hear the server's error, as for any refused message. */
  function giveUpHeld() {
    for (const [id, entry] of outbox) {
      if (!entry.held) continue;
      forget(id);
      fail(entry, entry.failure);
    }
    showFailures();
    refreshStatus();
  }

  function settleWaiters() {
    if (state.version === null) return;
    const ready = waiters.filter((w) => state.version >= w.seq);
    waiters = waiters.filter((w) => state.version < w.seq);
    for (const w of ready) w.resolve(state.version);
  }

  function handleSnapshot(frame) {
    const { data, touched } = roomStore.receive(frame);
    if (!synced) {
      synced = true;
      attempt = 0;
      dropForeignRestored();
      status("open");
      flushOutbox(); // after the first snapshot: the server is ready for commands
    }
    changed({ type: "snapshot", data, touched });
    settleWaiters();
  }

  /** The store applies what chains onto its version and asks for a snapshot after a hole or gap. */
  function handleDelta(frame) {
    const { status, events, touched } = roomStore.receive(frame);
    if (status === "early" || status === "hole" || status === "behind") return;
    if (events.length) changed({ type: "delta", events, touched });
    settleWaiters();
  }

  function handleAck(frame) {
    const entry = outbox.get(frame.id);
    if (!entry) return;
    forget(frame.id);
    entry.resolve({ id: frame.id, seq: frame.seq ?? null, data: frame.data ?? {} });
    if (entry.held) showFailures();
    refreshStatus();
  }

  function handleCommandError(entry, error) {
    const err = Object.assign(new Error(error.message), error);
    if (error.code === SERVER_ERROR && !READ_ONLY.has(entry.frame.type)) {
      // The server failed, nothing was saved: keep the message for "Réessayer".
      Object.assign(entry, { held: true, sent: false, failure: err });
      showFailures();
      refreshStatus();
      return;
    }
    forget(error.id);
    refreshStatus();
    fail(entry, err);
  }

  /** A message that will not be applied: its page hears it, or this one if it came from storage. */
  function fail(entry, err) {
    if (!entry.restored) {
      entry.reject(err);
      return;
    }
    // Sent by a page that is gone: this page tells the person (phone.js puts an idea back).
    const { type, data } = entry.frame;
    const message = format(strings.restored_failed, { message: err.message });
    onError({ code: err.code, id: err.id, message, restored: true, type, data });
  }

  function handleError(frame) {
    const entry = frame.id !== null && frame.id !== undefined ? outbox.get(frame.id) : null;
    const error = { code: frame.code, message: frame.message, id: frame.id ?? null };
    if (entry) {
      handleCommandError(entry, error);
      return;
    }
    if (roomStore.snapshotRefused(frame.id)) return; // e.g. rate limited: the next gap asks again
    if (frame.code === "protocol.not_ready") return;
    onError(error);
    if (frame.code === "auth.not_participant" || frame.code === "meeting.not_found") {
      stopped = true;
      status("refused", { message: frame.message, code: frame.code });
    }
  }

  function onMessage(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    switch (frame.type) {
      case "snapshot":
        handleSnapshot(frame);
        break;
      case "delta":
        handleDelta(frame);
        break;
      case "presence":
        roomStore.receive(frame);
        onPresence(state.online);
        break;
      case "ack":
        handleAck(frame);
        break;
      case "error":
        handleError(frame);
        break;
      default:
        break;
    }
  }

  function scheduleReconnect() {
    if (stopped || timer) return;
    if (navigator.onLine === false) {
      status("offline", { retryIn: null });
      return; // the "online" event reconnects
    }
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt);
    const delay = Math.round(base / 2 + Math.random() * (base / 2)); // jitter: 50–100 %
    attempt += 1;
    status("offline", { retryIn: delay });
    timer = window.setTimeout(() => {
      timer = null;
      open();
    }, delay);
  }

  function open() {
    if (stopped) return;
    if (socket && socket.readyState <= WebSocket.OPEN) return;
    synced = false;
    roomStore.connectionOpened();
    status(attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener("message", (event) => {
      if (socket === ws) onMessage(event);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = null;
      synced = false;
      for (const entry of outbox.values()) entry.sent = false;
      if ([CLOSE_NOT_ALLOWED, CLOSE_NOT_FOUND, CLOSE_REPLACED].includes(event.code)) {
        stopped = true;
        status("refused", { code: event.code });
        return;
      }
      scheduleReconnect();
    });
  }

  function reconnectNow() {
    if (stopped) return;
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    attempt = 0;
    open();
  }

  window.addEventListener("online", reconnectNow);
  window.addEventListener("offline", () => {
    // The network is gone: don't wait for a dead socket to time out.
    const ws = socket;
    if (!ws) return;
    socket = null;
    synced = false;
    for (const entry of outbox.values()) entry.sent = false;
    ws.close(4000, "offline");
    scheduleReconnect();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !socket) reconnectNow();
  });

  open();

  return {
    state,
    /** Send a command; resolves with {id, seq, data} on ack, rejects with {code, message}. */
    send(type, data = {}) {
      const id = newId();
      const frame = { type, id, data };
      if (saved && !READ_ONLY.has(type)) saved.save(frame, actorKey());
      return new Promise((resolve, reject) => {
        const entry = { frame, resolve, reject, sent: false };
        outbox.set(id, entry);
        if (synced) entry.sent = rawSend(frame);
        refreshStatus({ queued: !entry.sent });
      });
    },
    /** Resolves when the room version reaches `seq` (your change is on this screen). */
    onScreen(seq) {
      return new Promise((resolve) => {
        if (seq === null || seq === undefined) {
          resolve(state.version);
          return;
        }
        waiters.push({ seq, resolve });
        settleWaiters();
      });
    },
    /** Merge fields into an idea the screen already shows (e.g. an ack's data). */
    patchIdea(data, seq) {
      // Skipped when the screen already reflects this change (or a later one).
      if (state.ideas.has(data.id) && roomStore.patch({ type: "idea.changed", data }, seq)) {
        changed({ type: "patch" });
      }
    },
    /** Add a feature's collection (room-collections.js) to the state; returns it. */
    register: roomStore.register,
    /** Follow every change of the state after onChange; returns an unsubscribe function. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get connected() {
      return synced;
    },
    get pending() {
      return outbox.size;
    },
    refresh: () => {
      roomStore.askSnapshot();
    },
    reconnectNow,
    /** Close the socket as a dropped network would (tests, debugging). */
    drop() {
      if (socket) socket.close(4000, "drop");
    },
  };
}
