// Themes on the facilitator's board (docs/protocol.md, "Themes and clustering").
//
// - Phase "cluster": the projected area shows one lane per theme plus "Idées non classées".
//   Move ideas with the mouse, a finger or a pen (Pointer Events, not HTML5 drag and drop), or
//   with the keyboard: Enter/Space selects a card, 1–9 moves it (or the selection) to the theme of
//   that number, 0 back to "non classées"; the selection bar has a "Déplacer vers…" menu too.
// - Other phases: each projected card gets a tag with its theme.
// - Moderation panel: create (typed or from presets), rename, recolour, delete themes; the switch
//   for the public's theme suggestions; the machine's help (sort the rest, duplicates, discover)
//   in a dialog where nothing changes without a click.
// Nothing is optimistic: every change is a command and the screen follows the room state
// (idea.changed / theme.changed deltas). User text only ever goes through textContent.
import { el, format, plural, readJson, reorder, sortIdeas } from "./live.js";

const S = readJson("themes-strings", {});
const PRESETS = readJson("theme-presets", []);
const COLORS = readJson("theme-colors", []);
const DRAG_THRESHOLD = 8; // px before a press becomes a drag (a shorter move is a click)
const NONE = ""; // lane key of "Idées non classées"

const $ = (id) => document.getElementById(id);

/** A CSS class setting --tc to the theme colour (a palette name; never put in a style attribute). */
export function colorClass(color) {
  return typeof color === "string" && /^[a-z]+$/.test(color) ? `tc-${color}` : "tc-none";
}

/** Themes show from the clustering phase on: while ideas are collected, the wall stays plain. */
function sortingStarted(meeting) {
  const order = (meeting?.phases ?? []).map((p) => p.value);
  const cluster = order.indexOf("cluster");
  return cluster >= 0 && order.indexOf(meeting.phase) >= cluster;
}

function colorLabel(color) {
  return S[`color_${color}`] ?? color;
}

