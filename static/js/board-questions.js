// Questions for speakers on the console (webconference Q&A; docs/protocol.md, `idea.answer`).
//
// When the meeting takes questions (`meeting.allow_questions`), or once it has some, the stage
// offers "Les idées" / "Les questions". The questions view has its own words ("question", never
// "idée"): the questions still to answer, the most supported first by default, then the answered
// ones in a separate list, each with the word "Répondue" (not a paler colour alone).
// - "Répondre maintenant" projects the questions with this one highlighted
//   (`projection.set {highlight, view: "questions"}`); the one being answered says so, on every
//   console (it is the meeting's `projection.highlight`).
// - "Marquer comme répondue" sends `idea.answer`; marking the highlighted one also clears the
//   highlight. "Remettre à traiter" undoes it.
// Nothing is optimistic; user text only ever goes through textContent.
import { el, plural, readJson, reorder } from "./live.js";
import { projectionOf } from "./board-projection.js";

const S = readJson("questions-strings", {});
const $ = (id) => document.getElementById(id);

/** Questions to answer and answered ones, in the chosen order ("supported" or "newest"). */
export function questionLists(ideas, order = "supported") {
  const newest = (a, b) => String(b.created ?? "").localeCompare(String(a.created ?? "")) || b.id - a.id;
  const compare = order === "newest" ? newest : (a, b) => (b.supports ?? 0) - (a.supports ?? 0) || newest(a, b);
  const questions = [...ideas.values()].filter(
    (idea) => idea.kind === "question" && idea.state !== "hidden" && idea.state !== "deleted",
  );
  return {
    open: questions.filter((q) => !q.answered).sort(compare),
    done: questions.filter((q) => q.answered).sort(compare),
  };
}

export function mountBoardQuestions(room, { project = null } = {}) {
  const ui = {
    layout: $("board-layout"),
    switcher: $("stage-switch"),
    showIdeas: $("show-ideas"),
    showQuestions: $("show-questions"),
    badge: $("questions-badge"),
    view: $("questions-view"),
    title: $("questions-title"),
    sort: $("questions-sort"),
    error: $("questions-error"),
    open: $("questions-open"),
    openCount: $("questions-open-count"),
    openEmpty: $("questions-open-empty"),
    done: $("questions-done"),
    doneCount: $("questions-done-count"),
    doneEmpty: $("questions-done-empty"),
  };
  if (!ui.view) return;
  let showing = false; // the questions view is on
  const items = new Map(); // idea id -> { li, refs }

  function say(error) {
    ui.error.textContent = error ? (error.message ?? String(error)) : "";
  }

  function build(id) {
    const textId = `question-text-${id}`;
    const refs = {
      status: el("p", { cls: "q-status" }),
      title: el("strong", { cls: "q-title" }),
      text: el("span", { cls: "q-text-body" }),
      meta: el("p", { cls: "q-meta" }),
      now: el("button", { cls: "btn btn-primary q-now", text: S.answer_now, attrs: { type: "button" } }),
      answered: el("button", { cls: "btn q-answered", text: S.mark_answered, attrs: { type: "button" } }),
      reopen: el("button", { cls: "btn btn-quiet q-reopen", text: S.reopen, attrs: { type: "button" } }),
      approve: el("button", { cls: "btn btn-primary", text: S.approve, attrs: { type: "button" } }),
    };
    refs.body = el("p", { cls: "q-text", attrs: { id: textId } }, refs.title, refs.text);
    for (const name of ["now", "answered", "reopen", "approve"]) refs[name].setAttribute("aria-describedby", textId);
    refs.now.addEventListener("click", async () => {
      say(null);
      if (project) await project({ highlight: id, view: "questions" }, ui.error);
    });
    refs.answered.addEventListener("click", () => answer(id, true));
    refs.reopen.addEventListener("click", () => answer(id, false));
    refs.approve.addEventListener("click", () => room.send("idea.approve", { idea: id }).catch(say));
    const li = el(
      "li",
      { cls: "question", attrs: { id: `question-${id}` } },
      refs.status,
      refs.body,
      refs.meta,
      el("div", { cls: "row q-actions" }, refs.approve, refs.now, refs.answered, refs.reopen),
    );
    const item = { li, refs };
    items.set(id, item);
    return item;
  }

  async function answer(id, answered) {
    say(null);
    const item = items.get(id);
    const hadFocus = item?.li.contains(document.activeElement);
    try {
      await room.send("idea.answer", { idea: id, answered });
      const current = projectionOf(room.state.meeting);
      if (answered && current.highlight === id && project) await project({ highlight: null }, ui.error);
    } catch (error) {
      say(error);
    }
    if (hadFocus && !item.li.contains(document.activeElement)) ui.title.focus();
  }

  function update(item, question, highlight) {
    const { li, refs } = item;
    const live = question.id === highlight && !question.answered;
    const pending = question.state === "pending";
    li.classList.toggle("is-live", live);
    li.classList.toggle("is-answered", Boolean(question.answered));
    li.classList.toggle("is-pending", pending);
    const status = [];
    if (question.answered) status.push(S.answered);
    else if (live) status.push(S.answering);
    if (pending) status.push(S.pending);
    refs.status.textContent = status.join(" · ");
    refs.status.hidden = status.length === 0;
    refs.title.textContent = question.title ? `${question.title} — ` : "";
    refs.text.textContent = question.text ?? "";
    const supports = question.supports ?? 0;
    refs.meta.textContent = [question.author ?? S.anonymous, plural(S, "supports", supports)].join(" · ");
    refs.approve.hidden = !pending;
    refs.now.hidden = pending || Boolean(question.answered) || !project;
    refs.now.textContent = live ? S.answering_now : S.answer_now;
    refs.now.setAttribute("aria-pressed", live ? "true" : "false");
    refs.answered.hidden = pending || Boolean(question.answered);
    refs.reopen.hidden = !question.answered;
  }

  function place(questions, highlight) {
    return questions.map((question) => {
      const item = items.get(question.id) ?? build(question.id);
      update(item, question, highlight);
      return item.li;
    });
  }

  function setShowing(on) {
    showing = on;
    ui.showIdeas.setAttribute("aria-pressed", on ? "false" : "true");
    ui.showQuestions.setAttribute("aria-pressed", on ? "true" : "false");
    render(room.state);
  }

  function render(state) {
    const meeting = state.meeting ?? {};
    const { open, done } = questionLists(state.ideas, ui.sort.value);
    const offered = Boolean(meeting.allow_questions) || open.length + done.length > 0;
    const on = offered && showing;
    ui.switcher.hidden = !offered;
    ui.view.hidden = !on;
    ui.layout.classList.toggle("is-questions", on);
    ui.badge.textContent = open.length ? `(${open.length})` : "";
    const highlight = projectionOf(meeting).highlight;
    const hadFocus = ui.view.contains(document.activeElement);
    reorder(ui.open, place(open, highlight));
    reorder(ui.done, place(done, highlight));
    for (const id of [...items.keys()]) if (!state.ideas.has(id)) items.delete(id);
    if (hadFocus && !ui.view.contains(document.activeElement)) ui.title.focus();
    ui.openCount.textContent = `(${open.length})`;
    ui.doneCount.textContent = `(${done.length})`;
    ui.openEmpty.hidden = open.length > 0;
    ui.doneEmpty.hidden = done.length > 0;
  }

  ui.showIdeas.addEventListener("click", () => setShowing(false));
  ui.showQuestions.addEventListener("click", () => setShowing(true));
  ui.sort.addEventListener("change", () => render(room.state));
  room.subscribe((state) => render(state));
}
