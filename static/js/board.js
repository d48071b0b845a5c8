// The facilitator's console: the idea wall as the room sees it, the moderation panel, the
// projection controls (static/js/board-projection.js) and the questions (board-questions.js).
// The room sees a separate projection page; the console is the facilitator's own screen, on a
// laptop or a phone (below 900 px one part at a time, chosen with the tabs). Several consoles
// may follow one meeting at once: each follows the room state, nothing assumes it is alone.
// Only visible ideas reach the wall (#board-cards); pending and hidden ones live in the
// moderation panel. In "hidden until reveal" mode the wall shows a count.
import { mountBoardDebrief } from "./board-debrief.js";
import { mountBoardProjection } from "./board-projection.js";
import { mountBoardQuestions } from "./board-questions.js";
import { mountBoardThemes } from "./board-themes.js";
import { mountBoardVotes } from "./board-votes.js";
import { connectRoom, el, format, plural, readJson, reorder, sortIdeas } from "./live.js";

const S = readJson("board-strings", {});
const wsPath = readJson("ws-path");
const limits = readJson("limits", { text: 500, title: 80 });

const $ = (id) => document.getElementById(id);
const ui = {
  layout: $("board-layout"),
  cards: $("board-cards"),
  count: $("idea-count"),
  phase: $("phase-label"),
  wait: $("reveal-wait"),
  waitText: $("reveal-wait-text"),
  empty: $("board-empty"),
  online: $("online-text"),
  conn: $("conn"),
  connText: $("conn-text"),
  advance: $("advance"),
  phaseForm: $("phase-form"),
  phaseSelect: $("phase-select"),
  phaseApply: $("phase-apply"),
  reveal: $("reveal"),
  revealPanel: $("reveal-panel"),
  togglePanel: $("toggle-panel"),
  openPaper: $("open-paper"),
  pendingBadge: $("pending-badge"),
  tabPendingBadge: $("tab-pending-badge"),
  tabs: document.querySelectorAll("#console-tabs [data-tab]"),
  fullscreen: $("fullscreen"),
  error: $("controls-error"),
  panel: $("mod-panel"),
  panelTitle: $("mod-title"),
  optPremod: $("opt-premoderation"),
  optHidden: $("opt-hidden"),
  optQuestions: $("opt-questions"),
  paperForm: $("paper-form"),
  paperText: $("paper-text"),
  paperTitle: $("paper-title-input"),
  paperFeedback: $("paper-feedback"),
  paperError: $("paper-error"),
  lists: {
    pending: { list: $("inbox-list"), count: $("inbox-count"), empty: $("inbox-empty") },
    visible: { list: $("shown-list"), count: $("shown-count"), empty: $("shown-empty") },
    hidden: { list: $("hidden-list"), count: $("hidden-count"), empty: $("hidden-empty") },
  },
};

const boardCards = new Map(); // idea id -> { li, refs } (projected area)
const modItems = new Map(); // idea id -> { li, refs, editing } (moderation panel)
let errorTimer = null;
let busy = false;
const configuring = new Set(); // meeting.configure fields awaiting their ack
let phasePicked = null; // {from: the phase then} while a phase is picked in the list, not applied

function showError(message) {
  ui.error.textContent = message ?? "";
  window.clearTimeout(errorTimer);
  if (message) errorTimer = window.setTimeout(() => (ui.error.textContent = ""), 10000);
}

// --- Projected area ---------------------------------------------------------------------------

function buildBoardCard(id) {
  const refs = {
    badges: el("p", { cls: "bcard-badges" }),
    title: el("h2", { cls: "bcard-title" }),
    text: el("p", { cls: "bcard-text" }),
    author: el("span", { cls: "bcard-author" }),
    supportsNum: el("strong", { cls: "bcard-supports-num" }),
    supportsLabel: el("span", { cls: "bcard-supports-label" }),
  };
  refs.supports = el("span", { cls: "bcard-supports" }, refs.supportsNum, " ", refs.supportsLabel);
  const li = el(
    "li",
    { cls: "bcard", attrs: { id: `board-idea-${id}` } },
    refs.badges,
    refs.title,
    refs.text,
    el("p", { cls: "bcard-foot" }, refs.author, refs.supports),
  );
  const card = { li, refs };
  boardCards.set(id, card);
  return card;
}

