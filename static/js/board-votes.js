// Votes on the facilitator's board (docs/protocol.md, "Votes").
//
// - Moderation panel, "Votes": create a vote in a dialog (method, options from the board's ideas,
//   themes and/or typed labels, settings), open it (switching the meeting to the "vote" phase if
//   needed), watch turnout, close it, reveal or publish, type in paper ballots or show-of-hands
//   counts, project one vote.
// - The console's stage (and, with "Projeter", the projection page): while a vote is shown, turnout in big numbers; once its results are public
//   (revealed), the chart (static/js/votes-common.js). An open "at close" vote sends no results to
//   any screen, this one included (turnout only); a vote closed without publishing sends them to
//   facilitators only, and they never reach the projected area until published.
// - Live results above the server's VOTE_LIVE_RESULTS_MAX_BALLOTS (ballot events then carry the
//   turnout only): `vote.results` every 3 s while a revealed open vote has new ballots.
// Nothing is optimistic: every change is a command; the screen follows vote.changed events.
// User text only ever goes through textContent.
import { el, format, plural, readJson, sortIdeas } from "./live.js";
import { byNewest, followVotes, gradeLabels, hasVotes, howTo, num, pollStaleResults, renderResults, voteTitle } from "./votes-common.js";

const S = readJson("votes-strings", {});
const $ = (id) => document.getElementById(id);
const AGGREGATE = new Set(["dots", "approval", "yes_no"]);
const RANKED = new Set(["borda", "schulze"]);

