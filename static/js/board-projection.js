// What the room sees, driven from the console (/work/notes/PROJECTION-INTERFACE.md).
//
// - "Ouvrir la projection": the projection page in a window of its own (to drag onto the
//   projector's screen); "Projeter sur un autre appareil": a short pairing code, shown large with
//   its expiry, to type at /projection/ on the room's computer.
// - A small live preview: the projection page itself in a scaled-down iframe (read-only).
// - What is on screen now (ideas and themes, questions, a vote, results, the join QR code, the
//   questionnaire, a black pause screen), the order of the projected ideas and the contrast:
//   each choice sends `projection.set`; the buttons show the meeting's `projection`, so every
//   console open on the meeting shows the same state, whoever changed it.
// Nothing is optimistic: the pressed button changes when the meeting changes.
import { el, format, readJson } from "./live.js";
import { VOTES, byNewest } from "./room-collections.js";

const S = readJson("projection-strings", {});
const $ = (id) => document.getElementById(id);
const DEFAULTS = { view: "board", sort: "newest", contrast: "normal", vote: null, highlight: null };
const PREVIEW_WIDTH = 1280; // the iframe's own width, scaled down to the preview's

/** The meeting's projection with every key filled (the server fills them too). */
export function projectionOf(meeting) {
  return { ...DEFAULTS, ...(meeting?.projection ?? {}) };
}

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

export function mountBoardProjection(room) {
  const side = $("console-projection");
  const ui = {
    frame: $("proj-frame"),
    preview: $("proj-preview"),
    now: $("proj-now"),
    open: $("proj-open"),
    pairForm: $("pair-form"),
    pairButton: $("pair-button"),
    pairBox: $("pair-box"),
    pairCode: $("pair-code"),
    pairExpiry: $("pair-expiry"),
    views: document.querySelectorAll("#proj-views [data-view]"),
    vote: $("proj-vote"),
    sorts: document.querySelectorAll("input[name=proj-sort]"),
    contrasts: document.querySelectorAll("input[name=proj-contrast]"),
    error: $("proj-error"),
  };
  const available = Boolean(side?.dataset.projectionUrl && ui.frame);
  const votes = room.register(VOTES);
  let expiresAt = 0;
  let expiryTimer = null;

  /** Send `projection.set` with `data`; a refusal is shown in `errorNode` (else the panel's). */
  async function project(data, errorNode = null) {
    if (!available) return null;
    const target = errorNode ?? ui.error;
    target.textContent = "";
    try {
      return await room.send("projection.set", data);
    } catch (error) {
      target.textContent = error.message ?? String(error);
      return null;
    }
  }
  if (!available) return { project, available };

  function shownVotes() {
    return byNewest(votes).filter((vote) => vote.state !== "draft");
  }

  function chosenVote(current) {
    const list = shownVotes();
    const picked = Number(ui.vote.value);
    if (list.some((vote) => vote.id === picked)) return picked;
    if (list.some((vote) => vote.id === current.vote)) return current.vote;
    return (list.find((vote) => vote.state === "open") ?? list[0])?.id ?? null;
  }

  function renderVotes(current) {
    const list = shownVotes();
    const keep = ui.vote.value;
    const options = list.map((vote) =>
      el("option", { text: `${vote.title || vote.method_label} (${vote.state_label})`, attrs: { value: String(vote.id) } }),
    );
    if (options.length !== ui.vote.options.length || options.some((o, i) => o.textContent !== ui.vote.options[i].textContent)) {
      ui.vote.replaceChildren(...options);
    }
    const wanted = list.some((vote) => String(vote.id) === keep) ? keep : String(chosenVote(current) ?? "");
    if (document.activeElement !== ui.vote) ui.vote.value = wanted;
    ui.vote.disabled = list.length === 0;
    ui.vote.closest(".field").hidden = list.length === 0;
  }

  function render(state) {
    const meeting = state.meeting ?? {};
    const current = projectionOf(meeting);
    const hasVote = shownVotes().length > 0;
    for (const button of ui.views) {
      const view = button.dataset.view;
      button.setAttribute("aria-pressed", view === current.view ? "true" : "false");
      if (view === "vote" || view === "results") button.disabled = !hasVote;
      if (view === "questions") button.hidden = !meeting.allow_questions && current.view !== "questions";
    }
    for (const input of ui.sorts) input.checked = input.value === current.sort;
    for (const input of ui.contrasts) input.checked = input.value === current.contrast;
    renderVotes(current);
    const viewLabel = S[`view_${current.view}`] ?? current.view;
    ui.now.textContent = format(S.now, {
      view: viewLabel,
      sort: S[`sort_${current.sort}`] ?? current.sort,
      contrast: S[`contrast_${current.contrast}`] ?? current.contrast,
    });
  }

  for (const button of ui.views) {
    button.addEventListener("click", () => {
      const view = button.dataset.view;
      const data = { view };
      if (view === "vote" || view === "results") data.vote = chosenVote(projectionOf(room.state.meeting));
      project(data);
    });
  }
  ui.vote.addEventListener("change", () => {
    const current = projectionOf(room.state.meeting);
    if (current.view === "vote" || current.view === "results") project({ vote: Number(ui.vote.value) });
  });
  for (const input of ui.sorts) input.addEventListener("change", () => project({ sort: input.value }));
  for (const input of ui.contrasts) input.addEventListener("change", () => project({ contrast: input.value }));

  // A window of its own, to drag onto the projector's screen (the link works without script).
  ui.open.addEventListener("click", (event) => {
    const opened = window.open(ui.open.href, "informaction-projection", "popup=yes,width=1280,height=720");
    if (opened) event.preventDefault();
  });

  // --- Pairing a second device ----------------------------------------------------------------

  function tickExpiry() {
    const left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    if (left === 0) {
      window.clearInterval(expiryTimer);
      ui.pairCode.classList.add("is-expired");
      ui.pairExpiry.textContent = S.pair_expired;
      return;
    }
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    ui.pairExpiry.textContent = format(S.pair_expires, { time: `${minutes} min ${seconds} s` });
  }

  ui.pairForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    ui.error.textContent = "";
    ui.pairButton.disabled = true;
    try {
      const response = await fetch(ui.pairForm.action, {
        method: "POST",
        body: new FormData(ui.pairForm),
        headers: { "X-CSRFToken": csrfToken(ui.pairForm), Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(S.pair_failed);
      const data = await response.json();
      ui.pairCode.textContent = String(data.code ?? "");
      ui.pairCode.classList.remove("is-expired");
      expiresAt = Date.now() + Number(data.expires_in ?? 600) * 1000;
      ui.pairBox.hidden = false;
      window.clearInterval(expiryTimer);
      tickExpiry();
      expiryTimer = window.setInterval(tickExpiry, 1000);
      ui.pairButton.textContent = S.pair_again;
    } catch (error) {
      ui.error.textContent = error instanceof TypeError ? S.pair_failed : (error.message ?? S.pair_failed);
    } finally {
      ui.pairButton.disabled = false;
    }
  });

  // --- The preview: the 1280 px wide page scaled to the box -----------------------------------

  function scalePreview() {
    const width = ui.preview.clientWidth;
    if (width) ui.preview.style.setProperty("--preview-scale", String(width / PREVIEW_WIDTH));
  }
  new ResizeObserver(scalePreview).observe(ui.preview);
  scalePreview();

  room.subscribe((state, reason) => {
    if (!reason || reason.type === "snapshot" || reason.touched?.has("meeting") || reason.touched?.has("votes")) {
      render(state);
    }
  });
  return { project, available };
}