function updateBoardCard(card, idea) {
  const { li, refs } = card;
  li.classList.toggle("is-pinned", Boolean(idea.pinned));
  li.classList.toggle("is-paper", Boolean(idea.paper));
  const badges = [];
  if (idea.pinned) badges.push(el("span", { cls: "bbadge bbadge-pinned", text: `★ ${S.pinned}` }));
  if (idea.paper) badges.push(el("span", { cls: "bbadge bbadge-paper", text: S.paper }));
  refs.badges.replaceChildren(...badges);
  refs.badges.hidden = badges.length === 0;
  refs.title.textContent = idea.title ?? "";
  refs.title.hidden = !idea.title;
  refs.text.textContent = idea.text ?? "";
  refs.author.textContent = idea.author ?? "";
  const supports = idea.supports ?? 0;
  refs.supportsNum.textContent = supports.toLocaleString(document.documentElement.lang || "fr");
  refs.supportsLabel.textContent = plural(S, "supports", supports);
  li.classList.toggle("has-supports", supports > 0);
}

let stageReady = false; // cards built from the first snapshot are not "new"

function renderStage(state, visible) {
  const meeting = state.meeting ?? {};
  const waiting = Boolean(meeting.hidden_until_reveal && !meeting.revealed);
  ui.count.textContent = plural(S, "ideas", visible.length);
  ui.wait.hidden = !waiting;
  ui.waitText.textContent = waiting ? plural(S, "reveal_wait", visible.length) : "";
  ui.empty.hidden = waiting || visible.length > 0;

  // Never put an idea text in the projected area while ideas are hidden until the reveal.
  const shown = waiting ? [] : visible;
  const nodes = shown.map((idea) => {
    let card = boardCards.get(idea.id);
    if (!card) {
      card = buildBoardCard(idea.id);
      if (stageReady) {
        card.li.classList.add("is-new");
        window.setTimeout(() => card.li.classList.remove("is-new"), 6000);
      }
    }
    updateBoardCard(card, idea);
    return card.li;
  });
  stageReady = true;
  for (const id of [...boardCards.keys()]) {
    if (!shown.some((idea) => idea.id === id)) boardCards.delete(id);
  }
  reorder(ui.cards, nodes);
  ui.cards.hidden = shown.length === 0;
  const n = shown.length;
  ui.cards.dataset.density = n > 20 ? "3" : n > 12 ? "2" : n > 6 ? "1" : "0";
}

// --- Moderation panel -------------------------------------------------------------------------

function button(label, cls = "btn btn-small") {
  return el("button", { cls, text: label, attrs: { type: "button" } });
}

function buildModItem(id) {
  const textId = `mod-text-${id}`;
  const refs = {
    title: el("strong", { cls: "mitem-title" }),
    text: el("span", { cls: "mitem-text-body" }),
    meta: el("p", { cls: "mitem-meta" }),
    approve: button(S.approve, "btn btn-small btn-primary"),
    hide: button(S.hide),
    restore: button(S.restore),
    pin: button(`★ ${S.pin}`),
    correct: button(S.correct),
    error: el("p", { cls: "card-error", attrs: { role: "alert" } }),
  };
  refs.body = el("p", { cls: "mitem-text", attrs: { id: textId } }, refs.title, refs.text);
  for (const name of ["approve", "hide", "restore", "pin", "correct"]) {
    refs[name].setAttribute("aria-describedby", textId);
  }
  refs.pin.setAttribute("aria-pressed", "false");
  refs.actions = el("div", { cls: "row mitem-actions" }, refs.approve, refs.hide, refs.restore, refs.pin, refs.correct);

  const editTextId = `mod-edit-text-${id}`;
  const editTitleId = `mod-edit-title-${id}`;
  refs.editText = el("textarea", { attrs: { id: editTextId, rows: 3, maxlength: limits.text } });
  refs.editTitle = el("input", { attrs: { id: editTitleId, type: "text", maxlength: limits.title } });
  refs.editSave = el("button", { cls: "btn btn-small btn-primary", text: S.save, attrs: { type: "submit" } });
  refs.editCancel = button(S.cancel, "btn btn-small btn-quiet");
  refs.editForm = el(
    "form",
    { cls: "edit-form stack", attrs: { hidden: true, novalidate: true } },
    el("div", { cls: "field" }, el("label", { text: S.edit_text, attrs: { for: editTextId } }), refs.editText),
    el("div", { cls: "field" }, el("label", { text: S.edit_title, attrs: { for: editTitleId } }), refs.editTitle),
    el("div", { cls: "row" }, refs.editSave, refs.editCancel),
  );

  const item = { li: null, refs, editing: false };
  refs.approve.addEventListener("click", () => moderate(item, "idea.approve", { idea: id }));
  refs.hide.addEventListener("click", () => moderate(item, "idea.hide", { idea: id }));
  refs.restore.addEventListener("click", () => moderate(item, "idea.restore", { idea: id }));
  refs.pin.addEventListener("click", () => {
    const idea = room.state.ideas.get(id);
    moderate(item, "idea.pin", { idea: id, pinned: !idea?.pinned });
  });
  refs.correct.addEventListener("click", () => openEdit(id));
  refs.editCancel.addEventListener("click", () => closeEdit(id, true));
  refs.editForm.addEventListener("submit", (event) => {
    event.preventDefault();
    saveEdit(id);
  });

  item.li = el(
    "li",
    { cls: "mitem", attrs: { id: `mod-idea-${id}` } },
    refs.body,
    refs.meta,
    refs.actions,
    refs.editForm,
    refs.error,
  );
  modItems.set(id, item);
  return item;
}

