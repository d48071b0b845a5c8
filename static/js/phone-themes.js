// Themes on the participant's phone (docs/protocol.md, "Themes and clustering").
//
// - Once the facilitator has put ideas in themes, the list is grouped: one heading per theme (its
//   colour band and its name), then "Autres idées" for the ideas not sorted yet.
// - An idea that absorbed duplicates says so ("+2 idées similaires") and shows their texts on demand.
// - In the "cluster" phase, when the facilitator allows it, a participant can suggest a theme for
//   an idea (idea.suggest_theme).
// phone.js keeps building the cards; place() only decides where they go. User text: textContent.
import { el, plural, readJson, reorder } from "./live.js";

const S = readJson("phone-themes-strings", {});
const OTHERS = "others";

/** Themes show from the clustering phase on: while ideas are collected, the list stays flat. */
function sortingStarted(meeting) {
  const order = (meeting?.phases ?? []).map((p) => p.value);
  const cluster = order.indexOf("cluster");
  return cluster >= 0 && order.indexOf(meeting.phase) >= cluster;
}

function colorClass(color) {
  return typeof color === "string" && /^[a-z]+$/.test(color) ? `tc-${color}` : "tc-none";
}

export function mountPhoneThemes(room, { list }) {
  const box = document.getElementById("idea-groups");
  if (!box) return null;
  const groups = new Map(); // theme id | "others" -> { section, refs }
  const extras = new Map(); // idea id -> { node, refs, mergedKey, themesKey }

  function themesOf(state) {
    return [...state.themes.values()].sort(
      (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id,
    );
  }

  // --- Extras on each card: merged texts and the theme suggestion --------------------------

  function buildExtra(id) {
    const listId = `merged-${id}`;
    const selectId = `suggest-theme-${id}`;
    const refs = {
      mergedToggle: el("button", {
        cls: "btn btn-quiet btn-small merged-toggle",
        attrs: { type: "button", "aria-expanded": "false", "aria-controls": listId },
      }),
      mergedList: el("ul", { cls: "merged-list", attrs: { id: listId, hidden: true } }),
      suggestOpen: el("button", {
        cls: "btn btn-small suggest-open",
        text: S.suggest,
        attrs: { type: "button", "aria-expanded": "false" },
      }),
      select: el("select", { attrs: { id: selectId } }),
      send: el("button", { cls: "btn btn-primary", text: S.send, attrs: { type: "submit" } }),
      cancel: el("button", { cls: "btn btn-quiet", text: S.cancel, attrs: { type: "button" } }),
      status: el("p", { cls: "feedback feedback-ok", attrs: { role: "status" } }),
      error: el("p", { cls: "card-error", attrs: { role: "alert" } }),
    };
    refs.merged = el("div", { cls: "merged" }, refs.mergedToggle, refs.mergedList);
    refs.form = el(
      "form",
      { cls: "suggest-form", attrs: { hidden: true, novalidate: true } },
      el("div", { cls: "field" }, el("label", { text: S.suggest_label, attrs: { for: selectId } }), refs.select),
      refs.send,
      refs.cancel,
    );
    refs.suggest = el("div", { cls: "suggest" }, refs.suggestOpen, refs.form, refs.status, refs.error);
    const node = el("div", { cls: "idea-extra" }, refs.merged, refs.suggest);

    refs.mergedToggle.addEventListener("click", () => {
      const open = refs.mergedList.hidden;
      refs.mergedList.hidden = !open;
      refs.mergedToggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    refs.suggestOpen.addEventListener("click", () => {
      const open = refs.form.hidden;
      refs.form.hidden = !open;
      refs.suggestOpen.setAttribute("aria-expanded", open ? "true" : "false");
      refs.status.textContent = "";
      if (open) refs.select.focus();
    });
    refs.cancel.addEventListener("click", () => {
      refs.form.hidden = true;
      refs.suggestOpen.setAttribute("aria-expanded", "false");
      refs.suggestOpen.focus();
    });
    refs.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      refs.error.textContent = "";
      const theme = Number(refs.select.value);
      if (!theme) return;
      refs.send.disabled = true;
      try {
        await room.send("idea.suggest_theme", { idea: id, theme });
        refs.form.hidden = true;
        refs.suggestOpen.setAttribute("aria-expanded", "false");
        refs.status.textContent = S.thanks;
        refs.suggestOpen.focus();
      } catch (error) {
        refs.error.textContent = error.message ?? String(error);
      } finally {
        refs.send.disabled = false;
      }
    });
    const extra = { node, refs, mergedKey: "", themesKey: "" };
    extras.set(id, extra);
    return extra;
  }

  function updateExtra(extra, idea, state, themes) {
    const { refs } = extra;
    const merged = Array.isArray(idea.merged) ? idea.merged : [];
    const mergedKey = JSON.stringify(merged);
    if (mergedKey !== extra.mergedKey) {
      extra.mergedKey = mergedKey;
      refs.mergedToggle.textContent = plural(S, "merged", merged.length);
      refs.mergedList.replaceChildren(
        ...merged.map((m) =>
          el("li", { text: m.author ? `${m.text} — ${m.author}` : m.text }),
        ),
      );
    }
    refs.merged.hidden = merged.length === 0;

    const meeting = state.meeting ?? {};
    const canSuggest =
      Boolean(meeting.allow_theme_suggestions) &&
      meeting.phase === "cluster" &&
      themes.length > 0 &&
      idea.state === "visible";
    refs.suggest.hidden = !canSuggest;
    if (!canSuggest) {
      refs.form.hidden = true;
      refs.suggestOpen.setAttribute("aria-expanded", "false");
      return;
    }
    const themesKey = JSON.stringify(themes.map((t) => [t.id, t.name]));
    if (themesKey !== extra.themesKey) {
      extra.themesKey = themesKey;
      const value = refs.select.value;
      refs.select.replaceChildren(
        ...themes.map((t) => el("option", { text: t.name, attrs: { value: String(t.id) } })),
      );
      if (themes.some((t) => String(t.id) === value)) refs.select.value = value;
    }
  }

  // --- Groups -------------------------------------------------------------------------------

  function buildGroup(key) {
    const titleId = `group-title-${key}`;
    const refs = {
      swatch: el("span", { cls: "lane-swatch", attrs: { "aria-hidden": "true" } }),
      name: el("span", { cls: "idea-group-name" }),
      count: el("span", { cls: "idea-group-count" }),
      list: el("ul", { cls: "idea-list", attrs: { "aria-labelledby": titleId } }),
    };
    const section = el(
      "section",
      { cls: "idea-group", attrs: { "aria-labelledby": titleId } },
      el("h3", { cls: "idea-group-head", attrs: { id: titleId } }, refs.swatch, refs.name, refs.count),
      refs.list,
    );
    const group = { section, refs };
    groups.set(key, group);
    return group;
  }

  function place(state, ideas, nodes) {
    const themes = themesOf(state);
    ideas.forEach((idea, index) => {
      const extra = extras.get(idea.id) ?? buildExtra(idea.id);
      updateExtra(extra, idea, state, themes);
      if (extra.node.parentNode !== nodes[index]) nodes[index].append(extra.node);
    });
    for (const id of [...extras.keys()]) if (!state.ideas.has(id)) extras.delete(id);

    const inTheme = (idea) =>
      idea.theme !== null && idea.theme !== undefined && state.themes.has(idea.theme);
    const grouped = sortingStarted(state.meeting) && ideas.some(inTheme);
    box.hidden = !grouped;
    list.hidden = grouped;
    if (!grouped) return false;

    const buckets = new Map(themes.map((t) => [t.id, []]));
    buckets.set(OTHERS, []);
    ideas.forEach((idea, index) => buckets.get(inTheme(idea) ? idea.theme : OTHERS).push(nodes[index]));
    const active = document.activeElement;
    const sections = [];
    for (const [key, members] of buckets) {
      if (!members.length) continue;
      const group = groups.get(key) ?? buildGroup(key);
      const theme = key === OTHERS ? null : state.themes.get(key);
      group.section.className = `idea-group ${theme ? colorClass(theme.color) : "tc-none"}`;
      group.refs.name.textContent = theme ? theme.name : S.others;
      group.refs.count.textContent = plural(S, "ideas", members.length);
      reorder(group.refs.list, members);
      sections.push(group.section);
    }
    reorder(box, sections);
    for (const key of [...groups.keys()]) if (!buckets.has(key)) groups.delete(key);
    if (active && active !== document.body && active.isConnected && document.activeElement !== active) {
      active.focus({ preventScroll: true });
    }
    return true;
  }

  return { place };
}
