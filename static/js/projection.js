// The projected screen (docs/protocol.md, "Projection"): what the room may see, read-only.
//
// The socket (?view=projection) carries the public's frames only; this page keeps the room's one
// store (live.js), registers the votes collection (votes-common.js) and follows
// `meeting.projection`: the view, the order of the ideas, the contrast theme, the vote shown and
// the question being answered. Ideas are never scrolled: they are laid out in pages that fit the
// screen, shown in turn every few seconds with a "page 2/5" indicator. User text only ever goes
// through textContent.

import { connectRoom, el, format, plural, readJson, sortIdeas } from "./live.js";
import { colorClass } from "./themes-common.js";
import { byNewest, followVotes, howTo, renderResults, voteTitle } from "./votes-common.js";

const S = readJson("projection-strings", {});
const VS = readJson("votes-strings", {});
const CONFIG = readJson("projection-config", {});
const PAGE_MS = Math.max(3, Number(CONFIG.page_seconds) || 8) * 1000;
const DEFAULTS = { view: "board", sort: "newest", contrast: "normal", vote: null, highlight: null };
const CLUSTER_ON = new Set(["cluster", "vote", "results", "closed"]);
const DEBRIEF_KINDS = ["strength", "critique", "improvement"];

const $ = (id) => document.getElementById(id);
const root = $("projection");
const grid = $("proj-grid");
const nodes = {
  heading: $("proj-heading"),
  page: $("proj-page"),
  message: $("proj-message"),
  messageMain: $("proj-message-main"),
  messageHelp: $("proj-message-help"),
  vote: $("proj-vote"),
  bigqr: $("proj-bigqr"),
  questionnaire: $("proj-questionnaire"),
  pause: $("proj-pause"),
  online: $("online-text"),
  conn: $("conn"),
  fullscreen: $("proj-fullscreen"),
};

const room = connectRoom({
  path: readJson("ws-path"),
  onStatus: ({ status }) => {
    root.dataset.status = status;
    nodes.conn.dataset.status = status;
    nodes.conn.textContent = S[`status_${status}`] ?? "";
  },
  onPresence: (online) => showOnline(online),
});
followVotes(room, () => {});

function showOnline(online) {
  nodes.online.textContent = plural(S, "online", Number(online) || 0);
}

/** The meeting's projection, every key filled. */
function projectionOf(state) {
  return { ...DEFAULTS, ...(state.meeting?.projection ?? {}) };
}

// --- What to show: groups of cards --------------------------------------------------------------

function bySupport(a, b) {
  return (b.supports ?? 0) - (a.supports ?? 0) || String(b.created ?? "").localeCompare(String(a.created ?? ""));
}

/** Ideas in the chosen order: pinned first, then newest or most supported. */
function ordered(ideas, sort) {
  if (sort === "newest") return sortIdeas(ideas);
  return [...ideas].sort((a, b) => Boolean(b.pinned) - Boolean(a.pinned) || bySupport(a, b));
}

/** A breakout group's name without the plenary's title ("Réunion — Groupe Bleu" → "Groupe Bleu"). */
export function groupName(group, meetingTitle) {
  const title = String(group?.title ?? "");
  const head = String(meetingTitle ?? "");
  if (head && title.startsWith(head)) {
    const rest = title.slice(head.length).replace(/^[\s—–:-]+/, "");
    if (rest) return rest;
  }
  return title;
}