function ideaLabel(idea, max = 140) {
  const text = idea.title ? `${idea.title} — ${idea.text ?? ""}` : String(idea.text ?? "");
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function button(label, cls = "btn btn-small", attrs = {}) {
  return el("button", { cls, text: label, attrs: { type: "button", ...attrs } });
}

function isPublic(vote) {
  return Boolean(vote.revealed) || vote.state === "published";
}

export function mountBoardVotes(room, { project = null } = {}) {
  const ui = {
    layout: $("board-layout"),
    stage: $("vote-stage"),
    kicker: $("vote-stage-kicker"),
    title: $("vote-stage-title"),
    how: $("vote-stage-how"),
    turnout: $("vote-turnout"),
    ballots: $("vt-ballots"),
    ballotsLabel: $("vt-ballots-label"),
    online: $("vt-online"),
    paper: $("vt-paper"),
    registeredCount: $("vt-registered"),
    status: $("vote-stage-status"),
    options: $("vote-stage-options"),
    results: $("vote-stage-results"),
    panel: $("mod-panel"),
    togglePanel: $("toggle-panel"),
    openVotes: $("open-votes"),
    quick: $("vote-quick"),
    toolsTitle: $("votes-tools-title"),
    phaseNote: $("votes-phase-note"),
    toPhase: $("votes-to-phase"),
    newVote: $("vote-new"),
    error: $("votes-error"),
    ok: $("votes-ok"),
    empty: $("votes-empty"),
    list: $("vote-list"),
    dialog: $("vote-dialog"),
    form: $("vote-form"),
    close: $("vote-dialog-close"),
    cancel: $("vote-cancel"),
    titleInput: $("vote-title"),
    titleLabel: $("vote-title-label"),
    optionsBox: $("vote-options-box"),
    ideas: $("vote-ideas"),
    ideasEmpty: $("vote-ideas-empty"),
    pickPinned: $("vote-pick-pinned"),
    pickNone: $("vote-pick-none"),
    themes: $("vote-themes"),
    themesBox: $("vote-themes-box"),
    free: $("vote-free"),
    count: $("vote-count"),
    maxDots: $("vote-max-dots"),
    maxPer: $("vote-max-per-option"),
    grades: $("vote-grades"),
    minScore: $("vote-min-score"),
    maxScore: $("vote-max-score"),
    registered: $("vote-registered"),
    openNow: $("vote-open-now"),
    openNote: $("vote-open-note"),
    submit: $("vote-submit"),
    formError: $("vote-form-error"),
  };
  if (!ui.stage || !ui.list) return null;

  let votes = new Map();
  let projected = null; // a vote id the facilitator chose to project (else: automatic)
  let busy = false;
  let okTimer = null;
  let lastResultsKey = "";
  let lastOnline = -1;
  const items = new Map(); // vote id -> { li, refs }
  const checkedIdeas = new Set(); // idea ids ticked in the dialog
  const checkedThemes = new Set(); // theme names ticked in the dialog

  function phase() {
    return room.state.meeting?.phase ?? "";
  }

  function say(message, { error = false } = {}) {
    ui.error.textContent = error ? message : "";
    ui.ok.textContent = error ? "" : message;
    window.clearTimeout(okTimer);
    if (message) okTimer = window.setTimeout(() => (ui.ok.textContent = ""), 8000);
  }

  async function send(type, data, { errorNode = null } = {}) {
    try {
      const ack = await room.send(type, data);
      await room.onScreen(ack.seq);
      return ack;
    } catch (error) {
      const message = error.message ?? String(error);
      if (errorNode) errorNode.textContent = message;
      else say(message, { error: true });
      return null;
    }
  }

  async function run(fn) {
    if (busy) return;
    busy = true;
    render();
    try {
      await fn();
    } finally {
      busy = false;
      render();
    }
  }

  async function ensureVotePhase(errorNode = null) {
    if (phase() === "vote") return true;
    return Boolean(await send("meeting.set_phase", { phase: "vote" }, { errorNode }));
  }

  // --- Which vote the room sees -------------------------------------------------------------

  function focusVote() {
    if (projected !== null) {
      const chosen = votes.get(projected);
      if (chosen && chosen.state !== "draft") return chosen;
      if (!chosen) projected = null;
    }
    const list = byNewest(votes);
    const open = list.find((v) => v.state === "open");
    if (open) return open;
    if (["vote", "results"].includes(phase())) return list.find((v) => v.state !== "draft") ?? null;
    return null;
  }

  // --- Projected area -----------------------------------------------------------------------

  function renderStage() {
    const vote = focusVote();
    const on = Boolean(vote);
    ui.layout.classList.toggle("is-voting", on);
    ui.stage.hidden = !on;
    if (!on) {
      lastResultsKey = "";
      ui.results.replaceChildren();
      return;
    }
    const open = vote.state === "open";
    // Results only once public, and not an "everybody tied at 0" chart before the first ballot.
    const shown = Boolean(isPublic(vote) && vote.results && (!open || hasVotes(vote.results)));
    ui.stage.dataset.state = vote.state;
    ui.stage.classList.toggle("has-results", Boolean(shown));
    ui.kicker.textContent = vote.title ? `${vote.method_label} · ${vote.state_label}` : vote.state_label;
    ui.title.textContent = voteTitle(vote, S);
    ui.how.textContent = open ? howTo(vote, S) : "";
    ui.how.hidden = !open;
    ui.results.hidden = !shown;
    renderTurnout(vote);
    if (open && !shown) ui.status.textContent = S.stage_vote_now;
    else if (!open && !shown) ui.status.textContent = S.stage_closed_pending;
    else if (open) ui.status.textContent = S.stage_live;
    else ui.status.textContent = "";
    ui.status.hidden = !ui.status.textContent;

    const listOptions = open && !shown && vote.method !== "yes_no";
    ui.options.hidden = !listOptions;
    if (listOptions) {
      ui.options.replaceChildren(...(vote.options ?? []).map((o) => el("li", { text: o.label })));
      ui.options.dataset.count = String(Math.min(12, (vote.options ?? []).length));
    }
    const key = shown ? `${vote.id}:${document.documentElement.lang}:${JSON.stringify(vote.results)}:${JSON.stringify(vote.options)}` : "";
    if (key !== lastResultsKey) {
      lastResultsKey = key;
      ui.results.replaceChildren(shown ? renderResults(vote, vote.results, S) : "");
    }
  }

  function renderTurnout(vote) {
    const t = vote.turnout ?? {};
    const online = room.state.online ?? 0;
    lastOnline = online;
    ui.turnout.hidden = vote.state === "draft";
    ui.turnout.classList.toggle("is-compact", !ui.results.hidden);
    ui.ballots.textContent = num(t.ballots ?? 0);
    ui.ballotsLabel.textContent = plural(S, "ballots_word", t.ballots ?? 0);
    ui.online.textContent = plural(S, "turnout_online", online, { n: num(online) });
    ui.paper.hidden = !t.paper;
    ui.paper.textContent = t.paper ? plural(S, "turnout_paper", t.paper, { n: num(t.paper) }) : "";
    // A vote for registered participants: how many may vote (personal links, tickets).
    const eligible = t.eligible ?? 0;
    ui.registeredCount.hidden = !vote.registered_only;
    ui.registeredCount.textContent = vote.registered_only ? plural(S, "stage_registered", eligible, { n: num(eligible) }) : "";
  }

  // Presence frames change state.online without a state change event: follow them here.
  window.setInterval(() => {
    const vote = focusVote();
    if (vote && (room.state.online ?? 0) !== lastOnline) renderTurnout(vote);
  }, 1000);

  // --- Controls bar ---------------------------------------------------------------------------

  function renderQuick() {
    const open = byNewest(votes).find((v) => v.state === "open");
    const pending = byNewest(votes).find((v) => v.state === "closed");
    const nodes = [];
    if (open) {
      const close = button(S.close_vote, "btn btn-primary", { id: "vote-quick-close" });
      close.disabled = busy || !room.connected;
      close.addEventListener("click", () => run(() => closeVote(open.id, true)));
      nodes.push(close);
    } else if (pending) {
      const publish = button(S.publish, "btn btn-primary", { id: "vote-quick-publish" });
      publish.disabled = busy || !room.connected;
      publish.addEventListener("click", () => run(() => send("vote.reveal", { vote: pending.id })));
      nodes.push(publish);
    }
    const hadFocus = ui.quick.contains(document.activeElement);
    const before = ui.quick.firstElementChild?.id ?? "";
    if (before !== (nodes[0]?.id ?? "") || ui.quick.childElementCount !== nodes.length) {
      ui.quick.replaceChildren(...nodes);
      if (hadFocus) ui.openVotes.focus();
    } else if (nodes.length) {
      ui.quick.firstElementChild.disabled = nodes[0].disabled;
    }
  }

  async function closeVote(id, publish) {
    const ack = await send("vote.close", { vote: id, publish });
    if (ack) say(publish ? S.closed_published : S.closed_kept);
  }

  // --- Panel: the list of votes ---------------------------------------------------------------

  function buildItem(id) {
    const refs = {
      title: el("strong", { cls: "vitem-title" }),
      meta: el("p", { cls: "vitem-meta" }),
      preview: el("p", { cls: "vitem-preview" }),
      open: button(S.open),
      close: button(S.close_publish, "btn btn-small btn-primary"),
      closeQuiet: button(S.close_quiet),
      reveal: button(S.reveal_live),
      publish: button(S.publish, "btn btn-small btn-primary"),
      project: button(S.project, "btn btn-small", { "aria-pressed": "false" }),
      paperToggle: button(S.paper_entry, "btn btn-small", { "aria-expanded": "false" }),
      exportJson: el("a", { text: S.export_json, attrs: { href: `/votes/${id}/ballots.json` } }),
      exportCsv: el("a", { text: S.export_csv, attrs: { href: `/votes/${id}/ballots.csv` } }),
      paperBox: el("div", { cls: "vitem-paper", attrs: { hidden: true, id: `vote-paper-${id}` } }),
      error: el("p", { cls: "card-error", attrs: { role: "alert" } }),
    };
    refs.paperToggle.setAttribute("aria-controls", `vote-paper-${id}`);
    refs.exports = el("p", { cls: "vitem-exports" }, refs.exportJson, " · ", refs.exportCsv);
    refs.actions = el(
      "div",
      { cls: "row vitem-actions" },
      refs.open,
      refs.close,
      refs.closeQuiet,
      refs.reveal,
      refs.publish,
      refs.paperToggle,
      refs.project,
    );
    const item = { li: null, refs, paperKey: "" };
    refs.open.addEventListener("click", () =>
      run(async () => {
        refs.error.textContent = "";
        if (!(await ensureVotePhase(refs.error))) return;
        if (await send("vote.open", { vote: id }, { errorNode: refs.error })) {
          projected = null;
          say(S.opened);
        }
      }),
    );
    refs.close.addEventListener("click", () => run(() => closeVote(id, true)));
    refs.closeQuiet.addEventListener("click", () => run(() => closeVote(id, false)));
    refs.reveal.addEventListener("click", () => run(() => send("vote.reveal", { vote: id }, { errorNode: refs.error })));
    refs.publish.addEventListener("click", () => run(() => send("vote.reveal", { vote: id }, { errorNode: refs.error })));
    refs.project.addEventListener("click", () => {
      projected = projected === id ? null : id;
      render();
      // The projection page follows too (board-projection.js; nothing when it is not there).
      const vote = votes.get(id);
      if (projected === id && vote && project) {
        project({ view: vote.state === "open" ? "vote" : "results", vote: id }, refs.error);
      }
    });
    refs.paperToggle.addEventListener("click", () => {
      const open = refs.paperBox.hidden;
      refs.paperBox.hidden = !open;
      refs.paperToggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) refs.paperBox.querySelector("input, select")?.focus();
    });
    item.li = el(
      "li",
      { cls: "vitem", attrs: { id: `vote-item-${id}` } },
      refs.title,
      refs.meta,
      refs.preview,
      refs.actions,
      refs.exports,
      refs.paperBox,
      refs.error,
    );
    items.set(id, item);
    return item;
  }

  function updateItem(item, vote) {
    const { refs } = item;
    const state = vote.state;
    const t = vote.turnout ?? {};
    item.li.dataset.state = state;
    refs.title.textContent = voteTitle(vote, S);
    const meta = [vote.method_label, vote.state_label];
    if (state !== "draft") meta.push(plural(S, "turnout_ballots", t.ballots ?? 0, { n: num(t.ballots ?? 0) }));
    if (t.paper) meta.push(plural(S, "turnout_paper", t.paper, { n: num(t.paper) }));
    if (vote.registered_only) meta.push(plural(S, "registered_only", t.eligible ?? 0, { n: num(t.eligible ?? 0) }));
    if (state === "open") meta.push(isPublic(vote) ? S.results_public : S.results_hidden);
    refs.meta.textContent = meta.join(" · ");
    const reason = vote.results?.tally
      ? (document.documentElement.lang || "fr").startsWith("en")
        ? vote.results.tally.explanation_en
        : vote.results.tally.explanation_fr
      : "";
    refs.preview.textContent = reason && state !== "draft" ? format(S.preview, { text: reason }) : "";
    refs.preview.hidden = !refs.preview.textContent;
    const disabled = busy || !room.connected || phase() === "closed";
    refs.open.hidden = state !== "draft";
    refs.open.textContent = phase() === "vote" ? S.open : S.open_switch;
    refs.close.hidden = state !== "open";
    refs.closeQuiet.hidden = state !== "open";
    refs.reveal.hidden = !(state === "open" && !vote.revealed);
    refs.publish.hidden = state !== "closed";
    refs.paperToggle.hidden = state !== "open";
    refs.project.hidden = state === "draft";
    refs.project.setAttribute("aria-pressed", projected === vote.id ? "true" : "false");
    for (const b of [refs.open, refs.close, refs.closeQuiet, refs.reveal, refs.publish]) b.disabled = disabled;
    refs.exports.hidden = !["closed", "published"].includes(state);
    if (state !== "open") {
      refs.paperBox.hidden = true;
      refs.paperToggle.setAttribute("aria-expanded", "false");
    }
    renderPaper(item, vote);
  }

  function renderList() {
    const list = byNewest(votes);
    const hadFocus = ui.list.contains(document.activeElement);
    const nodes = list.map((vote) => {
      const item = items.get(vote.id) ?? buildItem(vote.id);
      updateItem(item, vote);
      return item.li;
    });
    for (const id of [...items.keys()]) if (!votes.has(id)) items.delete(id);
    const current = [...ui.list.children];
    if (current.length !== nodes.length || current.some((n, i) => n !== nodes[i])) ui.list.replaceChildren(...nodes);
    if (hadFocus && !ui.list.contains(document.activeElement)) ui.toolsTitle.focus();
    ui.empty.hidden = list.length > 0;
    ui.phaseNote.hidden = phase() === "vote" || phase() === "closed";
    ui.toPhase.disabled = busy || !room.connected;
    ui.newVote.disabled = !room.connected || phase() === "closed";
  }

  // --- Panel: paper ballots and show-of-hands counts ------------------------------------------

  function entrySummary(vote, entry) {
    const source = entry.source === "hands" ? S.source_hands : S.source_paper;
    const labels = new Map((vote.options ?? []).map((o) => [String(o.id), o.label]));
    let what = "";
    if (entry.counts) {
      what = Object.entries(entry.counts)
        .map(([key, n]) => `${labels.get(String(key)) ?? S[`answer_${key}`] ?? key} : ${n}`)
        .join(", ");
    } else if (entry.ballots) {
      what = plural(S, "paper_ballots", entry.ballots.length, { n: num(entry.ballots.length) });
    }
    return [source, entry.note, what].filter(Boolean).join(" — ");
  }

  function buildPaperForm(item, vote) {
    const id = vote.id;
    const fields = [];
    const inputs = new Map();
    const prefix = `vp-${id}`;
    let sourceSelect = null;
    if (AGGREGATE.has(vote.method)) {
      sourceSelect = el(
        "select",
        { attrs: { id: `${prefix}-source` } },
        el("option", { text: S.source_hands, attrs: { value: "hands" } }),
        el("option", { text: S.source_paper, attrs: { value: "paper" } }),
      );
      fields.push(el("div", { cls: "field" }, el("label", { text: S.paper_source, attrs: { for: `${prefix}-source` } }), sourceSelect));
      const keys =
        vote.method === "yes_no"
          ? ["yes", "no", "abstain"].map((k) => [k, S[`answer_${k}`]])
          : (vote.options ?? []).map((o) => [String(o.id), o.label]);
      for (const [key, label] of keys) {
        const input = el("input", { attrs: { id: `${prefix}-${key}`, type: "number", min: 0, step: 1, inputmode: "numeric" } });
        inputs.set(key, input);
        fields.push(el("div", { cls: "field vp-count" }, el("label", { text: label, attrs: { for: `${prefix}-${key}` } }), input));
      }
    } else {
      fields.push(el("p", { cls: "help", text: RANKED.has(vote.method) ? S.paper_rank_help : S.paper_ballot_help }));
      const grades = gradeLabels(vote);
      const s = vote.settings ?? {};
      for (const option of vote.options ?? []) {
        const key = String(option.id);
        const fid = `${prefix}-${key}`;
        let input;
        if (vote.method === "majority_judgment") {
          input = el("select", { attrs: { id: fid } }, el("option", { text: S.not_graded, attrs: { value: "" } }), ...grades.map((g, i) => el("option", { text: g, attrs: { value: i } })));
        } else if (vote.method === "score") {
          const opts = [el("option", { text: S.not_graded, attrs: { value: "" } })];
          for (let v = s.min_score ?? 0; v <= (s.max_score ?? 5); v += 1) opts.push(el("option", { text: String(v), attrs: { value: v } }));
          input = el("select", { attrs: { id: fid } }, ...opts);
        } else {
          input = el("input", { attrs: { id: fid, type: "number", min: 1, max: (vote.options ?? []).length, step: 1, inputmode: "numeric" } });
        }
        inputs.set(key, input);
        fields.push(el("div", { cls: "field vp-count" }, el("label", { text: option.label, attrs: { for: fid } }), input));
      }
    }
    const note = el("input", { attrs: { id: `${prefix}-note`, type: "text", maxlength: 200, autocomplete: "off" } });
    fields.push(el("div", { cls: "field" }, el("label", { text: S.paper_note, attrs: { for: `${prefix}-note` } }), note));
    const submit = el("button", { cls: "btn btn-small btn-primary", text: AGGREGATE.has(vote.method) ? S.paper_add_counts : S.paper_add_ballot, attrs: { type: "submit" } });
    const error = el("p", { cls: "feedback feedback-error", attrs: { role: "alert" } });
    const ok = el("p", { cls: "feedback feedback-ok", attrs: { role: "status" } });
    const form = el("form", { cls: "stack vp-form", attrs: { novalidate: true } }, ...fields, submit, ok, error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      ok.textContent = "";
      const data = { vote: id, note: note.value.trim() };
      if (AGGREGATE.has(vote.method)) {
        const counts = {};
        for (const [key, input] of inputs) {
          if (input.value.trim() === "") continue;
          const n = Number(input.value);
          if (!Number.isInteger(n) || n < 0) {
            error.textContent = S.paper_bad_number;
            input.focus();
            return;
          }
          if (n > 0) counts[key] = n;
        }
        if (!Object.keys(counts).length) {
          error.textContent = S.paper_nothing;
          inputs.values().next().value?.focus();
          return;
        }
        Object.assign(data, { source: sourceSelect.value, counts });
      } else {
        let ballot;
        if (RANKED.has(vote.method)) {
          const ranked = [];
          for (const [key, input] of inputs) {
            if (input.value.trim() === "") continue;
            const n = Number(input.value);
            if (!Number.isInteger(n) || n < 1) {
              error.textContent = S.paper_bad_number;
              input.focus();
              return;
            }
            ranked.push([n, Number(key)]);
          }
          ranked.sort((a, b) => a[0] - b[0]);
          ballot = ranked.map(([, key]) => key);
        } else {
          ballot = {};
          for (const [key, input] of inputs) if (input.value !== "") ballot[key] = Number(input.value);
        }
        Object.assign(data, { source: "paper", ballots: [ballot] });
      }
      submit.disabled = true;
      const ack = await send("vote.paper_count", data, { errorNode: error });
      submit.disabled = false;
      if (ack) {
        for (const input of inputs.values()) input.value = "";
        note.value = "";
        ok.textContent = AGGREGATE.has(vote.method) ? S.paper_added_counts : S.paper_added_ballot;
        inputs.values().next().value?.focus();
      }
    });
    return form;
  }

  function renderPaper(item, vote) {
    const { refs } = item;
    if (vote.state !== "open") {
      if (item.paperKey) refs.paperBox.replaceChildren();
      item.paperKey = "";
      return;
    }
    const formKey = `${vote.method}:${(vote.options ?? []).map((o) => o.id).join(",")}`;
    if (!item.form || item.formKey !== formKey) {
      item.form = buildPaperForm(item, vote);
      item.formKey = formKey;
      item.entries = el("ul", { cls: "vp-entries" });
      refs.paperBox.replaceChildren(el("h4", { text: S.paper_title }), item.form, item.entries);
    }
    const entries = vote.paper ?? [];
    const key = JSON.stringify(entries);
    if (key === item.paperKey) return;
    item.paperKey = key;
    const hadFocus = item.entries.contains(document.activeElement);
    item.entries.replaceChildren(
      ...entries.map((entry) => {
        const text = entrySummary(vote, entry);
        const remove = button(S.remove, "btn btn-small btn-quiet", { "aria-label": format(S.remove_entry, { text }) });
        remove.addEventListener("click", () => run(() => send("vote.paper_remove", { vote: vote.id, paper: entry.id }, { errorNode: refs.error })));
        return el("li", {}, el("span", { text }), remove);
      }),
    );
    if (hadFocus) item.form.querySelector("input, select")?.focus();
  }

  // --- The "new vote" dialog ------------------------------------------------------------------

  function method() {
    return ui.form.querySelector("input[name=vote-method]:checked")?.value ?? "dots";
  }

  function buildIdeaChoices() {
    const state = room.state;
    const visible = sortIdeas(state.ideas.values()).filter((i) => i.state === "visible" && (i.kind ?? "idea") === "idea");
    const themes = [...state.themes.values()].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
    const groups = [...themes.map((t) => ({ key: t.id, name: t.name, ideas: [] })), { key: null, name: S.no_theme, ideas: [] }];
    for (const idea of visible) {
      const group = groups.find((g) => g.key === (idea.theme ?? null)) ?? groups[groups.length - 1];
      group.ideas.push(idea);
    }
    for (const id of [...checkedIdeas]) if (!visible.some((i) => i.id === id)) checkedIdeas.delete(id);
    const nodes = groups
      .filter((g) => g.ideas.length)
      .map((g) => {
        const all = button(S.pick_group, "btn btn-small btn-quiet", { "aria-label": format(S.pick_group_label, { name: g.name }) });
        all.addEventListener("click", () => {
          const every = g.ideas.every((i) => checkedIdeas.has(i.id));
          for (const i of g.ideas) every ? checkedIdeas.delete(i.id) : checkedIdeas.add(i.id);
          buildIdeaChoices();
          updateCount();
        });
        return el(
          "fieldset",
          { cls: "vd-group" },
          el("legend", { text: `${g.name} (${g.ideas.length})` }),
          all,
          ...g.ideas.map((idea) => {
            const fid = `vd-idea-${idea.id}`;
            const box = el("input", { attrs: { type: "checkbox", id: fid, value: idea.id } });
            box.checked = checkedIdeas.has(idea.id);
            box.addEventListener("change", () => {
              box.checked ? checkedIdeas.add(idea.id) : checkedIdeas.delete(idea.id);
              updateCount();
            });
            const label = `${idea.pinned ? "★ " : ""}${ideaLabel(idea)}`;
            return el("div", { cls: "field-check" }, box, el("label", { text: label, attrs: { for: fid } }));
          }),
        );
      });
    ui.ideas.replaceChildren(...nodes);
    ui.ideasEmpty.hidden = visible.length > 0;
    ui.pickPinned.disabled = !visible.some((i) => i.pinned);

    ui.themesBox.hidden = themes.length === 0;
    for (const name of [...checkedThemes]) if (!themes.some((t) => t.name === name)) checkedThemes.delete(name);
    ui.themes.replaceChildren(
      ...themes.map((t) => {
        const fid = `vd-theme-${t.id}`;
        const box = el("input", { attrs: { type: "checkbox", id: fid, value: t.name } });
        box.checked = checkedThemes.has(t.name);
        box.addEventListener("change", () => {
          box.checked ? checkedThemes.add(t.name) : checkedThemes.delete(t.name);
          updateCount();
        });
        return el("div", { cls: "field-check" }, box, el("label", { text: t.name, attrs: { for: fid } }));
      }),
    );
  }

  function freeLabels() {
    return ui.free.value
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  }

  function chosenOptions() {
    const ideas = sortIdeas(room.state.ideas.values()).filter((i) => checkedIdeas.has(i.id));
    return [
      ...ideas.map((i) => ({ idea: i.id })),
      ...[...checkedThemes].map((name) => ({ theme: name })),
      ...freeLabels().map((label) => ({ label })),
    ];
  }

  function updateCount() {
    const n = chosenOptions().length;
    ui.count.textContent = plural(S, "options_chosen", n, { n });
  }

  function syncMethod() {
    const m = method();
    ui.optionsBox.hidden = m === "yes_no";
    for (const node of ui.form.querySelectorAll("[data-for-method]")) {
      node.hidden = !node.dataset.forMethod.split(" ").includes(m);
    }
    ui.titleLabel.textContent = m === "yes_no" ? S.title_question : S.title_optional;
    ui.titleInput.required = m === "yes_no";
    ui.openNote.hidden = phase() === "vote" || !ui.openNow.checked;
  }

  function openDialog() {
    ui.formError.textContent = "";
    buildIdeaChoices();
    syncMethod();
    updateCount();
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.form.querySelector("input[name=vote-method]:checked")?.focus();
  }

  function closeDialog() {
    if (ui.dialog.open) ui.dialog.close();
  }

  function intValue(input, fallback) {
    const n = Number(input.value);
    return input.value.trim() === "" || !Number.isInteger(n) ? fallback : n;
  }

  ui.form.addEventListener("change", (event) => {
    if (event.target.name === "vote-method" || event.target === ui.openNow) syncMethod();
  });
  ui.free.addEventListener("input", updateCount);
  ui.pickPinned.addEventListener("click", () => {
    for (const idea of room.state.ideas.values()) if (idea.pinned && idea.state === "visible") checkedIdeas.add(idea.id);
    buildIdeaChoices();
    updateCount();
  });
  ui.pickNone.addEventListener("click", () => {
    checkedIdeas.clear();
    checkedThemes.clear();
    buildIdeaChoices();
    updateCount();
  });
  ui.maxDots.addEventListener("change", () => {
    const n = intValue(ui.maxDots, 3);
    ui.maxPer.max = String(n);
    if (intValue(ui.maxPer, n) > n) ui.maxPer.value = String(n);
  });

  ui.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    ui.formError.textContent = "";
    const m = method();
    const title = ui.titleInput.value.trim();
    const data = { method: m, title, reveal: ui.form.querySelector("input[name=vote-reveal]:checked")?.value ?? "live", registered_only: ui.registered.checked };
    if (m === "yes_no") {
      if (!title) {
        ui.formError.textContent = S.need_question;
        ui.titleInput.focus();
        return;
      }
    } else {
      const options = chosenOptions();
      if (options.length < 2) {
        ui.formError.textContent = S.need_options;
        return;
      }
      data.options = options;
    }
    if (m === "dots") {
      const n = intValue(ui.maxDots, 3);
      data.settings = { max_dots: n, max_per_option: Math.min(n, intValue(ui.maxPer, n)) };
    } else if (m === "score") {
      data.settings = { min_score: intValue(ui.minScore, 0), max_score: intValue(ui.maxScore, 5) };
    } else if (m === "majority_judgment" && ui.grades.value.trim() !== ui.grades.defaultValue.trim()) {
      data.settings = { grades: ui.grades.value.split("\n").map((s) => s.trim()).filter(Boolean) };
    }
    ui.submit.disabled = true;
    try {
      const openNow = ui.openNow.checked;
      if (openNow && !(await ensureVotePhase(ui.formError))) return;
      data.open = openNow;
      const ack = await send("vote.create", data, { errorNode: ui.formError });
      if (!ack) return;
      projected = null;
      checkedIdeas.clear();
      checkedThemes.clear();
      ui.free.value = "";
      ui.titleInput.value = "";
      closeDialog();
      say(openNow ? S.created_open : S.created_draft);
      ui.newVote.focus();
    } finally {
      ui.submit.disabled = false;
    }
  });
  ui.close.addEventListener("click", closeDialog);
  ui.cancel.addEventListener("click", closeDialog);
  ui.dialog.addEventListener("close", () => ui.newVote.focus());
  ui.newVote.addEventListener("click", openDialog);
  ui.toPhase.addEventListener("click", () => run(() => ensureVotePhase()));
  ui.openVotes.addEventListener("click", () => {
    if (ui.panel.hidden) ui.togglePanel.click();
    ui.toolsTitle.scrollIntoView({ block: "start" });
    ui.toolsTitle.focus();
  });

  // --- Render ---------------------------------------------------------------------------------

  function render() {
    renderStage();
    renderList();
    renderQuick();
    if (ui.dialog.open) syncMethod();
  }

  votes = followVotes(room, () => render());
  // Above VOTE_LIVE_RESULTS_MAX_BALLOTS ballot events carry the turnout only: ask for the results.
  pollStaleResults(room, votes, { wanted: (vote) => Boolean(vote.revealed), every: 3000, onResults: () => render() });
  return { render, votes };
}
