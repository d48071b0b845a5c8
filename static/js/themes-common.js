// Small helpers shared by the board's theme modules (board-themes.js, board-theme-help.js).
// User text only ever goes through textContent.
import { el } from "./live.js";

/** A CSS class setting --tc to the theme colour (a palette name; never put in a style attribute). */
export function colorClass(color) {
  return typeof color === "string" && /^[a-z]+$/.test(color) ? `tc-${color}` : "tc-none";
}

/** "Title — text" of an idea, cut to `max` characters (0: whole). */
export function ideaLabel(idea, max = 0) {
  const text = idea.title ? `${idea.title} — ${idea.text ?? ""}` : String(idea.text ?? "");
  return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** 0.42 → "42" in the page's language. */
export function percent(value) {
  return Math.round((Number(value) || 0) * 100).toLocaleString(document.documentElement.lang || "fr");
}

export function button(label, cls = "btn btn-small", attrs = {}) {
  return el("button", { cls, text: label, attrs: { type: "button", ...attrs } });
}

/** The room's themes in their order. */
export function themesOf(state) {
  return [...state.themes.values()].sort(
    (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id,
  );
}

/** Show an error's message in `node` (null clears it). */
export function setError(node, error) {
  node.textContent = error ? (error.message ?? String(error)) : "";
}
