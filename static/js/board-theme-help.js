// The machine's help on the facilitator's board (docs/protocol.md, "Themes and clustering",
// read-only commands): sort the ideas not in a theme (themes.suggest), find duplicates
// (ideas.find_duplicates), discover themes (themes.discover). Each opens a dialog where nothing
// changes without a click; the changes are ordinary commands and the screen follows the room
// state. User text only ever goes through textContent.
import { el, format, plural, readJson } from "./live.js";
import { button, colorClass, ideaLabel, percent, setError, themesOf } from "./themes-common.js";

const S = readJson("themes-strings", {});
const PRESETS = readJson("theme-presets", []);

/**
 * Wire the three help buttons and the dialog of board-themes.js's `ui`; `announce` speaks a
 * result. Returns { refresh(state) }, to call after every change of the room state.
 */
export function mountThemeHelp(room, { ui, announce }) {
  let dialog = null; // { kind, opener, refresh(state) }

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

  return {
    refresh(state) {
      dialog?.refresh?.(state);
    },
  };
}