function ideaLabel(idea, max = 0) {
  const text = idea.title ? `${idea.title} — ${idea.text ?? ""}` : String(idea.text ?? "");
  return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function percent(value) {
  return Math.round((Number(value) || 0) * 100).toLocaleString(document.documentElement.lang || "fr");
}

function button(label, cls = "btn btn-small", attrs = {}) {
  return el("button", { cls, text: label, attrs: { type: "button", ...attrs } });
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
  const tallies = new Map(); // idea id -> {theme id: number of public suggestions}
  const lanes = new Map(); // lane key -> { section, refs }
  const cards = new Map(); // idea id -> { li, refs }
  const tags = new Map(); // idea id -> tag element on the projected card (other phases)
  const rows = new Map(); // theme id -> { li, refs, editing, confirming }
  let configuring = false;
  let drag = null;
  let suppressClick = false;
  let dialog = null; // { kind, opener, refresh(state) }
  let announceTimer = null;

  // --- Helpers --------------------------------------------------------------------------------

  function themesOf(state) {
    return [...state.themes.values()].sort(
      (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id,
    );
  }

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

  function setError(node, error) {
    node.textContent = error ? (error.message ?? String(error)) : "";
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

  // --- Moderation panel: themes ---------------------------------------------------------------

  function colorRadios(name, checked, { auto = false } = {}) {
    const items = [];
    if (auto) {
      const id = `${name}-auto`;
      items.push(
        el(
          "span",
          { cls: "color-choice" },
          el("input", { attrs: { type: "radio", name, id, value: "", checked: checked === "" } }),
          el("label", { attrs: { for: id } }, el("span", { cls: "color-swatch tc-none", attrs: { "aria-hidden": "true" } }), el("span", { text: S.color_auto })),
        ),
      );
    }
    for (const color of COLORS) {
      const id = `${name}-${color}`;
      items.push(
        el(
          "span",
          { cls: "color-choice" },
          el("input", { attrs: { type: "radio", name, id, value: color, checked: checked === color } }),
          el(
            "label",
            { attrs: { for: id } },
            el("span", { cls: `color-swatch ${colorClass(color)}`, attrs: { "aria-hidden": "true" } }),
            el("span", { text: colorLabel(color) }),
          ),
        ),
      );
    }
    return items;
  }

  function buildRow(id) {
    const nameId = `theme-edit-name-${id}`;
    const kwId = `theme-edit-kw-${id}`;
    const refs = {
      swatch: el("span", { cls: "color-swatch", attrs: { "aria-hidden": "true" } }),
      name: el("strong", { cls: "theme-row-name" }),
      count: el("span", { cls: "theme-row-count" }),
      keywords: el("p", { cls: "theme-row-keywords" }),
      edit: button(S.rename, "btn btn-small", { "aria-expanded": "false" }),
      del: button(S.delete, "btn btn-small btn-danger-text"),
      error: el("p", { cls: "card-error", attrs: { role: "alert" } }),
      editName: el("input", { attrs: { type: "text", id: nameId, maxlength: 60, autocomplete: "off" } }),
      editKeywords: el("input", { attrs: { type: "text", id: kwId, maxlength: 300, autocomplete: "off" } }),
      colors: el("div", { cls: "color-grid" }),
      save: el("button", { cls: "btn btn-small btn-primary", text: S.save, attrs: { type: "submit" } }),
      cancel: button(S.cancel, "btn btn-small btn-quiet"),
      confirmText: el("p"),
      confirmYes: button(S.delete_confirm, "btn btn-small btn-danger"),
      confirmNo: button(S.cancel, "btn btn-small btn-quiet"),
    };
    refs.head = el("div", { cls: "theme-row-head" }, refs.swatch, refs.name, refs.count);
    refs.actions = el("div", { cls: "row theme-row-actions" }, refs.edit, refs.del);
    refs.form = el(
      "form",
      { cls: "stack theme-edit", attrs: { hidden: true, novalidate: true } },
      el("div", { cls: "field" }, el("label", { text: S.theme_name, attrs: { for: nameId } }), refs.editName),
      el("div", { cls: "field" }, el("label", { text: S.theme_keywords, attrs: { for: kwId } }), refs.editKeywords),
      el("fieldset", { cls: "color-field" }, el("legend", { text: S.theme_color }), refs.colors),
      el("div", { cls: "row" }, refs.save, refs.cancel),
    );
    refs.confirm = el(
      "div",
      { cls: "confirm", attrs: { hidden: true, role: "group" } },
      refs.confirmText,
      refs.confirmYes,
      refs.confirmNo,
    );
    const row = { li: null, refs, editing: false };
    row.li = el("li", { cls: "theme-row", attrs: { id: `theme-row-${id}` } }, refs.head, refs.keywords, refs.actions, refs.form, refs.confirm, refs.error);

    refs.edit.addEventListener("click", () => {
      const theme = room.state.themes.get(id);
      if (!theme) return;
      row.editing = true;
      refs.editName.value = theme.name;
      refs.editKeywords.value = theme.keywords ?? "";
      refs.colors.replaceChildren(...colorRadios(`theme-color-${id}`, theme.color));
      refs.form.hidden = false;
      refs.actions.hidden = true;
      refs.edit.setAttribute("aria-expanded", "true");
      refs.editName.focus();
    });
    refs.cancel.addEventListener("click", () => closeRow(row, true));
    refs.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      setError(refs.error, null);
      const name = refs.editName.value.trim();
      if (!name) {
        setError(refs.error, { message: S.name_empty });
        refs.editName.focus();
        return;
      }
      const color = refs.form.querySelector(`input[name="theme-color-${id}"]:checked`)?.value;
      refs.save.disabled = true;
      try {
        const ack = await room.send("theme.update", {
          theme: id,
          name,
          keywords: refs.editKeywords.value.trim(),
          ...(color ? { color } : {}),
        });
        await room.onScreen(ack.seq);
        closeRow(row, true);
        announce(format(S.theme_saved, { name }));
      } catch (error) {
        setError(refs.error, error);
      } finally {
        refs.save.disabled = false;
      }
    });
    refs.del.addEventListener("click", () => {
      const theme = room.state.themes.get(id);
      refs.confirmText.textContent = format(S.delete_question, { name: theme?.name ?? "" });
      refs.confirm.setAttribute("aria-label", refs.confirmText.textContent);
      refs.confirm.hidden = false;
      refs.confirmNo.focus();
    });
    refs.confirmNo.addEventListener("click", () => {
      refs.confirm.hidden = true;
      refs.del.focus();
    });
    refs.confirmYes.addEventListener("click", async () => {
      const name = room.state.themes.get(id)?.name ?? "";
      refs.confirmYes.disabled = true;
      try {
        const ack = await room.send("theme.delete", { theme: id });
        await room.onScreen(ack.seq);
        announce(format(S.theme_deleted, { name }));
        ui.toolsTitle.focus();
      } catch (error) {
        setError(refs.error, error);
      } finally {
        refs.confirmYes.disabled = false;
      }
    });
    rows.set(id, row);
    return row;
  }

  function closeRow(row, focus) {
    row.editing = false;
    row.refs.form.hidden = true;
    row.refs.actions.hidden = false;
    row.refs.edit.setAttribute("aria-expanded", "false");
    if (focus) row.refs.edit.focus();
  }

  function renderPanel(state) {
    const themes = themesOf(state);
    const counts = new Map();
    for (const idea of state.ideas.values()) {
      if (idea.state === "visible" && idea.theme !== null && idea.theme !== undefined) {
        counts.set(idea.theme, (counts.get(idea.theme) ?? 0) + 1);
      }
    }
    ui.count.textContent = themes.length ? `(${themes.length})` : "";
    ui.empty.hidden = themes.length > 0;
    const nodes = themes.map((theme) => {
      const row = rows.get(theme.id) ?? buildRow(theme.id);
      const { refs } = row;
      row.li.className = `theme-row ${colorClass(theme.color)}`;
      refs.swatch.className = `color-swatch ${colorClass(theme.color)}`;
      refs.name.textContent = theme.name;
      refs.count.textContent = plural(S, "count", counts.get(theme.id) ?? 0);
      refs.keywords.textContent = theme.keywords ? format(S.keywords_list, { k: theme.keywords }) : "";
      refs.keywords.hidden = !theme.keywords;
      refs.edit.setAttribute("aria-label", format(S.rename_theme, { name: theme.name }));
      refs.del.setAttribute("aria-label", format(S.delete_theme, { name: theme.name }));
      return row.li;
    });
    keepFocus(() => reorder(ui.list, nodes));
    for (const id of [...rows.keys()]) if (!state.themes.has(id)) rows.delete(id);

    const meeting = state.meeting ?? {};
    if (!configuring) ui.optSuggest.checked = Boolean(meeting.allow_theme_suggestions);
    ui.optSuggest.disabled = !room.connected || meeting.phase === "closed";

    // Presets already on the board cannot be added twice.
    const used = new Set(themes.map((t) => t.preset).filter(Boolean));
    for (const input of ui.presetsList.querySelectorAll("input[type=checkbox]")) {
      const isUsed = used.has(input.value);
      input.disabled = isUsed;
      if (isUsed) input.checked = false;
      input.closest(".preset-item").querySelector(".preset-used").hidden = !isUsed;
    }
    const unsorted = [...state.ideas.values()].some(
      (i) => i.state === "visible" && (i.theme === null || i.theme === undefined),
    );
    ui.helpSort.disabled = !themes.length || !unsorted;
    ui.helpSort.title = themes.length ? "" : S.no_themes_yet;
  }

  function buildPresets() {
    ui.presetsList.replaceChildren(
      ...PRESETS.map((preset) => {
        const id = `preset-${preset.slug}`;
        return el(
          "span",
          { cls: "preset-item" },
          el("input", { attrs: { type: "checkbox", id, value: preset.slug } }),
          el(
            "label",
            { attrs: { for: id } },
            el("span", { cls: `color-swatch ${colorClass(preset.color)}`, attrs: { "aria-hidden": "true" } }),
            el("span", { text: preset.label }),
            el("span", { cls: "preset-used", text: ` (${S.preset_used})`, attrs: { hidden: true } }),
          ),
        );
      }),
    );
  }

  ui.presetsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(ui.presetsError, null);
    const chosen = [...ui.presetsList.querySelectorAll("input:checked")].map((i) => i.value);
    if (!chosen.length) {
      setError(ui.presetsError, { message: S.presets_none });
      return;
    }
    let created = 0;
    let last = null;
    try {
      for (const slug of chosen) {
        const preset = PRESETS.find((p) => p.slug === slug);
        last = await room.send("theme.create", { preset: slug, name: preset?.label ?? "" });
        created += 1;
        ui.presetsList.querySelector(`#preset-${CSS.escape(slug)}`).checked = false;
      }
    } catch (error) {
      setError(ui.presetsError, error);
    }
    if (last) await room.onScreen(last.seq);
    if (created) announce(plural(S, "themes_created", created));
  });

  ui.addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError(ui.addError, null);
    const name = ui.addName.value.trim();
    if (!name) {
      setError(ui.addError, { message: S.name_empty });
      ui.addName.focus();
      return;
    }
    const color = ui.addForm.querySelector('input[name="theme-add-color"]:checked')?.value;
    try {
      const ack = await room.send("theme.create", {
        name,
        keywords: ui.addKeywords.value.trim(),
        ...(color ? { color } : {}),
      });
      await room.onScreen(ack.seq);
      ui.addName.value = "";
      ui.addKeywords.value = "";
      const auto = ui.addForm.querySelector("#theme-add-color-auto");
      if (auto) auto.checked = true;
      announce(format(S.theme_created, { name }));
      ui.addName.focus();
    } catch (error) {
      setError(ui.addError, error);
    }
  });

  ui.optSuggest.addEventListener("change", async () => {
    configuring = true;
    try {
      const ack = await room.send("meeting.configure", { allow_theme_suggestions: ui.optSuggest.checked });
      await room.onScreen(ack.seq);
    } catch (error) {
      setError(ui.helpError, error);
    } finally {
      configuring = false;
      rerender();
    }
  });

  ui.openThemes.addEventListener("click", () => {
    if (ui.panel.hidden) ui.togglePanel.click();
    ui.toolsTitle.scrollIntoView({ block: "start" });
    ui.toolsTitle.focus();
  });

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

  // --- The machine helps: dialogs -------------------------------------------------------------

  function openDialog(kind, title, intro, opener) {
    dialog = { kind, opener, refresh: null };
    ui.dialog.className = `themes-dialog dialog-${kind}`;
    ui.dialogTitle.textContent = title;
    ui.dialogIntro.textContent = intro;
    ui.dialogBody.replaceChildren(el("p", { cls: "dialog-working", text: S.working, attrs: { role: "status" } }));
    ui.dialogFoot.replaceChildren();
    ui.dialogOk.textContent = "";
    ui.dialogError.textContent = "";
    if (!ui.dialog.open) ui.dialog.showModal();
    ui.dialogClose.focus();
  }

  function closeDialog() {
    if (ui.dialog.open) ui.dialog.close();
  }

  ui.dialogClose.addEventListener("click", closeDialog);
  ui.dialog.addEventListener("close", () => {
    const opener = dialog?.opener;
    dialog = null;
    opener?.focus();
  });

  async function ask(command) {
    try {
      const ack = await room.send(command, {});
      return ack.data ?? {};
    } catch (error) {
      ui.dialogBody.replaceChildren();
      setError(ui.dialogError, error);
      return null;
    }
  }

  function ideaText(id, max = 0) {
    const idea = room.state.ideas.get(id);
    return idea ? ideaLabel(idea, max) : "";
  }

  function themeOptions(themes, value) {
    const select = el("select");
    select.append(el("option", { text: S.choose_theme, attrs: { value: "" } }));
    for (const theme of themes) select.append(el("option", { text: theme.name, attrs: { value: String(theme.id) } }));
    select.value = value === null || value === undefined ? "" : String(value);
    return select;
  }

  async function showSort() {
    openDialog("sort", S.suggest_title, S.suggest_intro, ui.helpSort);
    const data = await ask("themes.suggest");
    if (!data || dialog?.kind !== "sort") return;
    const state = room.state;
    const themes = themesOf(state);
    const suggestions = (data.suggestions ?? []).filter((s) => {
      const idea = state.ideas.get(s.idea);
      return idea && idea.state === "visible" && (idea.theme ?? null) === null;
    });
    if (!suggestions.length) {
      ui.dialogBody.replaceChildren(el("p", { cls: "empty", text: S.nothing_to_sort }));
      return;
    }
    const groups = new Map(themes.map((t) => [t.id, []]));
    groups.set(null, []);
    for (const s of suggestions) {
      const key = s.theme !== null && groups.has(s.theme) ? s.theme : null;
      groups.get(key).push(s);
    }
    const items = [];
    const columns = [];
    for (const [themeId, list] of groups) {
      if (!list.length) continue;
      const theme = themeId === null ? null : state.themes.get(themeId);
      const ul = el("ul", { cls: "sort-list" });
      for (const s of list) {
        const boxId = `sort-${s.idea}`;
        const selectId = `sort-theme-${s.idea}`;
        const box = el("input", { attrs: { type: "checkbox", id: boxId, checked: themeId !== null } });
        // An uncertain idea gets no preselected theme: "Tout cocher" never accepts a mere guess.
        const select = themeOptions(themes, themeId);
        select.id = selectId;
        const conf = [format(S.confidence, { p: percent(s.confidence) })];
        if (themeId === null && s.best_guess && state.themes.has(s.best_guess)) {
          conf.push(format(S.best_guess, { theme: state.themes.get(s.best_guess).name }));
        }
        select.addEventListener("change", () => {
          box.checked = select.value !== "";
          updateApply();
        });
        box.addEventListener("change", updateApply);
        ul.append(
          el(
            "li",
            { cls: "sort-item" },
            el("div", { cls: "sort-check" }, box, el("label", { text: ideaText(s.idea), attrs: { for: boxId } })),
            el("p", { cls: "sort-conf", text: conf.join(" · ") }),
            el(
              "div",
              { cls: "sort-theme" },
              el("label", { cls: "visually-hidden", text: format(S.proposed_theme_for, { text: ideaText(s.idea, 60) }), attrs: { for: selectId } }),
              select,
            ),
          ),
        );
        items.push({ idea: s.idea, box, select });
      }
      const head = el(
        "h3",
        { cls: "sort-col-title" },
        el("span", { cls: "lane-swatch", attrs: { "aria-hidden": "true" } }),
        el("span", { text: theme ? theme.name : S.uncertain }),
        el("span", { cls: "lane-count", text: ` ${plural(S, "count", list.length)}` }),
      );
      columns.push(el("section", { cls: `sort-col ${theme ? colorClass(theme.color) : "lane-none sort-uncertain"}` }, head, ul));
    }
    ui.dialogBody.replaceChildren(el("div", { cls: "sort-columns" }, ...columns));
    const all = button(S.check_all, "btn");
    const none = button(S.uncheck_all, "btn btn-quiet");
    const apply = button("", "btn btn-primary");
    function accepted() {
      return items.filter((i) => i.box.checked && i.select.value !== "");
    }
    function updateApply() {
      const n = accepted().length;
      apply.textContent = plural(S, "apply", n);
      apply.disabled = n === 0;
    }
    all.addEventListener("click", () => {
      for (const i of items) if (i.select.value !== "") i.box.checked = true;
      updateApply();
    });
    none.addEventListener("click", () => {
      for (const i of items) i.box.checked = false;
      updateApply();
    });
    apply.addEventListener("click", async () => {
      const list = accepted();
      if (!list.length) return;
      apply.disabled = true;
      setError(ui.dialogError, null);
      try {
        const ack = await room.send("ideas.assign", {
          assignments: list.map((i) => ({ idea: i.idea, theme: Number(i.select.value) })),
        });
        await room.onScreen(ack.seq);
        const message = plural(S, "sorted", list.length);
        closeDialog();
        announce(message);
      } catch (error) {
        setError(ui.dialogError, error);
        updateApply();
      }
    });
    updateApply();
    ui.dialogFoot.replaceChildren(all, none, apply);
  }

  async function showDupes() {
    openDialog("dupes", S.dupes_title, S.dupes_intro, ui.helpDupes);
    const data = await ask("ideas.find_duplicates");
    if (!data || dialog?.kind !== "dupes") return;
    const pairs = data.pairs ?? [];
    if (!pairs.length) {
      ui.dialogBody.replaceChildren(el("p", { cls: "empty", text: S.dupes_none }));
      return;
    }
    const rowsList = pairs.map((pair) => {
      const merge = button(S.merge, "btn btn-primary");
      const status = el("p", { cls: "dupe-status", attrs: { role: "status" } });
      const row = { pair, merge, status, done: false };
      row.li = el(
        "li",
        { cls: "dupe" },
        el(
          "div",
          { cls: "dupe-pair" },
          el("p", { cls: "dupe-text", text: ideaText(pair.a) }),
          el("p", { cls: "dupe-text", text: ideaText(pair.b) }),
        ),
        el("div", { cls: "dupe-side" }, el("p", { cls: "dupe-score", text: format(S.similarity, { p: percent(pair.score) }) }), merge, status),
      );
      merge.addEventListener("click", async () => {
        const a = room.state.ideas.get(pair.a);
        const b = room.state.ideas.get(pair.b);
        if (!a || !b) return;
        const [target, other] = (b.supports ?? 0) > (a.supports ?? 0) ? [b, a] : [a, b];
        merge.disabled = true;
        setError(ui.dialogError, null);
        try {
          const ack = await room.send("idea.merge", { target: target.id, ideas: [other.id] });
          await room.onScreen(ack.seq);
          row.done = true;
          announce(S.merged_done);
          refresh(room.state);
        } catch (error) {
          setError(ui.dialogError, error);
          merge.disabled = false;
        }
      });
      return row;
    });
    function refresh(state) {
      for (const row of rowsList) {
        const a = state.ideas.get(row.pair.a);
        const b = state.ideas.get(row.pair.b);
        const here = a?.state === "visible" && b?.state === "visible";
        row.merge.hidden = row.done || !here;
        row.status.textContent = row.done ? S.merged_pair : here ? "" : S.gone;
        row.li.classList.toggle("is-done", row.done || !here);
      }
    }
    refresh(room.state);
    dialog.refresh = refresh;
    ui.dialogBody.replaceChildren(el("ul", { cls: "dupe-list" }, ...rowsList.map((r) => r.li)));
  }

  async function showDiscover() {
    openDialog("discover", S.discover_title, S.discover_intro, ui.helpDiscover);
    const data = await ask("themes.discover");
    if (!data || dialog?.kind !== "discover") return;
    const groups = data.groups ?? [];
    if (!groups.length) {
      ui.dialogBody.replaceChildren(el("p", { cls: "empty", text: S.discover_none }));
      return;
    }
    const nodes = groups.map((group, index) => {
      const nameId = `discover-name-${index}`;
      // A group that matches a built-in theme is named after it; the label is its key words.
      const preset = group.preset ? PRESETS.find((p) => p.slug === group.preset) : null;
      const proposed = preset?.label ?? group.label ?? "";
      const name = el("input", { attrs: { type: "text", id: nameId, maxlength: 60, value: proposed } });
      const create = button(S.create_theme, "btn btn-primary");
      const status = el("p", { cls: "discover-status", attrs: { role: "status" } });
      const ideas = el(
        "ul",
        { cls: "discover-ideas" },
        ...(group.ideas ?? []).filter((id) => room.state.ideas.has(id)).map((id) => el("li", { text: ideaText(id) })),
      );
      const keywords = (group.keywords ?? []).join(", ") || (group.label ?? "");
      create.addEventListener("click", async () => {
        const label = name.value.trim();
        if (!label) {
          setError(ui.dialogError, { message: S.name_empty });
          name.focus();
          return;
        }
        create.disabled = true;
        setError(ui.dialogError, null);
        try {
          const payload = group.preset
            ? { preset: group.preset, ...(label !== proposed ? { name: label } : {}) }
            : { name: label, keywords: keywords.slice(0, 300) };
          const created = await room.send("theme.create", payload);
          let ack = created;
          const todo = (group.ideas ?? []).filter((id) => room.state.ideas.get(id)?.state === "visible");
          if (todo.length) {
            ack = await room.send("ideas.assign", {
              assignments: todo.map((idea) => ({ idea, theme: created.data.theme })),
            });
          }
          await room.onScreen(ack.seq);
          create.hidden = true;
          name.disabled = true;
          status.textContent = S.created;
          announce(format(S.theme_created, { name: label }));
        } catch (error) {
          setError(ui.dialogError, error);
          create.disabled = false;
        }
      });
      return el(
        "li",
        { cls: "discover-group" },
        el("div", { cls: "field" }, el("label", { text: S.theme_name, attrs: { for: nameId } }), name),
        keywords ? el("p", { cls: "discover-keywords", text: format(S.keywords_list, { k: keywords }) }) : null,
        ideas,
        el("div", { cls: "row" }, create, status),
      );
    });
    ui.dialogBody.replaceChildren(el("ul", { cls: "discover-list" }, ...nodes));
    const left = (data.unsorted ?? []).length;
    if (left) ui.dialogFoot.replaceChildren(el("p", { text: plural(S, "discover_unsorted", left) }));
  }

  ui.helpSort.addEventListener("click", showSort);
  ui.helpDupes.addEventListener("click", showDupes);
  ui.helpDiscover.addEventListener("click", showDiscover);

  // --- Render ---------------------------------------------------------------------------------

  function render(state, reason) {
    if (reason?.type === "delta") {
      for (const event of reason.events ?? []) {
        if (event.type === "theme.suggested" && event.data) {
          tallies.set(event.data.idea, event.data.suggestions ?? {});
        }
      }
    }
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
    renderPanel(state);
    dialog?.refresh?.(state);
  }

  buildPresets();
  ui.addColors.replaceChildren(...colorRadios("theme-add-color", "", { auto: true }));
  room.subscribe(render);
  return { render };
}