function themesOf(state) {
  return [...state.themes.values()].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

/** The board view: [{label, color, cards}] (label null: no heading). */
function boardGroups(state, projection) {
  const meeting = state.meeting ?? {};
  const visible = [...state.ideas.values()].filter((idea) => idea.state === "visible");
  const sort = projection.sort;
  if (meeting.phase === "debrief") {
    return DEBRIEF_KINDS.map((kind) => ({
      label: S[kind],
      color: null,
      cards: ordered(visible.filter((idea) => idea.kind === kind), sort),
    })).filter((group) => group.cards.length);
  }
  const ideas = visible.filter((idea) => !DEBRIEF_KINDS.includes(idea.kind));
  if (ideas.some((idea) => idea.group)) {
    const lanes = new Map();
    for (const idea of ordered(ideas, sort)) {
      const key = idea.group ? idea.group.id : "other";
      if (!lanes.has(key)) {
        lanes.set(key, {
          label: idea.group ? groupName(idea.group, meeting.title) : S.other_ideas,
          color: idea.group?.color ?? null,
          cards: [],
        });
      }
      lanes.get(key).cards.push(idea);
    }
    const other = lanes.get("other");
    lanes.delete("other");
    return [...lanes.values(), ...(other ? [other] : [])];
  }
  const themes = themesOf(state);
  if (themes.length && (sort === "theme" || CLUSTER_ON.has(meeting.phase))) {
    const inner = sort === "newest" ? "newest" : "supported";
    const groups = themes.map((theme) => ({
      label: theme.name,
      color: theme.color,
      cards: ordered(ideas.filter((idea) => idea.theme === theme.id), inner),
    }));
    const known = new Set(themes.map((theme) => theme.id));
    groups.push({ label: S.unsorted, color: null, cards: ordered(ideas.filter((i) => !known.has(i.theme)), inner) });
    return groups.filter((group) => group.cards.length);
  }
  return [{ label: null, color: null, cards: ordered(ideas, sort) }];
}

/** The questions view: the one being answered, the others by support, then the answered ones. */
function questionGroups(state, projection) {
  const questions = [...state.ideas.values()].filter((idea) => idea.state === "visible" && idea.kind === "question");
  const current = questions.find((q) => q.id === projection.highlight) ?? null;
  const rest = questions.filter((q) => q !== current);
  const groups = [];
  if (current) groups.push({ label: S.current, color: null, cards: [current], current: true });
  const waiting = rest.filter((q) => !q.answered).sort(bySupport);
  const answered = rest.filter((q) => q.answered).sort(bySupport);
  if (waiting.length) groups.push({ label: current || answered.length ? S.open_questions : null, color: null, cards: waiting });
  if (answered.length) groups.push({ label: S.answered_title, color: null, cards: answered });
  return groups;
}

// --- Cards and pages ----------------------------------------------------------------------------

function card(idea, { current = false, questions = false } = {}) {
  const meta = el("p", { cls: "pcard-meta" });
  const bits = [];
  if (current) bits.push(el("strong", { cls: "pcard-flag pcard-current", text: S.current }));
  if (idea.answered) bits.push(el("strong", { cls: "pcard-flag pcard-answered", text: S.answered }));
  if (idea.pinned && !questions) bits.push(el("span", { cls: "pcard-flag", text: S.pinned }));
  if (idea.kind === "question" && !questions) bits.push(el("span", { cls: "pcard-flag", text: S.question }));
  if (idea.supports) bits.push(el("span", { cls: "pcard-supports", text: plural(S, "supports", idea.supports) }));
  if (idea.author) bits.push(el("span", { cls: "pcard-author", text: idea.author }));
  else if (idea.paper) bits.push(el("span", { cls: "pcard-author", text: S.paper }));
  bits.forEach((bit, index) => {
    if (index) meta.append(" · ");
    meta.append(bit);
  });
  const cls = ["pcard"];
  if (current) cls.push("is-current");
  if (idea.answered) cls.push("is-answered");
  return el(
    "li",
    { cls: cls.join(" "), attrs: { "data-idea": idea.id, "data-kind": idea.kind ?? "idea" } },
    idea.title ? el("p", { cls: "pcard-title", text: idea.title }) : null,
    el("p", { cls: "pcard-text", text: idea.text ?? "" }),
    bits.length ? meta : null,
  );
}

function heading(group, continued) {
  const label = continued ? format(S.continued, { name: group.label }) : group.label;
  const cls = `pgroup ${group.color ? colorClass(group.color) : "tc-none"}`;
  return el("li", { cls }, el("h2", { cls: "pgroup-title", text: label }));
}

/** Whether a column's content is taller than the column. */
function overflows(column) {
  return column.scrollHeight > column.clientHeight + 1 || column.scrollWidth > column.clientWidth + 1;
}

function columnsFor(count) {
  const columns = Array.from({ length: count }, () => el("ol", { cls: "proj-col" }));
  grid.replaceChildren(...columns);
  return columns;
}

/**
 * Lay the groups out in pages that fit the screen, measured in place: columns filled top to
 * bottom in reading order, as a newspaper (a group's heading starts it, and is repeated with
 * "(suite)" at the top of the next column). A text too long for a column gets a page of its own,
 * the whole width. Returns [{cols, columns: [[node, …], …]}].
 */
function paginate(groups, options) {
  const fontSize = parseFloat(window.getComputedStyle(grid).fontSize) || 24;
  const cols = Math.max(1, Math.min(4, Math.floor(grid.clientWidth / (fontSize * 11))));
  // Measured with the page indicator in place: showing it afterwards must not take room.
  nodes.page.hidden = false;
  nodes.page.textContent = format(S.page, { page: 88, pages: 88 });
  const pages = [];
  let columns = columnsFor(cols);
  let index = 0;
  let page = { cols, columns: columns.map(() => []) };
  const closePage = () => {
    if (page.columns.some((column) => column.length)) pages.push(page);
    columns = columnsFor(cols);
    index = 0;
    page = { cols, columns: columns.map(() => []) };
  };
  const nextColumn = () => {
    index += 1;
    if (index >= cols) closePage();
  };
  const put = (node) => {
    columns[index].append(node);
    page.columns[index].push(node);
  };
  const take = (node) => {
    node.remove();
    page.columns[index].pop();
  };
  for (const group of groups) {
    let started = false;
    for (const idea of group.cards) {
      const node = card(idea, { current: Boolean(group.current), questions: options.questions });
      const fresh = page.columns[index].length === 0;
      const title = group.label && (!started || fresh) ? heading(group, started) : null;
      if (title) put(title);
      put(node);
      if (!overflows(columns[index])) {
        started = true;
        continue;
      }
      take(node);
      if (title) take(title);
      if (!fresh) {
        nextColumn();
        if (group.label) put(heading(group, started));
        put(node);
      }
      if (overflows(columns[index])) {
        // Too long for a column: a page of its own, the whole width.
        take(node);
        while (page.columns[index].length) take(page.columns[index].at(-1));
        closePage();
        const wide = { cols: 1, columns: [[]] };
        if (group.label) wide.columns[0].push(heading(group, started));
        wide.columns[0].push(node);
        node.classList.add("is-wide");
        pages.push(wide);
      }
      started = true;
    }
  }
  closePage();
  return pages.length ? pages : [EMPTY];
}

// --- The screen ---------------------------------------------------------------------------------

const EMPTY = { cols: 1, columns: [[]] };
let pages = [EMPTY];
let pageIndex = 0;
let layoutKey = "";

function showPage() {
  pageIndex = Math.min(pageIndex, pages.length - 1);
  const shown = pages[pageIndex];
  columnsFor(shown.cols).forEach((column, i) => column.append(...shown.columns[i]));
  root.dataset.page = `${pageIndex + 1}/${pages.length}`;
  nodes.page.hidden = pages.length < 2;
  nodes.page.textContent = format(S.page, { page: pageIndex + 1, pages: pages.length });
  // Something took room since the layout (a font, a heading that wraps): lay out again.
  const full = [...grid.children].filter((column) => column.children.length > 1);
  if (full.some(overflows)) scheduleRender();
}

function nextPage() {
  if (pages.length < 2) return;
  pageIndex = (pageIndex + 1) % pages.length;
  showPage();
}

function showOnly(active) {
  for (const key of ["message", "vote", "bigqr", "questionnaire"]) nodes[key].hidden = key !== active;
  grid.hidden = active !== "grid";
}

function message(main, help = "") {
  showOnly("message");
  nodes.messageMain.textContent = main;
  nodes.messageHelp.textContent = help;
  nodes.messageHelp.hidden = !help;
  pages = [EMPTY];
  root.dataset.page = "1/1";
  nodes.page.hidden = true;
}

function renderIdeas(state, projection) {
  const questions = projection.view === "questions";
  const meeting = state.meeting ?? {};
  if (!questions && meeting.hidden_until_reveal && !meeting.revealed) {
    message(S.hidden, S.hidden_help);
    return;
  }
  const groups = questions ? questionGroups(state, projection) : boardGroups(state, projection);
  if (!groups.some((group) => group.cards.length)) {
    if (questions) message(S.no_questions, S.no_questions_help);
    else message(S.waiting, S.waiting_help);
    return;
  }
  showOnly("grid");
  pages = paginate(groups, { questions });
  showPage();
}

function chosenVote(state, projection) {
  const votes = state.votes ?? new Map();
  return votes.get(projection.vote) ?? byNewest(votes)[0] ?? null;
}

function renderVote(state, projection) {
  const vote = chosenVote(state, projection);
  if (!vote) {
    message(S.no_vote);
    return;
  }
  showOnly("vote");
  const turnout = vote.turnout?.ballots ?? 0;
  const parts = [el("h2", { cls: "pvote-title", text: voteTitle(vote, VS) })];
  const status = vote.state === "open" ? S.vote_open : S.vote_closed;
  parts.push(el("p", { cls: "pvote-status", text: `${status} ${plural(S, "turnout", turnout)}` }));
  if (vote.results) {
    parts.push(renderResults(vote, vote.results, VS));
  } else {
    if (projection.view === "vote" && vote.state === "open") parts.push(el("p", { cls: "pvote-how", text: howTo(vote, VS) }));
    if (vote.options?.length) {
      parts.push(el("ul", { cls: "pvote-options" }, ...vote.options.map((o) => el("li", { text: o.label }))));
    }
    parts.push(el("p", { cls: "pvote-later", text: S.results_later }));
  }
  nodes.vote.replaceChildren(...parts);
  pages = [EMPTY];
  root.dataset.page = "1/1";
  nodes.page.hidden = true;
}

let questionnaireShown = 0;
async function renderQuestionnaire() {
  showOnly("questionnaire");
  pages = [EMPTY];
  root.dataset.page = "1/1";
  nodes.page.hidden = true;
  const now = Date.now();
  if (now - questionnaireShown < 15000) return;
  questionnaireShown = now;
  const img = $("proj-questionnaire-qr");
  try {
    const response = await fetch(CONFIG.questionnaire_url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    img.src = data.qr;
    img.hidden = false;
    $("proj-questionnaire-title").textContent = data.title;
    $("proj-questionnaire-url").textContent = data.url;
  } catch {
    img.hidden = true;
    $("proj-questionnaire-title").textContent = S.no_questionnaire;
    $("proj-questionnaire-url").textContent = "";
  }
}

function headingText(projection) {
  const base = S[`heading_${projection.view}`] ?? "";
  if (projection.view === "board") return `${base} · ${S[`sort_${projection.sort}`] ?? ""}`;
  return base;
}

function render() {
  const state = room.state;
  if (!state.meeting) return;
  const projection = projectionOf(state);
  root.dataset.view = projection.view;
  root.dataset.sort = projection.sort;
  root.dataset.contrast = projection.contrast;
  root.classList.remove("contrast-normal", "contrast-light", "contrast-dark");
  root.classList.add(`contrast-${projection.contrast}`);
  nodes.pause.hidden = projection.view !== "pause";
  nodes.heading.textContent = headingText(projection);
  if (projection.view !== "questionnaire") questionnaireShown = 0;
  switch (projection.view) {
    case "pause":
      return;
    case "qr":
      showOnly("bigqr");
      pages = [EMPTY];
      root.dataset.page = "1/1";
      nodes.page.hidden = true;
      return;
    case "questionnaire":
      renderQuestionnaire();
      return;
    case "vote":
    case "results":
      renderVote(state, projection);
      return;
    default:
      renderIdeas(state, projection);
  }
}

// Changes come in bursts (a room of phones): lay out at most a few times a second.
let renderHandle = null;
function scheduleRender() {
  if (renderHandle !== null) return;
  renderHandle = window.setTimeout(() => {
    renderHandle = null;
    const key = JSON.stringify(projectionOf(room.state));
    if (key !== layoutKey) {
      pageIndex = 0; // a new view or order starts on its first page
      layoutKey = key;
    }
    render();
  }, 150);
}

room.subscribe((state, reason) => {
  if (reason.type === "snapshot") showOnline(state.online);
  scheduleRender();
  refreshStaleResults(state);
});

// Above the server's live-results limit, ballot events carry no results: a projected screen
// sends no command, so it asks for a snapshot (budgeted by the server) every 10 s meanwhile.
let lastRefresh = 0;
function refreshStaleResults(state) {
  const vote = chosenVote(state, projectionOf(state));
  const view = projectionOf(state).view;
  if (!vote || !["vote", "results"].includes(view) || !vote.revealed || !(vote.results_stale > 0)) return;
  if (Date.now() - lastRefresh < 10000) return;
  lastRefresh = Date.now();
  room.refresh();
}

const pageTimer = window.setInterval(nextPage, PAGE_MS);
window.addEventListener("resize", scheduleRender);
document.fonts?.ready.then(scheduleRender);

// Fullscreen: no browser controls on the wall; the button hides itself meanwhile.
function fullscreenChanged() {
  nodes.fullscreen.hidden = Boolean(document.fullscreenElement);
  scheduleRender();
}
nodes.fullscreen.addEventListener("click", () => {
  document.documentElement.requestFullscreen?.().catch(() => {});
});
document.addEventListener("fullscreenchange", fullscreenChanged);
if (!document.fullscreenEnabled) nodes.fullscreen.hidden = true;
// For tests and the console's preview: turn the page now, or stop turning pages by themselves.
window.__projection = {
  nextPage,
  hold() {
    window.clearInterval(pageTimer);
  },
};