function updateModItem(item, idea) {
  const { refs } = item;
  item.li.dataset.state = idea.state;
  refs.title.textContent = idea.title ? `${idea.title} — ` : "";
  refs.text.textContent = idea.text ?? "";
  const meta = [idea.author ?? S.anonymous, plural(S, "supports_full", idea.supports ?? 0)];
  if (idea.paper) meta.push(S.paper);
  if (idea.pinned) meta.push(`★ ${S.pinned}`);
  refs.meta.textContent = meta.join(" · ");
  refs.approve.hidden = idea.state !== "pending";
  refs.hide.hidden = idea.state === "hidden";
  refs.restore.hidden = idea.state !== "hidden";
  refs.pin.hidden = idea.state !== "visible";
  refs.pin.setAttribute("aria-pressed", idea.pinned ? "true" : "false");
  refs.actions.hidden = item.editing;
}

function renderPanel(state, ideas) {
  const groups = { pending: [], visible: [], hidden: [] };
  for (const idea of ideas) (groups[idea.state] ?? groups.visible).push(idea);
  const hadFocus = ui.panel.contains(document.activeElement);
  for (const [key, group] of Object.entries(groups)) {
    const target = ui.lists[key];
    const nodes = group.map((idea) => {
      const item = modItems.get(idea.id) ?? buildModItem(idea.id);
      updateModItem(item, idea);
      return item.li;
    });
    reorder(target.list, nodes);
    target.count.textContent = `(${group.length})`;
    target.empty.hidden = group.length > 0;
  }
  for (const id of [...modItems.keys()]) {
    if (!state.ideas.has(id)) modItems.delete(id);
  }
  if (hadFocus && !ui.panel.contains(document.activeElement)) ui.panelTitle.focus();
  const pending = groups.pending.length;
  for (const badge of [ui.pendingBadge, ui.tabPendingBadge]) {
    badge.hidden = pending === 0;
    badge.textContent = pending ? plural(S, "pending", pending) : "";
  }
}

async function moderate(item, type, data) {
  item.refs.error.textContent = "";
  const hadFocus = item.li.contains(document.activeElement);
  try {
    await room.send(type, data);
  } catch (error) {
    item.refs.error.textContent = error.message ?? String(error);
  }
  if (hadFocus && !item.li.isConnected) ui.panelTitle.focus();
}

function openEdit(id) {
  const item = modItems.get(id);
  const idea = room.state.ideas.get(id);
  if (!item || !idea) return;
  item.editing = true;
  item.refs.editText.value = idea.text ?? "";
  item.refs.editTitle.value = idea.title ?? "";
  item.refs.editForm.hidden = false;
  item.refs.actions.hidden = true;
  item.refs.editText.focus();
}

function closeEdit(id, focus) {
  const item = modItems.get(id);
  if (!item) return;
  item.editing = false;
  item.refs.editForm.hidden = true;
  item.refs.actions.hidden = false;
  if (focus) item.refs.correct.focus();
}

