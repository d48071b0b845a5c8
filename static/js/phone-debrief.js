// The debrief (débat-bilan) on a phone: in the "debrief" phase, post to one of three columns
// (atouts, critiques, pistes d'amélioration); every idea card shows its column. Same socket, same
// idea.submit command with a `kind`. Questions: when the meeting takes them
// (`meeting.allow_questions`), the idea form shows an "ask a question" switch (phone.js sends
// `kind: "question"`). User text only ever goes through textContent.
import { readJson } from "./live.js";

const S = readJson("debrief-phone-strings", {});
const $ = (id) => document.getElementById(id);

export function mountPhoneDebrief(room) {
  const section = $("debrief-compose");
  const form = $("debrief-form");
  if (!section || !form) return;
  const text = $("debrief-text");
  const error = $("debrief-error");
  const feedback = $("debrief-feedback");
  const button = $("debrief-submit");
  const questionChoice = $("question-choice");
  const questionInput = $("idea-question");

  function render(state) {
    if (questionChoice && questionInput) {
      const questions = Boolean(state.meeting?.allow_questions);
      questionChoice.hidden = !questions;
      if (!questions) questionInput.checked = false;
    }
    const on = state.meeting?.phase === "debrief";
    section.hidden = !on;
    button.disabled = !on || !room.connected;
    for (const idea of state.ideas.values()) {
      const card = $(`idea-${idea.id}`);
      if (!card) continue;
      const label = idea.kind && idea.kind !== "idea" ? S[idea.kind] : "";
      if (label) card.dataset.kindLabel = label;
      else delete card.dataset.kindLabel;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    feedback.textContent = "";
    const kind = form.querySelector("input[name=kind]:checked")?.value;
    const value = text.value.trim();
    if (!kind) {
      error.textContent = S.choose_column;
      return;
    }
    if (!value) {
      error.textContent = S.empty_text;
      text.focus();
      return;
    }
    button.disabled = true;
    try {
      await room.send("idea.submit", { text: value, kind });
      text.value = "";
      feedback.textContent = S.thanks;
    } catch (err) {
      error.textContent = err.message ?? String(err);
    } finally {
      button.disabled = false;
    }
  });
  room.subscribe(render);
}
