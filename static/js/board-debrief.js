// Debrief columns, group proposals, questions and the timeline on the facilitator's board.
//
// - Phase "debrief": the stage shows three live columns (atouts, critiques, pistes
//   d'amélioration) instead of the idea wall; supports and moderation work as for ideas. With
//   pre-moderation, the console says so loudly: the posts waiting on each column (count, one-click
//   "Approuver", "Tout approuver" = one `ideas.approve`), never shown on the projection.
// - Proposals brought back from breakout groups show in one lane per group (their colour).
// - Questions (kind "question") get a "Répondue" switch in the moderation panel.
// - Timeline panel: "Démarrer le chrono" and one-click marks (agenda item, speaker, video,
//   questions, note) with their time code; a mark's time and label can be corrected (each
//   field sends timeline.edit when it changes), or the mark deleted.
// Nothing is optimistic: every change is a command and the screen follows the room state (the
// marks are the store's `timeline` collection, the columns and lanes are read from its ideas).
// User text only ever goes through textContent.
import { el, format, plural, readJson } from "./live.js";
import { DEBRIEF_COLUMNS, TIMELINE, debriefColumns, groupLanes, timelineOrder } from "./room-collections.js";

const S = readJson("debrief-strings", {});
const $ = (id) => document.getElementById(id);

export function timecode(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}

function parseTimecode(text) {
  const parts = String(text).trim().split(":").map((p) => Number(p));
  if (!parts.length || parts.some((n) => !Number.isInteger(n) || n < 0)) return null;
  return parts.reduce((total, n) => total * 60 + n, 0);
}

function colorClass(color) {
  return typeof color === "string" && /^[a-z]+$/.test(color) ? `tc-${color}` : "tc-none";
}

