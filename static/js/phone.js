// The participant's phone: post ideas, support others', edit or delete one's own. When the meeting
// takes questions for the speakers, questions have their own words and their own list (the most
// supported first, answered ones apart and labelled "Répondue").
import { connectRoom, el, format, plural, readJson, reorder, sortIdeas } from "./live.js";
import { mountPhoneDebrief } from "./phone-debrief.js";
import { mountPhoneThemes } from "./phone-themes.js";
import { mountPhoneVotes } from "./phone-votes.js";

const S = readJson("phone-strings", {});
const wsPath = readJson("ws-path");
const limits = readJson("limits", { text: 500, title: 80 });

const $ = (id) => document.getElementById(id);
const form = $("idea-form");
const fields = $("compose-fields");
const textInput = $("idea-text");
const titleInput = $("idea-title");
const questionInput = $("idea-question"); // shown when the meeting takes questions (phone-debrief.js)
const countNow = $("idea-count-now");
const counterLive = $("idea-counter-live");
const composeClosed = $("compose-closed");
const composeError = $("compose-error");
const composeFeedback = $("compose-feedback");
const list = $("ideas");
const listError = $("list-error");
const empty = $("ideas-empty");
const ideasCount = $("ideas-count");
const hiddenNote = $("hidden-note");
const announce = $("ideas-announce");
const phaseLabel = $("phase-label");
const conn = $("conn");
const connText = $("conn-text");
const refused = $("refused");
const composeTitle = $("compose-title");
const textLabel = $("idea-text-label");
const submitButton = $("idea-submit");
const questions = {
  section: $("questions-section"),
  list: $("questions-list"),
  answered: $("questions-answered"),
  answeredTitle: $("questions-answered-title"),
  answeredCount: $("questions-answered-count"),
  count: $("questions-count"),
  empty: $("questions-empty"),
};

const cards = new Map(); // idea id -> { li, refs }
const busy = new Set(); // idea ids with a support request in flight
let announced = null; // ids of others' ideas already seen (null before the first render)
let announceTimer = null;
let lastThreshold = null;
let lastPhase = null;
let themeView = null; // ideas grouped by theme (static/js/phone-themes.js)

function phase(state) {
  return state.meeting?.phase ?? "draft";
}

// --- Connection status ------------------------------------------------------------------------

function showStatus({ status, retryIn, pending, message }) {
  conn.dataset.status = status;
  let text = S.status_connecting;
  if (status === "open") text = S.status_open;
  else if (status === "reconnecting") text = S.status_reconnecting;
  else if (status === "offline") {
    text = retryIn ? format(S.status_offline, { s: Math.ceil(retryIn / 1000) }) : S.status_offline_wait;
  } else if (status === "refused") text = message || S.status_refused;
  if (pending && status !== "refused") text += ` · ${plural(S, "status_pending", pending)}`;
  connText.textContent = text;
  if (status === "refused") {
    refused.hidden = false;
    fields.disabled = true;
  }
}

// --- Character counter ------------------------------------------------------------------------

function updateCounter() {
  const length = textInput.value.length;
  countNow.textContent = String(length);
  const left = limits.text - length;
  const threshold = [0, 20, 50].find((t) => left <= t);
  if (threshold !== undefined && threshold !== lastThreshold) {
    counterLive.textContent = plural(S, "chars_left", left);
  }
  lastThreshold = threshold ?? null;
  countNow.parentElement.classList.toggle("counter-near", left <= 50);
}

// --- Cards ------------------------------------------------------------------------------------