async function saveEdit(id) {
  const item = modItems.get(id);
  if (!item) return;
  const text = item.refs.editText.value.trim();
  const title = item.refs.editTitle.value.trim();
  item.refs.error.textContent = "";
  if (!text) {
    item.refs.error.textContent = S.empty_text;
    return;
  }
  item.refs.editSave.disabled = true;
  try {
    await room.send("idea.moderate_edit", { idea: id, text, title });
    closeEdit(id, true);
  } catch (error) {
    item.refs.error.textContent = error.message ?? String(error);
  } finally {
    item.refs.editSave.disabled = false;
  }
}

// --- Controls ---------------------------------------------------------------------------------

function renderControls(state) {
  const meeting = state.meeting ?? {};
  const phases = meeting.phases ?? [];
  const index = phases.findIndex((p) => p.value === meeting.phase);
  const next = index >= 0 ? phases[index + 1] : undefined;
  ui.phase.textContent = meeting.phase_label ?? "";
  ui.advance.textContent = next ? format(S.next_phase, { label: next.label }) : S.last_phase;
  ui.advance.disabled = !next || !room.connected;
  ui.advance.setAttribute("aria-busy", busy ? "true" : "false");

  if (ui.phaseSelect.options.length !== phases.length) {
    ui.phaseSelect.replaceChildren(...phases.map((p) => el("option", { text: p.label, attrs: { value: p.value } })));
  }
  // A phase picked but not applied yet stays picked, unless the phase changed meanwhile.
  if (phasePicked && phasePicked.from !== meeting.phase) phasePicked = null;
  if (document.activeElement !== ui.phaseSelect && !phasePicked) ui.phaseSelect.value = meeting.phase ?? "";
  ui.phaseSelect.disabled = !room.connected;
  ui.phaseApply.disabled = !room.connected;

  // A switch the facilitator just flipped keeps its new state until the server answers.
  if (!configuring.has("premoderation")) ui.optPremod.checked = Boolean(meeting.premoderation);
  if (!configuring.has("hidden_until_reveal")) ui.optHidden.checked = Boolean(meeting.hidden_until_reveal);
  if (!configuring.has("allow_questions")) ui.optQuestions.checked = Boolean(meeting.allow_questions);
  const canReveal = Boolean(meeting.hidden_until_reveal && !meeting.revealed);
  ui.reveal.hidden = !canReveal;
  ui.revealPanel.hidden = !canReveal;
  ui.optPremod.disabled = ui.optHidden.disabled = ui.optQuestions.disabled = !room.connected;
}

function render(state) {
  const ideas = sortIdeas(state.ideas.values());
  // Questions have their own view (board-questions.js): the wall keeps the ideas.
  const visible = ideas.filter((idea) => idea.state === "visible" && idea.kind !== "question");
  renderStage(state, visible);
  renderPanel(state, ideas);
  renderControls(state);
  ui.online.textContent = plural(S, "online", state.online ?? 0);
}

function showStatus({ status, retryIn, message }) {
  ui.conn.dataset.status = status;
  let text = S.status_connecting;
  if (status === "open") text = S.status_open;
  else if (status === "reconnecting") text = S.status_reconnecting;
  else if (status === "offline") {
    text = retryIn ? format(S.status_offline, { s: Math.ceil(retryIn / 1000) }) : S.status_offline_wait;
  } else if (status === "refused") text = message || S.status_refused;
  ui.connText.textContent = text;
  if (room) renderControls(room.state);
}

async function command(type, data = {}) {
  if (busy) return null; // one meeting command at a time: no double "next phase"
  showError("");
  busy = true;
  renderControls(room.state);
  try {
    return await room.send(type, data);
  } catch (error) {
    showError(error.message ?? String(error));
    return null;
  } finally {
    busy = false;
    renderControls(room.state);
  }
}

let room = null;
room = connectRoom({
  path: wsPath,
  store: "board", // unacknowledged messages survive a reload (static/js/outbox-store.js)
  onChange: render,
  onStatus: showStatus,
  onError: (error) => showError(error.message),
  onPresence: (online) => {
    ui.online.textContent = plural(S, "online", online);
  },
});