export function mountBoardDebrief(room) {
  const ui = {
    layout: $("board-layout"),
    columns: $("debrief-columns"),
    groups: $("group-lanes"),
    timeline: $("timeline-list"),
    timelineEmpty: $("timeline-empty"),
    chrono: $("timeline-chrono"),
    start: $("timeline-start"),
    speaker: $("timeline-speaker"),
    label: $("timeline-label"),
    error: $("timeline-error"),
    buttons: document.querySelectorAll("[data-mark]"),
    alert: $("debrief-alert"),
  };
  if (!ui.columns) return;
  room.register(TIMELINE);
  const columnNodes = new Map();
  let startedAt = null;

  const pendingCards = new Map(); // idea id -> li, kept so a button keeps its focus

  function card(idea) {
    const supports = idea.supports ?? 0;
    return el(
      "li",
      { cls: "dcard", attrs: { id: `debrief-idea-${idea.id}`, "data-kind": idea.kind } },
      idea.title ? el("h3", { cls: "dcard-title", text: idea.title }) : null,
      el("p", { cls: "dcard-text", text: idea.text ?? "" }),
      el("p", { cls: "dcard-foot", text: plural(S, "supports", supports) }),
    );
  }

  async function moderate(type, data, errorNode) {
    errorNode.textContent = "";
    try {
      await room.send(type, data);
    } catch (error) {
      errorNode.textContent = error.message ?? String(error);
    }
  }

  // A post held by pre-moderation: on the console only (never on the projection), with its
  // one-click "Approuver" (and "Masquer").
  function pendingCard(idea, errorNode) {
    let li = pendingCards.get(idea.id);
    if (!li) {
      const textId = `debrief-pending-text-${idea.id}`;
      const approve = el("button", { cls: "btn btn-small btn-primary", text: S.approve, attrs: { type: "button", "aria-describedby": textId } });
      const hide = el("button", { cls: "btn btn-small", text: S.hide, attrs: { type: "button", "aria-describedby": textId } });
      approve.addEventListener("click", () => moderate("idea.approve", { idea: idea.id }, errorNode));
      hide.addEventListener("click", () => moderate("idea.hide", { idea: idea.id }, errorNode));
      li = el(
        "li",
        { cls: "dcard is-pending", attrs: { id: `debrief-idea-${idea.id}`, "data-kind": idea.kind } },
        el("p", { cls: "dcard-status", text: S.pending }),
        el("p", { cls: "dcard-text", attrs: { id: textId } }),
        el("div", { cls: "row dcard-actions" }, approve, hide),
      );
      pendingCards.set(idea.id, li);
    }
    li.querySelector(".dcard-text").textContent = idea.title ? `${idea.title} — ${idea.text ?? ""}` : (idea.text ?? "");
    return li;
  }

  function pendingByKind(state) {
    const byKind = Object.fromEntries(DEBRIEF_COLUMNS.map((kind) => [kind, []]));
    for (const idea of state.ideas.values()) {
      if (idea.state === "pending" && byKind[idea.kind]) byKind[idea.kind].push(idea);
    }
    for (const list of Object.values(byKind)) list.sort((a, b) => a.id - b.id); // oldest first
    return byKind;
  }

  function buildColumn(kind) {
    const list = el("ol", { cls: "debrief-list" });
    const count = el("span", { cls: "count-badge" });
    const waiting = el("span", { cls: "debrief-waiting" });
    const approveAll = el("button", { cls: "btn btn-primary debrief-approve-all", attrs: { type: "button" } });
    const error = el("p", { cls: "feedback feedback-error", attrs: { role: "alert" } });
    const heading = el("h2", { cls: "debrief-heading", attrs: { tabindex: "-1" } }, el("span", { text: S[kind] }), " ", count, " ", waiting);
    const section = el(
      "section",
      { cls: `debrief-column debrief-${kind}`, attrs: { "aria-label": S[kind] } },
      heading,
      approveAll,
      error,
      list,
    );
    const column = { section, heading, list, count, waiting, approveAll, error, pending: [] };
    approveAll.addEventListener("click", async () => {
      const ids = column.pending.map((idea) => idea.id);
      if (!ids.length) return;
      approveAll.disabled = true;
      await moderate("ideas.approve", { ideas: ids }, error);
      approveAll.disabled = false;
    });
    return column;
  }

  function renderColumns(state, on) {
    ui.layout.classList.toggle("is-debrief", on);
    ui.columns.hidden = !on;
    const pending = pendingByKind(state);
    const waitingTotal = Object.values(pending).reduce((n, list) => n + list.length, 0);
    if (ui.alert) {
      ui.alert.hidden = !on || waitingTotal === 0;
      ui.alert.textContent = on && waitingTotal ? plural(S, "pending_alert", waitingTotal) : "";
    }
    if (!on) return;
    const columns = debriefColumns(state.ideas);
    for (const kind of DEBRIEF_COLUMNS) {
      let column = columnNodes.get(kind);
      if (!column) {
        column = buildColumn(kind);
        columnNodes.set(kind, column);
        ui.columns.append(column.section);
      }
      const ideas = columns[kind];
      const held = pending[kind];
      column.pending = held;
      column.count.textContent = `(${ideas.length})`;
      column.waiting.textContent = held.length ? plural(S, "waiting", held.length) : "";
      column.waiting.hidden = held.length === 0;
      column.section.classList.toggle("has-pending", held.length > 0);
      column.approveAll.hidden = held.length === 0;
      column.approveAll.textContent = format(S.approve_all, { n: held.length });
      const hadFocus = column.section.contains(document.activeElement);
      column.list.replaceChildren(...held.map((idea) => pendingCard(idea, column.error)), ...ideas.map(card));
      if (hadFocus && !column.section.contains(document.activeElement)) {
        (held.length ? column.approveAll : column.heading).focus();
      }
    }
    for (const id of [...pendingCards.keys()]) {
      if (state.ideas.get(id)?.state !== "pending") pendingCards.delete(id);
    }
  }

  function renderGroups(state, on) {
    const byGroup = groupLanes(state.ideas);
    const show = on && byGroup.length > 0;
    ui.layout.classList.toggle("has-group-lanes", show);
    ui.groups.hidden = !show;
    if (!show) return;
    const lanes = byGroup.map(({ group, ideas }) =>
      el(
        "section",
        { cls: `group-lane ${colorClass(group.color)}`, attrs: { "aria-label": group.title } },
        el("h2", { cls: "group-lane-title", text: group.title }),
        el(
          "ol",
          { cls: "debrief-list" },
          ...ideas.map((idea) => {
            const [first, ...rest] = String(idea.text ?? "").split("\n").filter((l) => l.trim());
            return el(
              "li",
              { cls: "dcard" },
              idea.title ? el("h3", { cls: "dcard-title", text: idea.title }) : null,
              el("p", { cls: "dcard-text", text: first ?? "" }),
              rest.length
                ? el("ul", {}, ...rest.map((l) => el("li", { text: l.replace(/^[-•*·]\s*/, "") })))
                : null,
            );
          }),
        ),
      ),
    );
    ui.groups.replaceChildren(...lanes);
    // the plain wall keeps the other ideas only
    for (const idea of byGroup.flatMap((lane) => lane.ideas)) $(`board-idea-${idea.id}`)?.setAttribute("data-group", "1");
  }

  function renderQuestions(state) {
    for (const idea of state.ideas.values()) {
      if (idea.kind !== "question") continue;
      const item = $(`mod-idea-${idea.id}`);
      if (!item) continue;
      let button = item.querySelector(".answer-toggle");
      if (!button) {
        button = el("button", {
          cls: "btn btn-small answer-toggle",
          attrs: { type: "button", "aria-pressed": "false" },
        });
        button.addEventListener("click", async () => {
          const current = room.state.ideas.get(idea.id);
          try {
            await room.send("idea.answer", { idea: idea.id, answered: !current?.answered });
          } catch (error) {
            ui.error.textContent = error.message ?? String(error);
          }
        });
        item.querySelector(".mitem-actions")?.append(button);
      }
      button.textContent = idea.answered ? S.answered : S.mark_answered;
      button.setAttribute("aria-pressed", idea.answered ? "true" : "false");
      $(`board-idea-${idea.id}`)?.classList.toggle("is-answered", Boolean(idea.answered));
    }
  }

  function markItem(mark) {
    const words = [mark.kind_label, mark.speaker].filter(Boolean).join(" — ");
    const time = el("input", {
      cls: "timeline-time",
      attrs: { type: "text", value: timecode(mark.offset), "aria-label": S.edit_time, size: 7 },
    });
    time.addEventListener("change", async () => {
      const offset = parseTimecode(time.value);
      if (offset === null) {
        time.value = timecode(mark.offset);
        return;
      }
      try {
        await room.send("timeline.edit", { mark: mark.id, offset });
      } catch (error) {
        ui.error.textContent = error.message ?? String(error);
      }
    });
    const label = el("input", {
      cls: "timeline-label-edit",
      attrs: {
        type: "text",
        value: mark.label ?? "",
        maxlength: 200,
        "aria-label": `${S.edit_label} ${timecode(mark.offset)}`,
      },
    });
    label.addEventListener("change", async () => {
      const value = label.value.trim();
      if (value === (mark.label ?? "")) return;
      try {
        await room.send("timeline.edit", { mark: mark.id, label: value });
      } catch (error) {
        label.value = mark.label ?? "";
        ui.error.textContent = error.message ?? String(error);
      }
    });
    const remove = el("button", {
      cls: "btn btn-small btn-quiet",
      text: S.delete,
      attrs: { type: "button", "aria-label": `${S.delete} ${timecode(mark.offset)}` },
    });
    remove.addEventListener("click", () =>
      room.send("timeline.delete", { mark: mark.id }).catch((error) => {
        ui.error.textContent = error.message ?? String(error);
      }),
    );
    return el(
      "li",
      { cls: "timeline-item" },
      time,
      el("span", { text: ` ${words} ` }),
      label,
      " ",
      remove,
    );
  }

  // Someone typing in a mark's field keeps it: the list is redrawn once the focus leaves it.
  let redrawLater = false;
  const typing = () =>
    document.activeElement?.tagName === "INPUT" && ui.timeline.contains(document.activeElement);
  ui.timeline.addEventListener("focusout", () =>
    window.setTimeout(() => {
      if (redrawLater && !typing()) renderTimeline();
    }),
  );

  function renderTimeline() {
    redrawLater = typing();
    if (redrawLater) return;
    const sorted = timelineOrder(room.state.timeline);
    ui.timeline.replaceChildren(...sorted.map(markItem));
    ui.timelineEmpty.hidden = sorted.length > 0;
  }

  function tick() {
    if (!ui.chrono) return;
    ui.chrono.textContent = startedAt
      ? timecode((Date.now() - startedAt) / 1000)
      : S.not_started;
    ui.start.hidden = Boolean(startedAt);
  }

  function render(state, reason) {
    if (reason?.touched?.has("timeline")) renderTimeline();
    const meeting = state.meeting ?? {};
    startedAt = meeting.started_at ? Date.parse(meeting.started_at) : null;
    tick();
    const waiting = Boolean(meeting.hidden_until_reveal && !meeting.revealed);
    const debrief = meeting.phase === "debrief" && !waiting;
    renderColumns(state, debrief);
    renderGroups(state, !debrief && meeting.phase !== "cluster" && !waiting);
    renderQuestions(state);
  }

  ui.start?.addEventListener("click", () =>
    room.send("timeline.start").catch((error) => (ui.error.textContent = error.message)),
  );
  for (const button of ui.buttons) {
    button.addEventListener("click", async () => {
      ui.error.textContent = "";
      const data = { kind: button.dataset.mark, label: ui.label.value.trim() };
      if (button.dataset.mark === "speaker") data.speaker = ui.speaker.value.trim();
      try {
        await room.send("timeline.mark", data);
        ui.label.value = "";
      } catch (error) {
        ui.error.textContent = error.message ?? String(error);
      }
    });
  }
  window.setInterval(tick, 1000);
  room.subscribe(render);
}
