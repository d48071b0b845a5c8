// The part of a room's outbox that survives a reload (docs/protocol.md, "What our pages do").
//
//   const store = openStore("phone|/ws/room/PARC23/");
//   store.load();                 // [{frame, me, t}] left by earlier pages, oldest first
//   store.save(frame, "participant:12");
//   store.remove(frame.id);       // acknowledged or refused
//
// One localStorage key per message, so two tabs of the same page never overwrite each other.
// At most MAX_STORED messages per scope; older than MAX_AGE_MS they are dropped unsent. Every
// access is guarded: private mode, a full or disabled storage leave the page working with its
// in-memory outbox only.

const PREFIX = "informaction.outbox.v1|";
export const MAX_STORED = 50;
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const MAX_ITEM_CHARS = 17 * 1024; // a frame is at most 16 KiB on the wire

function storage() {
  try {
    return window.localStorage ?? null; // the getter itself throws when storage is blocked
  } catch {
    return null;
  }
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A persisted outbox for one scope: the page kind and the room path. */
export function openStore(scope) {
  const prefix = `${PREFIX}${scope}|`;
  let order = 0; // keeps the sending order of messages stored in the same millisecond

  function keys(store) {
    const found = [];
    for (let i = 0; i < store.length; i += 1) {
      const key = store.key(i);
      if (key && key.startsWith(prefix)) found.push(key);
    }
    return found;
  }

  /** Readable, fresh items, oldest first; the others are deleted on the way. */
  function items(store) {
    const now = Date.now();
    const found = [];
    for (const key of keys(store)) {
      const item = parse(store.getItem(key));
      const fresh = item && typeof item.t === "number" && item.t <= now + 60_000 && now - item.t < MAX_AGE_MS;
      const frame = item?.frame;
      if (fresh && frame && typeof frame.type === "string" && `${prefix}${frame.id}` === key) {
        found.push({ key, ...item });
      } else {
        store.removeItem(key);
      }
    }
    return found.sort((a, b) => a.t - b.t || (a.n ?? 0) - (b.n ?? 0));
  }

  return {
    /** The messages earlier pages left unacknowledged, oldest first (at most MAX_STORED). */
    load() {
      const store = storage();
      if (!store) return [];
      try {
        const found = items(store);
        for (const extra of found.slice(0, Math.max(0, found.length - MAX_STORED))) {
          store.removeItem(extra.key);
        }
        return found.slice(-MAX_STORED).map(({ frame, me, t }) => ({ frame, me: me ?? null, t }));
      } catch {
        return [];
      }
    },
    /** Keep `frame` until remove(frame.id); `me` is who sent it ("participant:12"), if known. */
    save(frame, me = null) {
      const store = storage();
      if (!store) return;
      try {
        const text = JSON.stringify({ t: Date.now(), n: order, me, frame });
        order += 1;
        if (text.length > MAX_ITEM_CHARS) return; // the server refuses it anyway
        const found = items(store).filter((item) => item.key !== `${prefix}${frame.id}`);
        while (found.length >= MAX_STORED) store.removeItem(found.shift().key);
        store.setItem(`${prefix}${frame.id}`, text);
      } catch {
        // Full or disabled: this message lives in the page's memory only.
      }
    },
    remove(id) {
      const store = storage();
      if (!store) return;
      try {
        store.removeItem(`${prefix}${id}`);
      } catch {
        // Nothing to do: an entry we cannot remove expires after MAX_AGE_MS.
      }
    },
  };
}