function buildCard(idea) {
  const id = idea.id;
  const refs = {};
  refs.badges = el("p", { cls: "badges" });
  refs.title = el("h3", { cls: "idea-title" });
  refs.text = el("p", { cls: "idea-text" });
  refs.meta = el("p", { cls: "idea-meta" });
  refs.supportIcon = el("span", { cls: "support-icon", text: "+1", attrs: { "aria-hidden": "true" } });
  refs.supportLabel = el("span", { cls: "support-label", text: S.support });
  refs.supportCount = el("span", { cls: "support-count", attrs: { "aria-hidden": "true" } });
  refs.supportSr = el("span", { cls: "visually-hidden" });
  refs.support = el(
    "button",
    { cls: "btn btn-support", attrs: { type: "button", "aria-pressed": "false" } },
    refs.supportIcon,
    refs.supportLabel,
    refs.supportCount,
    refs.supportSr,
  );
  refs.support.addEventListener("click", () => toggleSupport(id));
  refs.edit = el("button", { cls: "btn btn-quiet", text: S.edit, attrs: { type: "button" } });
  refs.edit.addEventListener("click", () => openEdit(id));
  refs.del = el("button", { cls: "btn btn-quiet btn-danger-text", text: S.delete, attrs: { type: "button" } });
  refs.del.addEventListener("click", () => askDelete(id));
  refs.own = el("span", { cls: "own-actions" }, refs.edit, refs.del);
  refs.actions = el("div", { cls: "idea-actions" }, refs.support, refs.own);

  refs.confirmYes = el("button", { cls: "btn btn-danger", text: S.delete_confirm, attrs: { type: "button" } });
  refs.confirmNo = el("button", { cls: "btn btn-quiet", text: S.cancel, attrs: { type: "button" } });
  refs.confirm = el(
    "div",
    { cls: "confirm", attrs: { hidden: true, role: "group", "aria-label": S.delete_question } },
    el("p", { text: S.delete_question }),
    refs.confirmYes,
    refs.confirmNo,
  );
  refs.confirmYes.addEventListener("click", () => doDelete(id));
  refs.confirmNo.addEventListener("click", () => {
    refs.confirm.hidden = true;
    refs.del.focus();
  });

  const textId = `edit-text-${id}`;
  const titleId = `edit-title-${id}`;
  refs.editText = el("textarea", { attrs: { id: textId, rows: 4, maxlength: limits.text, required: true } });
  refs.editTitle = el("input", { attrs: { id: titleId, type: "text", maxlength: limits.title } });
  refs.editSave = el("button", { cls: "btn btn-primary", text: S.save, attrs: { type: "submit" } });
  refs.editCancel = el("button", { cls: "btn btn-quiet", text: S.cancel, attrs: { type: "button" } });
  refs.editForm = el(
    "form",
    { cls: "edit-form stack", attrs: { hidden: true, novalidate: true } },
    el("div", { cls: "field" }, (refs.editTextLabel = el("label", { text: S.edit_text, attrs: { for: textId } })), refs.editText),
    el("div", { cls: "field" }, el("label", { text: S.edit_title, attrs: { for: titleId } }), refs.editTitle),
    el("div", { cls: "row" }, refs.editSave, refs.editCancel),
  );
  refs.editForm.addEventListener("submit", (event) => {
    event.preventDefault();
    saveEdit(id);
  });
  refs.editCancel.addEventListener("click", () => closeEdit(id, true));
  refs.error = el("p", { cls: "card-error", attrs: { role: "alert" } });

  const li = el(
    "li",
    { cls: "idea", attrs: { id: `idea-${id}` } },
    refs.badges,
    refs.title,
    refs.text,
    refs.meta,
    refs.actions,
    refs.confirm,
    refs.editForm,
    refs.error,
  );
  const card = { li, refs, editing: false };
  cards.set(id, card);
  return card;
}

function badge(text, kind) {
  return el("span", { cls: `badge badge-${kind}`, text });
}

/** The words of a card: a question's own, or an idea's. */
function words(idea) {
  const q = idea.kind === "question";
  return {
    mine: q ? S.q_mine : S.mine,
    support: q ? S.q_support : S.support,
    supportOwn: q ? S.q_support_own : S.support_own,
    deleteQuestion: q ? S.q_delete_question : S.delete_question,
    editText: q ? S.q_edit_text : S.edit_text,
  };
}

