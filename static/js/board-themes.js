// Themes on the facilitator's board (docs/protocol.md, "Themes and clustering").
//
// - Phase "cluster": the projected area shows one lane per theme plus "Idées non classées".
//   Move ideas with the mouse, a finger or a pen (Pointer Events, not HTML5 drag and drop), or
//   with the keyboard: Enter/Space selects a card, 1–9 moves it (or the selection) to the theme of
//   that number, 0 back to "non classées"; the selection bar has a "Déplacer vers…" menu too.
// - Other phases: each projected card gets a tag with its theme.
// - Moderation panel: create (typed or from presets), rename, recolour, delete themes; the switch
//   for the public's theme suggestions (board-theme-panel.js); the machine's help
//   (board-theme-help.js).
// Nothing is optimistic: every change is a command and the screen follows the room state
// (idea.changed / theme.changed deltas; the public's suggestions are the store's `suggestions`
// collection). User text only ever goes through textContent.
import { el, format, plural, readJson, reorder, sortIdeas } from "./live.js";
import { mountThemeHelp } from "./board-theme-help.js";
import { mountThemePanel } from "./board-theme-panel.js";
import { SUGGESTIONS } from "./room-collections.js";
import { button, colorClass, ideaLabel, setError, themesOf } from "./themes-common.js";

const S = readJson("themes-strings", {});
const DRAG_THRESHOLD = 8; // px before a press becomes a drag (a shorter move is a click)
const NONE = ""; // lane key of "Idées non classées"

const $ = (id) => document.getElementById(id);

/** Themes show from the clustering phase on: while ideas are collected, the wall stays plain. */
function sortingStarted(meeting) {
  const order = (meeting?.phases ?? []).map((p) => p.value);
  const cluster = order.indexOf("cluster");
  return cluster >= 0 && order.indexOf(meeting.phase) >= cluster;
}

