// The room's collections: what each feature keeps of the room state and how snapshots and events
// change it (docs/protocol.md, "Events" of each area). Pure, like room-store.js: the pages, the
// load bench and tests/js/ use the same reducers. A feature registers its collection with the
// room's store (room.register(VOTES) in a page, store.register(VOTES) elsewhere) and reads it
// from the state (state.votes); it keeps no copy of its own.

const byId = (items) => new Map((items ?? []).map((item) => [item.id, item]));

/** Merge `data` into the item with its id (created when new). */
function upsert(map, data) {
  map.set(data.id, { ...(map.get(data.id) ?? {}), ...data });
}

/** Pinned first, then the newest first. */
export function sortIdeas(ideas) {
  return [...ideas].sort((a, b) => {
    if (Boolean(a.pinned) !== Boolean(b.pinned)) return a.pinned ? -1 : 1;
    const created = String(b.created ?? "").localeCompare(String(a.created ?? ""));
    return created || b.id - a.id;
  });
}

// --- Every page: the meeting, who I am, the ideas, the themes ---------------------------------

export const MEETING = {
  name: "meeting",
  initial: () => null,
  snapshot: (_current, data) => data.meeting ?? null,
  events: {
    "meeting.changed": (current, event) => {
      const { ideas: _ideas, ...meeting } = event.data ?? {};
      return { ...(current ?? {}), ...meeting };
    },
  },
};

export const ME = {
  name: "me",
  initial: () => null,
  snapshot: (_current, data) => data.me ?? null,
};

/** Ideas by id. A count-only update of an idea the screen never had is ignored. */
export const IDEAS = {
  name: "ideas",
  initial: () => new Map(),
  snapshot: (_current, data) => byId(data.ideas),
  events: {
    "idea.changed": (ideas, event) => {
      const data = event.data ?? {};
      if (data.removed) ideas.delete(data.id);
      else if (ideas.has(data.id) || typeof data.text === "string") upsert(ideas, data);
      return ideas;
    },
    // After a reveal or a change of mode the list replaces every idea that is not the screen's own.
    "meeting.changed": (ideas, event) => {
      const list = event.data?.ideas;
      if (!Array.isArray(list)) return ideas;
      const next = new Map();
      for (const [id, idea] of ideas) if (idea.mine) next.set(id, idea);
      for (const idea of list) {
        if (next.has(idea.id)) continue;
        const old = ideas.get(idea.id);
        next.set(idea.id, { mine: false, supported: old ? Boolean(old.supported) : false, ...idea });
      }
      return next;
    },
  },
};

export const THEMES = {
  name: "themes",
  initial: () => new Map(),
  snapshot: (_current, data) => byId(data.themes),
  events: {
    "theme.changed": (themes, event) => {
      const data = event.data ?? {};
      if (data.removed) themes.delete(data.id);
      else upsert(themes, data);
      return themes;
    },
  },
};

/** What every room page registers first (live.js). */
export const CORE = [MEETING, ME, IDEAS, THEMES];

// --- Votes (docs/protocol.md, "Votes") ---------------------------------------------------------

/**
 * A ballot event that carries the turnout but no results (above the server's
 * VOTE_LIVE_RESULTS_MAX_BALLOTS, or results not public) leaves the results behind: count such
 * events in `results_stale` (a client-side field) until fresh results arrive.
 */
export function staleness(current, data) {
  if ("results" in data) return 0;
  if ("turnout" in data && !data.method) return (current.results_stale ?? 0) + 1;
  return current.results_stale ?? 0;
}

/** Votes by id; the Map stays the same object across snapshots (pages keep a reference). */
export const VOTES = {
  name: "votes",
  initial: () => new Map(),
  snapshot: (votes, data) => {
    votes.clear();
    for (const vote of data.votes ?? []) votes.set(vote.id, vote);
    return votes;
  },
  events: {
    "vote.changed": (votes, event) => {
      const data = event.data;
      if (!data) return votes;
      const current = votes.get(data.id);
      if (data.removed) votes.delete(data.id);
      else if (current) votes.set(data.id, { ...current, ...data, results_stale: staleness(current, data) });
      else if (Array.isArray(data.options) || data.method) votes.set(data.id, data);
      // A small update of a vote this screen never saw: the next snapshot brings it.
      return votes;
    },
  },
};

/** Votes newest first. */
export function byNewest(votes) {
  return [...votes.values()].sort((a, b) => b.id - a.id);
}

// --- Facilitators: the timeline, the public's theme suggestions --------------------------------

/** Timeline marks by id (facilitators only: phones never get them). */
export const TIMELINE = {
  name: "timeline",
  initial: () => new Map(),
  snapshot: (_current, data) => byId(data.timeline),
  events: {
    "timeline.changed": (marks, event) => {
      const data = event.data ?? {};
      if (data.removed) marks.delete(data.id);
      else marks.set(data.id, data);
      return marks;
    },
  },
};

/** Marks in time order. */
export function timelineOrder(marks) {
  return [...marks.values()].sort((a, b) => a.offset - b.offset || a.id - b.id);
}

/**
 * The public's theme suggestions: idea id -> {theme id: count}. Not in the snapshot: a board that
 * reconnects keeps what it had and follows from the next suggestion (ideas gone are dropped).
 */
export const SUGGESTIONS = {
  name: "suggestions",
  initial: () => new Map(),
  snapshot: (tallies, data) => {
    const ids = new Set((data.ideas ?? []).map((idea) => idea.id));
    for (const id of [...tallies.keys()]) if (!ids.has(id)) tallies.delete(id);
    return tallies;
  },
  events: {
    "theme.suggested": (tallies, event) => {
      if (event.data) tallies.set(event.data.idea, event.data.suggestions ?? {});
      return tallies;
    },
    "idea.changed": (tallies, event) => {
      if (event.data?.removed) tallies.delete(event.data.id);
      return tallies;
    },
  },
};

// --- Debrief and breakout groups (docs/minutes.md) -----------------------------------------------

export const DEBRIEF_COLUMNS = ["strength", "critique", "improvement"];

/** The debrief's three columns: visible ideas of each kind, pinned first, then newest first. */
export function debriefColumns(ideas) {
  const visible = sortIdeas(ideas.values()).filter((idea) => idea.state === "visible");
  return Object.fromEntries(
    DEBRIEF_COLUMNS.map((kind) => [kind, visible.filter((idea) => idea.kind === kind)]),
  );
}

/** Proposals brought back from breakout groups, one lane per group in order of appearance. */
export function groupLanes(ideas) {
  const lanes = new Map();
  for (const idea of sortIdeas(ideas.values())) {
    if (idea.state !== "visible" || !idea.group) continue;
    const key = idea.group.id;
    if (!lanes.has(key)) lanes.set(key, { group: idea.group, ideas: [] });
    lanes.get(key).ideas.push(idea);
  }
  return [...lanes.values()];
}