function updateCard(card, idea, state) {
  const { li, refs } = card;
  const currentPhase = phase(state);
  const w = words(idea);
  const answering = idea.kind === "question" && !idea.answered && state.meeting?.projection?.highlight === idea.id;
  li.classList.toggle("is-mine", Boolean(idea.mine));
  li.classList.toggle("is-pending", idea.state === "pending");
  li.classList.toggle("is-hidden", idea.state === "hidden");
  li.classList.toggle("is-pinned", Boolean(idea.pinned));
  li.classList.toggle("is-answered", Boolean(idea.answered));
  li.classList.toggle("is-answering", answering);
  refs.supportLabel.textContent = w.support;
  refs.editTextLabel.textContent = w.editText;
  refs.confirm.firstChild.textContent = w.deleteQuestion;
  refs.confirm.setAttribute("aria-label", w.deleteQuestion);

  const badges = [];
  if (idea.mine) badges.push(badge(w.mine, "mine"));
  if (idea.kind === "question" && idea.answered) badges.push(badge(`✓ ${S.q_answered}`, "answered"));
  if (answering) badges.push(badge(S.q_answering, "answering"));
  if (idea.state === "pending") badges.push(badge(S.pending, "pending"));
  if (idea.state === "hidden") badges.push(badge(S.hidden, "hidden"));
  if (idea.pinned) badges.push(badge(`★ ${S.pinned}`, "pinned"));
  if (idea.paper) badges.push(badge(S.paper, "paper"));
  refs.badges.replaceChildren(...badges);
  refs.badges.hidden = badges.length === 0;

  refs.title.textContent = idea.title ?? "";
  refs.title.hidden = !idea.title;
  refs.text.textContent = idea.text ?? "";
  refs.meta.textContent = idea.author ? format(S.by, { name: idea.author }) : "";
  refs.meta.hidden = !idea.author;

  const supports = idea.supports ?? 0;
  refs.supportCount.textContent = String(supports);
  refs.supportSr.textContent = ` — ${plural(S, "supports", supports)}`;
  refs.support.setAttribute("aria-pressed", idea.supported ? "true" : "false");
  const canSupport =
    !idea.mine &&
    idea.state === "visible" &&
    ["collect", "review", "debrief"].includes(currentPhase); // debrief: same board mechanics
  refs.support.disabled = !canSupport; // not while busy: a disabled button would lose focus
  refs.support.setAttribute("aria-busy", busy.has(idea.id) ? "true" : "false");
  if (idea.mine) refs.support.title = w.supportOwn;
  else refs.support.removeAttribute("title");

  const ownEditable = Boolean(idea.mine) && ["collect", "debrief"].includes(currentPhase);
  refs.own.hidden = !ownEditable || card.editing;
  if (!ownEditable) {
    refs.confirm.hidden = true;
    if (card.editing) closeEdit(idea.id, false);
  }
}

function render(state, reason) {
  const currentPhase = phase(state);
  const meeting = state.meeting ?? {};
  phaseLabel.textContent = meeting.phase_label ?? "";
  document.title = `${meeting.title ?? ""} · Inform'action`;

  const open = currentPhase === "collect";
  fields.disabled = !open || conn.dataset.status === "refused";
  fields.hidden = !open; // outside the collect phase only the explanation shows
  if (!open && lastPhase === "collect") setFeedback("");
  lastPhase = currentPhase;
  composeClosed.hidden = open;
  composeClosed.textContent = open ? "" : (S[`closed_${currentPhase}`] ?? "");
  hiddenNote.hidden = !(meeting.hidden_until_reveal && !meeting.revealed);

  const all = sortIdeas(state.ideas.values());
  const ideas = all.filter((idea) => idea.kind !== "question");
  const card = (idea) => {
    const built = cards.get(idea.id) ?? buildCard(idea);
    updateCard(built, idea, state);
    return built.li;
  };
  const nodes = ideas.map(card);
  renderQuestions(state, all, card);
  updateComposeMode(meeting);
  for (const id of [...cards.keys()]) {
    if (!state.ideas.has(id)) cards.delete(id);
  }
  const hadFocus = list.contains(document.activeElement);
  if (!themeView?.place(state, ideas, nodes)) reorder(list, nodes);
  if (hadFocus && !list.parentElement.contains(document.activeElement)) $("ideas-title").focus();
  empty.hidden = ideas.length > 0;
  ideasCount.textContent = ideas.length ? plural(S, "ideas", ideas.length) : "";

  // Announce others' new ideas, grouped, without stealing focus.
  const others = ideas.filter((idea) => !idea.mine).map((idea) => idea.id);
  if (announced === null || reason?.type === "snapshot") {
    announced = new Set(others);
  } else {
    const fresh = others.filter((id) => !announced.has(id));
    for (const id of fresh) announced.add(id);
    if (fresh.length) queueAnnounce(fresh.length);
  }
}