const projection = mountBoardProjection(room); // what the room sees (static/js/board-projection.js)
mountBoardThemes(room); // themes and clustering: lanes, panel tools (static/js/board-themes.js)
mountBoardDebrief(room); // debrief columns, group lanes, timeline (static/js/board-debrief.js)
mountBoardVotes(room, { project: projection.project }); // votes: panel tools, dialog, turnout and results
mountBoardQuestions(room, { project: projection.available ? projection.project : null }); // questions for speakers

ui.advance.addEventListener("click", () => command("meeting.advance"));
ui.phaseSelect.addEventListener("change", () => {
  phasePicked = { from: room.state.meeting?.phase };
});
ui.phaseForm.addEventListener("submit", (event) => {
  event.preventDefault();
  phasePicked = null;
  if (ui.phaseSelect.value && ui.phaseSelect.value !== room.state.meeting?.phase) {
    command("meeting.set_phase", { phase: ui.phaseSelect.value });
  }
});
ui.reveal.addEventListener("click", () => command("meeting.reveal"));
ui.revealPanel.addEventListener("click", () => command("meeting.reveal"));
async function configure(name, input) {
  configuring.add(name);
  try {
    // Not through command(): a switch flipped while a phase move is under way is not dropped.
    const ack = await room.send("meeting.configure", { [name]: input.checked });
    await room.onScreen(ack.seq);
  } catch (error) {
    showError(error.message ?? String(error));
  } finally {
    configuring.delete(name);
    renderControls(room.state); // the server's state wins (also after an error)
  }
}
ui.optPremod.addEventListener("change", () => configure("premoderation", ui.optPremod));
ui.optHidden.addEventListener("change", () => configure("hidden_until_reveal", ui.optHidden));
ui.optQuestions.addEventListener("change", () => configure("allow_questions", ui.optQuestions));

// Wide screens: the panel opens beside the wall. Below 900 px the tabs show one part at a time
// (the wall, the panel or the projection); opening the panel is choosing its tab.
let tab = "stage";
const narrow = window.matchMedia("(max-width: 900px)");
function applyLayout(open) {
  ui.panel.hidden = !open;
  ui.layout.classList.toggle("with-panel", open);
  ui.layout.dataset.tab = tab;
  ui.togglePanel.setAttribute("aria-expanded", open ? "true" : "false");
  for (const button of ui.tabs) button.setAttribute("aria-pressed", button.dataset.tab === tab ? "true" : "false");
}
function setPanel(open) {
  if (open) tab = "panel";
  else if (tab === "panel") tab = "stage";
  applyLayout(open);
}
function setTab(name) {
  tab = name;
  applyLayout(name === "panel");
  window.scrollTo({ top: 0 });
}
for (const button of ui.tabs) button.addEventListener("click", () => setTab(button.dataset.tab));
ui.togglePanel.addEventListener("click", () => {
  const open = ui.panel.hidden;
  setPanel(open);
  if (open) ui.panelTitle.focus();
});
ui.openPaper.addEventListener("click", () => {
  setPanel(true);
  ui.paperText.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !ui.panel.hidden && ui.panel.contains(document.activeElement) && !narrow.matches) {
    setPanel(false);
    ui.togglePanel.focus();
  }
});

ui.paperForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  ui.paperError.textContent = "";
  ui.paperFeedback.textContent = "";
  const text = ui.paperText.value.trim();
  const title = ui.paperTitle.value.trim();
  if (!text) {
    ui.paperError.textContent = S.empty_text;
    ui.paperText.focus();
    return;
  }
  try {
    await room.send("idea.add_paper", { text, title });
    ui.paperText.value = "";
    ui.paperTitle.value = "";
    ui.paperFeedback.textContent = S.paper_added;
    ui.paperText.focus();
  } catch (error) {
    ui.paperError.textContent = error.message ?? String(error);
  }
});

function syncFullscreenLabel() {
  ui.fullscreen.textContent = document.fullscreenElement ? S.fullscreen_exit : S.fullscreen;
}
ui.fullscreen.hidden = !document.fullscreenEnabled;
ui.fullscreen.addEventListener("click", async () => {
  try {
    if (document.fullscreenElement) await document.exitFullscreen();
    else await document.documentElement.requestFullscreen();
  } catch {
    /* refused by the browser: nothing to do */
  }
});
document.addEventListener("fullscreenchange", syncFullscreenLabel);