export function mountBoardThemes(room) {
  const ui = {
    layout: $("board-layout"),
    lanes: $("theme-lanes"),
    announce: $("themes-announce"),
    panel: $("mod-panel"),
    togglePanel: $("toggle-panel"),
    openThemes: $("open-themes"),
    toolsTitle: $("themes-tools-title"),
    count: $("themes-count"),
    empty: $("themes-empty"),
    list: $("theme-list"),
    optSuggest: $("opt-theme-suggestions"),
    presetsForm: $("presets-form"),
    presetsList: $("presets-list"),
    presetsError: $("presets-error"),
    addForm: $("theme-add-form"),
    addName: $("theme-add-name"),
    addKeywords: $("theme-add-keywords"),
    addColors: $("theme-add-colors"),
    addError: $("theme-add-error"),
    helpSort: $("help-sort"),
    helpDupes: $("help-dupes"),
    helpDiscover: $("help-discover"),
    helpError: $("help-error"),
    selbar: $("theme-selbar"),
    selCount: $("sel-count"),
    selMove: $("sel-move"),
    selMoveGo: $("sel-move-go"),
    selMerge: $("sel-merge"),
    selNew: $("sel-newtheme"),
    selNewForm: $("sel-newtheme-form"),
    selNewName: $("sel-newtheme-name"),
    selClear: $("sel-clear"),
    selError: $("sel-error"),
    dialog: $("themes-dialog"),
    dialogTitle: $("themes-dialog-title"),
    dialogIntro: $("themes-dialog-intro"),
    dialogBody: $("themes-dialog-body"),
    dialogFoot: $("themes-dialog-foot"),
    dialogOk: $("themes-dialog-ok"),
    dialogError: $("themes-dialog-error"),
    dialogClose: $("themes-dialog-close"),
  };
  if (!ui.lanes) return null;

  const selected = new Set(); // idea ids, in the order they were selected
  const moving = new Set(); // idea ids with a move in flight
  const tallies = room.register(SUGGESTIONS); // idea id -> {theme id: number of public suggestions}
  const lanes = new Map(); // lane key -> { section, refs }
  const cards = new Map(); // idea id -> { li, refs }
  const tags = new Map(); // idea id -> tag element on the projected card (other phases)
  let drag = null;
  let suppressClick = false;
  let announceTimer = null;

  // --- Helpers --------------------------------------------------------------------------------

  function visibleIdeas(state) {
    return sortIdeas(state.ideas.values()).filter((idea) => idea.state === "visible");
  }

  function themeName(themeId) {
    if (themeId === null || themeId === undefined) return S.unsorted;
    return room.state.themes.get(themeId)?.name ?? S.unsorted;
  }

  function laneKey(idea, state) {
    return idea.theme !== null && idea.theme !== undefined && state.themes.has(idea.theme)
      ? String(idea.theme)
      : NONE;
  }

  function announce(message) {
    window.clearTimeout(announceTimer);
    ui.announce.textContent = "";
    announceTimer = window.setTimeout(() => (ui.announce.textContent = message), 50);
  }

  function rerender() {
    render(room.state, { type: "local" });
  }

  /** Restore focus to the element that had it, if a DOM move took it away. */
  function keepFocus(fn) {
    const active = document.activeElement;
    fn();
    if (active && active !== document.body && active.isConnected && document.activeElement !== active) {
      active.focus({ preventScroll: true });
    }
  }

  // --- Commands -------------------------------------------------------------------------------

  async function moveIdeas(ids, themeId, { focusId = null } = {}) {
    const state = room.state;
    const todo = ids.filter((id) => {
      const idea = state.ideas.get(id);
      return idea && idea.state === "visible" && (idea.theme ?? null) !== themeId && !moving.has(id);
    });
    setError(ui.selError, null);
    if (!todo.length) return;
    for (const id of todo) moving.add(id);
    rerender();
    try {
      const ack =
        todo.length === 1
          ? await room.send("idea.move", { idea: todo[0], theme: themeId })
          : await room.send("ideas.assign", {
              assignments: todo.map((idea) => ({ idea, theme: themeId })),
            });
      await room.onScreen(ack.seq);
      for (const id of ids) selected.delete(id);
      announce(plural(S, "moved", todo.length, { theme: themeName(themeId) }));
    } catch (error) {
      setError(ui.selError, error);
      announce(error.message ?? String(error));
    } finally {
      for (const id of todo) moving.delete(id);
      rerender();
      if (focusId !== null) cards.get(focusId)?.refs.main.focus({ preventScroll: false });
    }
  }

  async function mergeIdeas(ids, errorNode = ui.selError) {
    const [target, ...others] = ids;
    if (!others.length) {
      setError(errorNode, { message: S.merge_needs_two });
      return false;
    }
    try {
      const ack = await room.send("idea.merge", { target, ideas: others });
      await room.onScreen(ack.seq);
      for (const id of ids) selected.delete(id);
      announce(S.merged_done);
      rerender();
      cards.get(target)?.refs.main.focus();
      return true;
    } catch (error) {
      setError(errorNode, error);
      return false;
    }
  }

  async function unmerge(mergedId, targetId) {
    try {
      const ack = await room.send("idea.unmerge", { idea: mergedId });
      await room.onScreen(ack.seq);
      announce(S.unmerged);
      const card = cards.get(targetId);
      if (card && !card.refs.mergedList.hidden) card.refs.mergedToggle.focus();
      else cards.get(mergedId)?.refs.main.focus();
    } catch (error) {
      setError(ui.selError, error);
      announce(error.message ?? String(error));
    }
  }

  // --- Lanes ----------------------------------------------------------------------------------

  function buildLane(key) {
    const titleId = `lane-title-${key || "none"}`;
    const refs = {
      swatch: el("span", { cls: "lane-swatch", attrs: { "aria-hidden": "true" } }),
      name: el("span", { cls: "lane-name" }),
      key: el("kbd", { cls: "lane-key" }),
      keySr: el("span", { cls: "visually-hidden" }),
      count: el("span", { cls: "lane-count" }),
      list: el("ul", { cls: "lane-list", attrs: { "aria-labelledby": titleId } }),
      empty: el("p", { cls: "lane-empty", text: S.lane_empty }),
    };
    refs.title = el("h2", { cls: "lane-title", attrs: { id: titleId } }, refs.swatch, refs.name, refs.keySr);
    const section = el(
      "section",
      { cls: "lane", attrs: { "data-theme": key, "aria-labelledby": titleId } },
      el("header", { cls: "lane-head" }, refs.title, refs.key, refs.count),
      refs.list,
      refs.empty,
    );
    const lane = { section, refs };
    lanes.set(key, lane);
    return lane;
  }

  function updateLane(lane, theme, number, ideas) {
    const { section, refs } = lane;
    section.className = `lane ${theme ? colorClass(theme.color) : "lane-none"}`;
    refs.name.textContent = theme ? theme.name : S.unsorted;
    const n = number === null ? "" : String(number);
    refs.key.textContent = n;
    refs.key.hidden = n === "";
    refs.key.setAttribute("aria-hidden", "true");
    refs.keySr.textContent = n ? ` (${format(S.key_hint, { n })})` : "";
    refs.count.textContent = plural(S, "count", ideas.length);
    refs.empty.hidden = ideas.length > 0;
    const nodes = ideas.map((idea) => {
      const card = cards.get(idea.id) ?? buildCard(idea.id);
      updateCard(card, idea);
      return card.li;
    });
    reorder(refs.list, nodes);
    return section;
  }

  function buildCard(id) {
    const listId = `lane-merged-${id}`;
    const refs = {
      title: el("strong", { cls: "tcard-title" }),
      text: el("span", { cls: "tcard-text" }),
      meta: el("span", { cls: "tcard-meta" }),
      tally: el("div", { cls: "tcard-tally" }),
      mergedToggle: button("", "tcard-merged-toggle", {
        "aria-expanded": "false",
        "aria-controls": listId,
      }),
      mergedList: el("ul", { cls: "tcard-merged-list", attrs: { id: listId, hidden: true } }),
    };
    refs.main = el(
      "button",
      {
        cls: "tcard-main",
        attrs: { type: "button", "aria-pressed": "false", "aria-describedby": "lanes-help" },
      },
      refs.title,
      refs.text,
      refs.meta,
    );
    refs.merged = el("div", { cls: "tcard-merged" }, refs.mergedToggle, refs.mergedList);
    const li = el("li", { cls: "tcard", attrs: { id: `lane-idea-${id}`, "data-idea": id } }, refs.main, refs.tally, refs.merged);

    refs.main.addEventListener("click", () => {
      if (suppressClick) return;
      toggleSelect(id);
    });
    refs.main.addEventListener("keydown", (event) => onCardKey(event, id));
    refs.main.addEventListener("pointerdown", (event) => onPointerDown(event, id));
    refs.mergedToggle.addEventListener("click", () => {
      const open = refs.mergedList.hidden;
      refs.mergedList.hidden = !open;
      refs.mergedToggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    const card = { li, refs, mergedKey: "", tallyKey: "" };
    cards.set(id, card);
    return card;
  }

  function updateCard(card, idea) {
    const { li, refs } = card;
    li.classList.toggle("is-selected", selected.has(idea.id));
    li.classList.toggle("is-moving", moving.has(idea.id));
    li.classList.toggle("is-pinned", Boolean(idea.pinned));
    refs.main.setAttribute("aria-pressed", selected.has(idea.id) ? "true" : "false");
    refs.title.textContent = idea.title ?? "";
    refs.title.hidden = !idea.title;
    refs.text.textContent = idea.text ?? "";
    const meta = [];
    if (idea.author) meta.push(idea.author);
    if (idea.paper) meta.push(S.paper);
    if (idea.supports) meta.push(plural(S, "supports", idea.supports));
    refs.meta.textContent = meta.join(" · ");
    refs.meta.hidden = meta.length === 0;

    // The ideas merged into this one: "+N fusionnées", texts on demand, "Défaire" for each.
    const merged = Array.isArray(idea.merged) ? idea.merged : [];
    const mergedKey = JSON.stringify(merged);
    if (mergedKey !== card.mergedKey) {
      card.mergedKey = mergedKey;
      refs.mergedToggle.textContent = plural(S, "merged_count", merged.length);
      refs.mergedList.replaceChildren(
        ...merged.map((m) => {
          const text = m.title ? `${m.title} — ${m.text}` : m.text;
          const undo = button(S.unmerge, "btn btn-small tcard-unmerge", {
            "aria-label": format(S.unmerge_label, { text: ideaLabel(m, 80) }),
          });
          undo.addEventListener("click", () => unmerge(m.id, idea.id));
          return el(
            "li",
            {},
            el("span", { cls: "tcard-merged-text", text }),
            m.author ? el("span", { cls: "tcard-merged-author", text: ` — ${m.author}` }) : null,
            undo,
          );
        }),
      );
      if (!merged.length) {
        refs.mergedList.hidden = true;
        refs.mergedToggle.setAttribute("aria-expanded", "false");
      }
    }
    refs.merged.hidden = merged.length === 0;

    // Public suggestions (facilitators only): one button per proposed theme, most voted first.
    const counts = Object.entries(tallies.get(idea.id) ?? {})
      .map(([themeId, n]) => [Number(themeId), n])
      .filter(([themeId, n]) => n > 0 && room.state.themes.has(themeId))
      .sort((a, b) => b[1] - a[1]);
    const tallyKey = JSON.stringify([counts, counts.map(([t]) => room.state.themes.get(t)?.name)]);
    if (tallyKey !== card.tallyKey) {
      card.tallyKey = tallyKey;
      refs.tally.replaceChildren(
        el("span", { cls: "tcard-tally-title", text: S.tally_title }),
        ...counts.map(([themeId, n]) => {
          const theme = room.state.themes.get(themeId);
          const chip = button(format(S.tally_item, { theme: theme.name, n }), `tally-chip ${colorClass(theme.color)}`, {
            "aria-label": plural(S, "tally_move", n, { theme: theme.name }),
          });
          chip.addEventListener("click", () => moveIdeas([idea.id], themeId, { focusId: idea.id }));
          return chip;
        }),
      );
    }
    refs.tally.hidden = counts.length === 0;
  }

  function renderLanes(state) {
    const themes = themesOf(state);
    const groups = new Map([[NONE, []], ...themes.map((t) => [String(t.id), []])]);
    const ideas = visibleIdeas(state);
    for (const idea of ideas) groups.get(laneKey(idea, state)).push(idea);
    keepFocus(() => {
      const sections = [updateLane(lanes.get(NONE) ?? buildLane(NONE), null, 0, groups.get(NONE))];
      themes.forEach((theme, index) => {
        const key = String(theme.id);
        const lane = lanes.get(key) ?? buildLane(key);
        sections.push(updateLane(lane, theme, index < 9 ? index + 1 : null, groups.get(key)));
      });
      reorder(ui.lanes, sections);
    });
    for (const key of [...lanes.keys()]) if (!groups.has(key)) lanes.delete(key);
    const shown = new Set(ideas.map((idea) => idea.id));
    for (const id of [...cards.keys()]) if (!shown.has(id)) cards.delete(id);
    ui.lanes.dataset.lanes = String(themes.length + 1);
    ui.lanes.dataset.wide = themes.length && groups.get(NONE).length > 6 ? "1" : "";
  }

  // --- Selection and keyboard -----------------------------------------------------------------

  function toggleSelect(id) {
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    rerender();
    announce(selected.size ? plural(S, "selected", selected.size) : S.selection_cleared);
  }

  function clearSelection() {
    if (!selected.size) return;
    selected.clear();
    rerender();
    announce(S.selection_cleared);
  }

  function onCardKey(event, id) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (/^[0-9]$/.test(event.key)) {
      const n = Number(event.key);
      const themes = themesOf(room.state);
      if (n > themes.length) return;
      event.preventDefault();
      const ids = selected.has(id) ? [...selected] : [id];
      moveIdeas(ids, n === 0 ? null : themes[n - 1].id, { focusId: id });
    } else if (event.key === "Escape" && selected.size) {
      event.preventDefault();
      event.stopPropagation();
      clearSelection();
    }
  }

  function renderSelbar(state, clustering) {
    for (const id of [...selected]) {
      if (state.ideas.get(id)?.state !== "visible") selected.delete(id);
    }
    const show = clustering && selected.size > 0;
    ui.selbar.hidden = !show;
    if (!show) {
      ui.selNewForm.hidden = true;
      ui.selNew.setAttribute("aria-expanded", "false");
      return;
    }
    ui.selCount.textContent = plural(S, "selected", selected.size);
    const themes = themesOf(state);
    const options = [
      el("option", { text: `0. ${S.unsorted}`, attrs: { value: "" } }),
      ...themes.map((t, i) => el("option", { text: `${i + 1}. ${t.name}`, attrs: { value: String(t.id) } })),
    ];
    const key = JSON.stringify(themes.map((t) => [t.id, t.name]));
    if (ui.selMove.dataset.key !== key) {
      const value = ui.selMove.value;
      ui.selMove.replaceChildren(...options);
      ui.selMove.dataset.key = key;
      if ([...ui.selMove.options].some((o) => o.value === value)) ui.selMove.value = value;
    }
    ui.selMerge.disabled = selected.size < 2;
    const first = state.ideas.get([...selected][0]);
    ui.selMerge.title = first && selected.size >= 2 ? format(S.merge_into, { text: ideaLabel(first, 60) }) : "";
  }

  // --- Pointer drag (mouse, touch, pen) -------------------------------------------------------

  function onPointerDown(event, id) {
    if (drag || !event.isPrimary) return;
    if (event.pointerType === "mouse" && event.button !== 0) return;
    drag = { id, pointerId: event.pointerId, x0: event.clientX, y0: event.clientY, started: false };
  }

  function beginDrag(event) {
    const card = cards.get(drag.id);
    if (!card) {
      drag = null;
      return;
    }
    drag.started = true;
    drag.ids = selected.has(drag.id) ? [...selected] : [drag.id];
    const rect = card.li.getBoundingClientRect();
    drag.offX = drag.x0 - rect.left;
    drag.offY = drag.y0 - rect.top;
    const ghost = card.li.cloneNode(true);
    ghost.removeAttribute("id");
    for (const node of ghost.querySelectorAll("[id]")) node.removeAttribute("id");
    ghost.classList.add("tghost");
    ghost.setAttribute("aria-hidden", "true");
    if (drag.ids.length > 1) ghost.append(el("span", { cls: "tghost-count", text: String(drag.ids.length) }));
    ghost.style.width = `${rect.width}px`; // CSSOM, allowed by the CSP (no style attribute in HTML)
    ghost.style.fontSize = window.getComputedStyle(card.li).fontSize;
    // The ghost takes the lane's colour class so the band keeps its colour outside the lane.
    const lane = card.li.closest(".lane");
    if (lane) for (const cls of lane.classList) if (cls.startsWith("tc-")) ghost.classList.add(cls);
    document.body.append(ghost);
    document.body.classList.add("is-dragging-idea");
    drag.ghost = ghost;
    for (const id of drag.ids) cards.get(id)?.li.classList.add("is-dragged");
    moveGhost(event);
  }

  function moveGhost(event) {
    drag.ghost.style.transform = `translate(${event.clientX - drag.offX}px, ${event.clientY - drag.offY}px)`;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const lane = under?.closest?.(".lane") ?? null;
    if (lane !== drag.target) {
      drag.target?.classList.remove("is-drop-target");
      lane?.classList.add("is-drop-target");
      drag.target = lane;
    }
    // Scroll a long lane when the pointer rests near its top or bottom edge.
    const list = lane?.querySelector(".lane-list");
    if (list) {
      const box = list.getBoundingClientRect();
      if (event.clientY < box.top + 40) list.scrollTop -= 16;
      else if (event.clientY > box.bottom - 40) list.scrollTop += 16;
    }
  }

  function endDrag() {
    if (!drag) return;
    drag.ghost?.remove();
    drag.target?.classList.remove("is-drop-target");
    document.body.classList.remove("is-dragging-idea");
    for (const id of drag.ids ?? []) cards.get(id)?.li.classList.remove("is-dragged");
    drag = null;
  }

  window.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.started) {
      if (Math.hypot(event.clientX - drag.x0, event.clientY - drag.y0) < DRAG_THRESHOLD) return;
      beginDrag(event);
      if (!drag) return;
    }
    event.preventDefault();
    moveGhost(event);
  });
  window.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (!drag.started) {
      drag = null; // a click: the button's click handler selects the card
      return;
    }
    const { target, ids, id } = drag;
    endDrag();
    suppressClick = true; // the click that follows this pointerup is not a selection
    window.setTimeout(() => (suppressClick = false), 0);
    if (target) {
      const key = target.dataset.theme ?? NONE;
      moveIdeas(ids, key === NONE ? null : Number(key), { focusId: id });
    }
  });
  window.addEventListener("pointercancel", (event) => {
    if (drag && event.pointerId === drag.pointerId) endDrag();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag?.started) {
      event.preventDefault();
      endDrag();
    }
  });

  // --- Other phases: a theme tag on each projected card ---------------------------------------

  function renderTags(state, show) {
    for (const idea of state.ideas.values()) {
      const theme = show && idea.state === "visible" ? state.themes.get(idea.theme) : null;
      const card = document.getElementById(`board-idea-${idea.id}`);
      let tag = tags.get(idea.id);
      if (card) {
        for (const cls of [...card.classList]) if (cls.startsWith("tc-")) card.classList.remove(cls);
        if (theme) card.classList.add(colorClass(theme.color));
      }
      if (!theme || !card) {
        tag?.remove();
        tags.delete(idea.id);
        continue;
      }
      if (!tag) {
        tag = el("p", { cls: "bcard-theme" }, el("span", { cls: "lane-swatch", attrs: { "aria-hidden": "true" } }), el("span"));
        tags.set(idea.id, tag);
      }
      tag.className = `bcard-theme ${colorClass(theme.color)}`;
      tag.lastChild.textContent = theme.name;
      if (tag.parentNode !== card) card.prepend(tag);
    }
    for (const id of [...tags.keys()]) {
      if (!state.ideas.has(id)) {
        tags.get(id).remove();
        tags.delete(id);
      }
    }
  }

  // --- Selection bar --------------------------------------------------------------------------

  ui.selMoveGo.addEventListener("click", () => {
    const value = ui.selMove.value;
    moveIdeas([...selected], value === "" ? null : Number(value));
  });
  ui.selMerge.addEventListener("click", () => mergeIdeas([...selected]));
  ui.selClear.addEventListener("click", () => clearSelection());
  ui.selNew.addEventListener("click", () => {
    const open = ui.selNewForm.hidden;
    ui.selNewForm.hidden = !open;
    ui.selNew.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) ui.selNewName.focus();
  });
  ui.selNewForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(ui.selError, null);
    const name = ui.selNewName.value.trim();
    if (!name) {
      setError(ui.selError, { message: S.name_empty });
      ui.selNewName.focus();
      return;
    }
    const ids = [...selected];
    const sources = new Set(ids.map((id) => room.state.ideas.get(id)?.theme ?? null));
    const [source] = [...sources];
    try {
      let ack;
      if (sources.size === 1 && source !== null && room.state.themes.has(source)) {
        // Every selected idea comes from one theme: split it.
        ack = await room.send("theme.split", { theme: source, ideas: ids, name });
      } else {
        const created = await room.send("theme.create", { name });
        ack = await room.send("ideas.assign", {
          assignments: ids.map((idea) => ({ idea, theme: created.data.theme })),
        });
      }
      await room.onScreen(ack.seq);
      selected.clear();
      ui.selNewName.value = "";
      ui.selNewForm.hidden = true;
      announce(format(S.theme_split, { name }));
      rerender();
    } catch (error) {
      setError(ui.selError, error);
    }
  });

  // --- Render ---------------------------------------------------------------------------------

  function render(state) {
    for (const id of [...tallies.keys()]) if (!state.ideas.has(id)) tallies.delete(id);
    const meeting = state.meeting ?? {};
    const waiting = Boolean(meeting.hidden_until_reveal && !meeting.revealed);
    const clustering = meeting.phase === "cluster" && !waiting;
    ui.layout.classList.toggle("is-clustering", clustering);
    ui.lanes.hidden = !clustering;
    if (!clustering && drag) endDrag();
    renderSelbar(state, clustering);
    if (clustering) renderLanes(state);
    renderTags(state, !clustering && !waiting && sortingStarted(meeting));
    panel.render(state);
    help.refresh(state);
  }

  const help = mountThemeHelp(room, { ui, announce });
  const panel = mountThemePanel(room, { ui, announce, keepFocus, rerender });
  room.subscribe(render);
  return { render };
}