/** Questions apart: the ones to answer, the most supported first, then the answered ones. */
function renderQuestions(state, all, card) {
  const asked = all.filter((idea) => idea.kind === "question");
  const bySupport = (a, b) => (b.supports ?? 0) - (a.supports ?? 0) || b.id - a.id;
  const open = asked.filter((q) => !q.answered).sort(bySupport);
  const done = asked.filter((q) => q.answered).sort(bySupport);
  const offered = Boolean(state.meeting?.allow_questions) || asked.length > 0;
  questions.section.hidden = !offered;
  const hadFocus = questions.section.contains(document.activeElement);
  reorder(questions.list, open.map(card));
  reorder(questions.answered, done.map(card));
  if (hadFocus && !questions.section.contains(document.activeElement)) $("questions-title").focus();
  questions.empty.hidden = asked.length > 0;
  questions.count.textContent = asked.length ? plural(S, "questions", asked.length) : "";
  questions.answered.hidden = questions.answeredTitle.hidden = done.length === 0;
  questions.answeredCount.textContent = `(${done.length})`;
}

/** The compose box speaks of a question while "Poser une question" is on. */
function updateComposeMode(meeting = null) {
  if (questionInput && meeting && !meeting.allow_questions) questionInput.checked = false;
  const q = Boolean(questionInput?.checked);
  composeTitle.textContent = q ? S.q_compose_title : S.idea_compose_title;
  textLabel.textContent = q ? S.q_text_label : S.idea_text_label;
  submitButton.textContent = q ? S.q_submit : S.idea_submit;
}
questionInput?.addEventListener("change", () => updateComposeMode());

let pendingAnnounce = 0;
function queueAnnounce(n) {
  pendingAnnounce += n;
  if (announceTimer) return;
  announceTimer = window.setTimeout(() => {
    announce.textContent = plural(S, "new_ideas", pendingAnnounce);
    pendingAnnounce = 0;
    announceTimer = null;
  }, 1500);
}

// --- Actions ----------------------------------------------------------------------------------

/** An idea sent before a reload and refused after it: back in the compose box, with the reason. */
function restoreRefusedIdea(error) {
  const data = error.data ?? {};
  if (error.type !== "idea.submit" || !["idea", "question", undefined].includes(data.kind)) return false;
  composeError.textContent = error.message ?? "";
  if (!textInput.value && typeof data.text === "string") {
    textInput.value = data.text;
    titleInput.value = typeof data.title === "string" ? data.title : "";
    if (questionInput) questionInput.checked = data.kind === "question";
    updateComposeMode();
    updateCounter();
  }
  return true;
}

const room = connectRoom({
  path: wsPath,
  store: "phone", // unacknowledged messages survive a reload (static/js/outbox-store.js)
  onChange: render,
  onStatus: showStatus,
  onError: (error) => {
    if (error.restored && restoreRefusedIdea(error)) return;
    listError.textContent = error.message ?? "";
  },
});
themeView = mountPhoneThemes(room, { list });
mountPhoneDebrief(room); // debrief columns (static/js/phone-debrief.js)
mountPhoneVotes(room); // ballots and results (static/js/phone-votes.js)

