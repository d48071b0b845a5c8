// The themes part of the facilitator's moderation panel (docs/protocol.md, "Themes and
// clustering"): the list of themes (rename, recolour, change key words, delete), built-in themes
// to add, a typed theme to add, and the switch for the public's theme suggestions. Nothing is
// optimistic: every change is a command and the list follows the room state. User text only
// ever goes through textContent.
import { el, format, plural, readJson, reorder } from "./live.js";
import { button, colorClass, setError, themesOf } from "./themes-common.js";

const S = readJson("themes-strings", {});
const PRESETS = readJson("theme-presets", []); // built-in themes
const COLORS = readJson("theme-colors", []);

function colorLabel(color) {
  return S[`color_${color}`] ?? color;
}

/**
 * Wire the panel of board-themes.js's `ui`; `announce` speaks a result, `keepFocus(fn)` keeps the
 * focus through a DOM move, `rerender()` redraws the board. Returns { render(state) }.
 */
export function mountThemePanel(room, { ui, announce, keepFocus, rerender }) {
  const rows = new Map(); // theme id -> { li, refs, editing, confirming }
  let configuring = false;

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

  buildPresets();
  ui.addColors.replaceChildren(...colorRadios("theme-add-color", "", { auto: true }));
  return { render: renderPanel };
}