let feedbackTimer = null;
function setFeedback(text, { sticky = false } = {}) {
  composeFeedback.textContent = text;
  window.clearTimeout(feedbackTimer);
  if (text && !sticky) {
    feedbackTimer = window.setTimeout(() => (composeFeedback.textContent = ""), 12000);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  composeError.textContent = "";
  const text = textInput.value.trim();
  const title = titleInput.value.trim();
  const asking = Boolean(questionInput?.checked);
  if (!text) {
    composeError.textContent = asking ? S.q_empty_text : S.empty_text;
    textInput.focus();
    return;
  }
  textInput.value = "";
  titleInput.value = "";
  updateCounter();
  const data = asking ? { text, title, kind: "question" } : { text, title };
  const promise = room.send("idea.submit", data);
  setFeedback(room.connected ? S.sending : S.queued, { sticky: true });
  try {
    const ack = await promise;
    const pendingState = ack.data.state === "pending";
    if (asking) setFeedback(pendingState ? S.q_acked_pending : S.q_acked, { sticky: true });
    else setFeedback(pendingState ? S.acked_pending : S.acked, { sticky: true });
    await room.onScreen(ack.seq);
    const meeting = room.state.meeting ?? {};
    const idea = room.state.ideas.get(ack.data.idea);
    const ideaState = idea?.state ?? ack.data.state;
    if (asking) setFeedback(ideaState === "pending" ? S.q_on_screen_pending : S.q_on_board);
    else if (ideaState === "pending") setFeedback(S.on_screen_pending);
    else if (meeting.hidden_until_reveal && !meeting.revealed) setFeedback(S.on_screen_hidden);
    else setFeedback(S.on_board);
    const card = cards.get(ack.data.idea);
    if (card) {
      card.li.classList.add("is-new");
      window.setTimeout(() => card.li.classList.remove("is-new"), 4000);
    }
  } catch (error) {
    setFeedback("");
    composeError.textContent = error.message ?? String(error);
    if (!textInput.value) {
      textInput.value = text;
      titleInput.value = title;
      updateCounter();
    }
    textInput.focus();
  }
});

textInput.addEventListener("input", updateCounter);

async function toggleSupport(id) {
  const idea = room.state.ideas.get(id);
  const card = cards.get(id);
  if (!idea || !card || busy.has(id)) return;
  card.refs.error.textContent = "";
  busy.add(id);
  updateCard(card, idea, room.state);
  try {
    const ack = await room.send(idea.supported ? "idea.unsupport" : "idea.support", { idea: id });
    room.patchIdea({ id, supports: ack.data.supports, supported: ack.data.supported }, ack.seq);
  } catch (error) {
    card.refs.error.textContent = error.message ?? String(error);
  } finally {
    busy.delete(id);
    const current = room.state.ideas.get(id);
    if (current && cards.has(id)) updateCard(cards.get(id), current, room.state);
  }
}

function openEdit(id) {
  const idea = room.state.ideas.get(id);
  const card = cards.get(id);
  if (!idea || !card) return;
  card.editing = true;
  card.refs.editText.value = idea.text ?? "";
  card.refs.editTitle.value = idea.title ?? "";
  card.refs.editForm.hidden = false;
  card.refs.own.hidden = true;
  card.refs.confirm.hidden = true;
  card.refs.editText.focus();
}

function closeEdit(id, focus) {
  const card = cards.get(id);
  if (!card) return;
  card.editing = false;
  card.refs.editForm.hidden = true;
  const idea = room.state.ideas.get(id);
  if (idea) updateCard(card, idea, room.state);
  if (focus) card.refs.edit.focus();
}

async function saveEdit(id) {
  const card = cards.get(id);
  if (!card) return;
  const text = card.refs.editText.value.trim();
  const title = card.refs.editTitle.value.trim();
  card.refs.error.textContent = "";
  if (!text) {
    card.refs.error.textContent = S.empty_text;
    card.refs.editText.focus();
    return;
  }
  card.refs.editSave.disabled = true;
  try {
    await room.send("idea.edit", { idea: id, text, title });
    closeEdit(id, true);
    announce.textContent = S.saved;
  } catch (error) {
    card.refs.error.textContent = error.message ?? String(error);
  } finally {
    card.refs.editSave.disabled = false;
  }
}

function askDelete(id) {
  const card = cards.get(id);
  if (!card) return;
  card.refs.confirm.hidden = false;
  card.refs.confirmNo.focus();
}

async function doDelete(id) {
  const card = cards.get(id);
  if (!card) return;
  card.refs.confirmYes.disabled = true;
  try {
    const kind = room.state.ideas.get(id)?.kind;
    await room.send("idea.delete", { idea: id });
    announce.textContent = kind === "question" ? S.q_deleted : S.deleted;
  } catch (error) {
    card.refs.error.textContent = error.message ?? String(error);
  } finally {
    card.refs.confirmYes.disabled = false;
  }
}

updateCounter();
