// Votes, shared by the board and the phones (docs/protocol.md, "Votes"; docs/voting.md).
//
// - followVotes(room, onVotes): registers the votes collection (room-collections.js: the
//   snapshot's `data.votes` and the `vote.changed` events, merged by id) with the room's store
//   and calls onVotes after every change; the Map is room.state.votes.
// - renderResults(vote, results, S): the result of a vote as plain HTML plus SVG built with
//   createElementNS (sizes are SVG attributes, never style attributes: strict CSP). Every number
//   is also written as text; colours are never the only cue.
// User text (option labels, titles) only ever goes through textContent.
import { el, format, plural } from "./live.js";
import { VOTES, byNewest } from "./room-collections.js";

export { byNewest };

const SVG = "http://www.w3.org/2000/svg";

export function lang() {
  return document.documentElement.lang || "fr";
}

export function english() {
  return lang().toLowerCase().startsWith("en");
}

export function num(value, digits = 1) {
  const n = Number(value) || 0;
  return n.toLocaleString(lang(), { maximumFractionDigits: digits });
}

/** An SVG element with attributes (no style attribute, ever). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function svgTitle(text) {
  const title = document.createElementNS(SVG, "title");
  title.textContent = text;
  return title;
}

/** The sentence of a result or tie-break in the page's language. */
export function explanation(obj) {
  if (!obj) return "";
  return (english() ? obj.explanation_en : obj.explanation_fr) || obj.explanation_fr || "";
}

/** The grade labels of a majority-judgment vote, best first, in the page's language. */
export function gradeLabels(vote, tally = null) {
  const settings = vote?.settings ?? {};
  const scale = tally?.scale ?? {};
  if (english()) return scale.labels_en ?? settings.grades_en ?? scale.labels_fr ?? settings.grades ?? [];
  return scale.labels_fr ?? settings.grades ?? [];
}

/** A colour class for grade `index` of `count` (g0 best … g5 worst), whatever the scale size. */
export function gradeClass(index, count) {
  const bucket = count > 1 ? Math.round((index * 5) / (count - 1)) : 0;
  return `g${bucket}`;
}

/**
 * Keep the live results of an open vote fresh when ballot events stop carrying them (docs/protocol.md,
 * "Votes": above VOTE_LIVE_RESULTS_MAX_BALLOTS, refresh with `vote.results`). Every `every` ms,
 * if an open vote for which `wanted(vote)` is true has had ballots since its last results, send one
 * `vote.results` (never two at once, not while the page is hidden or offline) and merge the answer;
 * then `onResults(vote)`. Nothing is sent while events carry the results or once the vote is closed.
 * Returns a function that stops the polling.
 */
export function pollStaleResults(room, votes, { wanted, every = 3000, onResults = () => {} }) {
  let inFlight = false;
  async function tick() {
    if (inFlight || !room.connected || document.visibilityState === "hidden") return;
    const vote = byNewest(votes).find((v) => v.state === "open" && v.results_stale > 0 && wanted(v));
    if (!vote) return;
    const asked = vote.results_stale;
    inFlight = true;
    try {
      const ack = await room.send("vote.results", { vote: vote.id });
      const current = votes.get(vote.id);
      if (!current || current.state !== "open" || !ack.data || ack.data.id !== vote.id) return;
      // Ballots that arrived meanwhile may be missing from this count: stay stale for them.
      const left = Math.max(0, (current.results_stale ?? 0) - asked);
      votes.set(vote.id, { ...current, results: ack.data.results, results_stale: left });
      onResults(votes.get(vote.id));
    } catch {
      // Results hidden again, vote closed, rate limit…: the next event or tick sorts it out.
    } finally {
      inFlight = false;
    }
  }
  const timer = window.setInterval(tick, every);
  return () => window.clearInterval(timer);
}

/**
 * Follow the room's votes. `onVotes(votes, state, reason)` runs after every change of the state;
 * `votes` is a Map id -> vote (payloads merged as they come), the store's `state.votes`.
 */
export function followVotes(room, onVotes) {
  const votes = room.register(VOTES);
  room.subscribe((state, reason) => onVotes(state.votes, state, reason));
  return votes;
}

export function voteTitle(vote, S) {
  return vote.title || vote.method_label || S.vote || "";
}

/** A one-line description of what the voter has to do. */
export function howTo(vote, S) {
  const s = vote.settings ?? {};
  switch (vote.method) {
    case "dots":
      return s.max_per_option && s.max_per_option < s.max_dots
        ? format(S.how_dots_k, { n: s.max_dots, k: s.max_per_option })
        : format(S.how_dots, { n: s.max_dots ?? 3 });
    case "approval":
      return S.how_approval;
    case "majority_judgment":
      return S.how_mj;
    case "borda":
    case "schulze":
      return S.how_rank;
    case "score":
      return format(S.how_score, { min: s.min_score ?? 0, max: s.max_score ?? 5 });
    case "yes_no":
      return S.how_yes_no;
    default:
      return "";
  }
}

// --- Results ----------------------------------------------------------------------------------

function optionMap(vote) {
  return new Map((vote.options ?? []).map((o) => [String(o.id), o]));
}

/** Rows in ranking order: [{id, option, rank, tied}]. */
function rankedRows(vote, tally) {
  const options = optionMap(vote);
  const rows = [];
  for (const place of tally.ranking ?? []) {
    const ids = place.options ?? [];
    for (const id of ids) {
      const option = options.get(String(id));
      if (option) rows.push({ id: String(id), option, rank: place.rank, tied: ids.length > 1 });
    }
  }
  // Options the ranking does not name (should not happen) go last, unranked.
  for (const [id, option] of options) {
    if (!rows.some((r) => r.id === id)) rows.push({ id, option, rank: null, tied: false });
  }
  return rows;
}

/** A horizontal bar: segments [{value, cls, title}] over `max`; aspect stretched by CSS. */
function bar(segments, max, { label, marker = null } = {}) {
  const width = 1000;
  const node = svg("svg", {
    class: "vr-bar",
    viewBox: `0 0 ${width} 40`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": label,
    focusable: "false",
  });
  node.append(svg("rect", { class: "vr-track", x: 0, y: 0, width, height: 40 }));
  let x = 0;
  for (const seg of segments) {
    const w = max > 0 ? (Math.max(0, Number(seg.value) || 0) / max) * width : 0;
    if (w <= 0) continue;
    node.append(
      svg("rect", { class: `vr-seg ${seg.cls ?? ""}`, x: x.toFixed(2), y: 0, width: w.toFixed(2), height: 40 },
        seg.title ? svgTitle(seg.title) : null),
    );
    x += w;
  }
  if (marker !== null) {
    const mx = (marker * width).toFixed(2);
    node.append(
      svg("line", { class: "vr-median", x1: mx, x2: mx, y1: -2, y2: 42, "vector-effect": "non-scaling-stroke" }),
    );
  }
  return node;
}

function rankCell(row) {
  return el("span", { cls: "vr-rank" }, el("span", { cls: "vr-rank-num", text: row.rank ?? "–" }));
}

function labelCell(row, S) {
  return el(
    "span",
    { cls: "vr-label" },
    el("span", { text: row.option.label }),
    row.tied ? el("span", { cls: "vr-tie", text: S.tie }) : null,
  );
}

/** Whether anybody voted yet (phones, paper ballots or typed-in counts). */
export function hasVotes(results) {
  const s = results?.sources ?? {};
  const counts = (m) => Object.values(m ?? {}).some((n) => Number(n) > 0);
  return Boolean(s.phones || s.paper_ballots || counts(s.paper) || counts(s.hands));
}

function row({ row: r, S, barNode, value, detail = null, extra = null }) {
  return el(
    "li",
    { cls: `vr-row${r.rank === 1 ? " is-first" : ""}`, attrs: { "data-option": r.id } },
    rankCell(r),
    labelCell(r, S),
    barNode,
    el("span", { cls: "vr-value" }, el("strong", { text: value }), detail ? el("span", { cls: "vr-detail", text: detail }) : null),
    extra,
  );
}

/** Paper and show-of-hands parts of an aggregate count, written out. */
function sourcesDetail(id, tally, sources, S) {
  const phones = tally.ballot_totals?.[id] ?? 0;
  const paper = sources?.paper?.[id] ?? 0;
  const hands = sources?.hands?.[id] ?? 0;
  if (!paper && !hands) return null;
  const parts = [format(S.part_phones, { n: num(phones) })];
  if (paper) parts.push(format(S.part_paper, { n: num(paper) }));
  if (hands) parts.push(format(S.part_hands, { n: num(hands) }));
  return parts.join(" · ");
}

function countBars(vote, results, S, unit) {
  const tally = results.tally ?? {};
  const totals = tally.totals ?? {};
  const rows = rankedRows(vote, tally);
  const max = Math.max(1, ...rows.map((r) => Number(totals[r.id]) || 0));
  return el(
    "ol",
    { cls: "vr-rows" },
    ...rows.map((r) => {
      const total = totals[r.id] ?? 0;
      const phones = tally.ballot_totals?.[r.id] ?? total;
      const extra = (Number(total) || 0) - (Number(phones) || 0);
      const label = format(S.label_value, {
        label: r.option.label,
        value: plural(S, unit, Number(total) || 0, { n: num(total) }),
      });
      return row({
        row: r,
        S,
        barNode: bar(
          [
            { value: phones, cls: "vr-phones", title: format(S.part_phones, { n: num(phones) }) },
            { value: extra, cls: "vr-extra", title: format(S.part_extra, { n: num(extra) }) },
          ],
          max,
          { label },
        ),
        value: plural(S, unit, Number(total) || 0, { n: num(total) }),
        detail: sourcesDetail(r.id, tally, results.sources, S),
      });
    }),
  );
}

function bordaBars(vote, results, S) {
  const tally = results.tally ?? {};
  const totals = tally.totals ?? {};
  const rows = rankedRows(vote, tally);
  const max = Math.max(1, ...rows.map((r) => Number(totals[r.id]) || 0));
  return el(
    "ol",
    { cls: "vr-rows" },
    ...rows.map((r) => {
      const value = plural(S, "points", Number(totals[r.id]) || 0, { n: num(totals[r.id]) });
      return row({
        row: r,
        S,
        barNode: bar([{ value: totals[r.id], cls: "vr-phones" }], max, { label: `${r.option.label} : ${value}` }),
        value,
      });
    }),
  );
}

function distribution(dist, min, max, S) {
  const scores = [];
  for (let s = min; s <= max; s += 1) scores.push(s);
  const counts = scores.map((s) => Number(dist?.[String(s)]) || 0);
  const top = Math.max(1, ...counts);
  const colW = 24;
  const text = scores.map((s, i) => `${s} : ${counts[i]}`).join(", ");
  const node = svg("svg", {
    class: "vr-dist",
    viewBox: `0 0 ${scores.length * colW} 52`,
    role: "img",
    "aria-label": format(S.distribution, { list: text }),
    focusable: "false",
  });
  scores.forEach((s, i) => {
    const h = (counts[i] / top) * 30;
    node.append(
      svg("rect", { class: "vr-dist-col", x: i * colW + 3, y: 34 - h, width: colW - 6, height: Math.max(h, 0.5) }, svgTitle(`${s} : ${counts[i]}`)),
    );
    const label = svg("text", { class: "vr-dist-label", x: i * colW + colW / 2, y: 50, "text-anchor": "middle" });
    label.textContent = String(s);
    node.append(label);
  });
  return node;
}

function scoreBars(vote, results, S) {
  const tally = results.tally ?? {};
  const min = tally.min_score ?? vote.settings?.min_score ?? 0;
  const max = tally.max_score ?? vote.settings?.max_score ?? 5;
  const rows = rankedRows(vote, tally);
  return el(
    "ol",
    { cls: "vr-rows vr-rows-score" },
    ...rows.map((r) => {
      const mean = tally.means?.[r.id];
      const value = mean === null || mean === undefined ? "–" : format(S.mean, { m: num(mean, 2), max: num(max) });
      return row({
        row: r,
        S,
        barNode: bar([{ value: (Number(mean) || 0) - min, cls: "vr-phones" }], max - min, {
          label: format(S.label_value, { label: r.option.label, value: `${S.mean_label} ${value}` }),
        }),
        value,
        detail: S.mean_label,
        extra: distribution(tally.distribution?.[r.id], min, max, S),
      });
    }),
  );
}

function mjLegend(grades) {
  return el(
    "ul",
    { cls: "vr-legend" },
    ...grades.map((g, i) =>
      el("li", {}, el("span", { cls: `vr-swatch ${gradeClass(i, grades.length)}`, attrs: { "aria-hidden": "true" } }), el("span", { text: g })),
    ),
  );
}

function mjProfiles(vote, results, S) {
  const tally = results.tally ?? {};
  const grades = gradeLabels(vote, tally);
  const rows = rankedRows(vote, tally);
  const list = el(
    "ol",
    { cls: "vr-rows vr-rows-mj" },
    ...rows.map((r) => {
      const profile = tally.merit_profiles?.[r.id] ?? [];
      const n = profile.reduce((a, b) => a + (Number(b) || 0), 0);
      const majority = tally.majority_grades?.[r.id];
      const grade = grades[majority] ?? "–";
      const parts = profile.map((count, i) => {
        const pct = n ? Math.round((count / n) * 100) : 0;
        return { value: count, cls: gradeClass(i, grades.length), title: `${grades[i] ?? i} : ${count} (${pct} %)` };
      });
      const label = format(S.mj_profile, {
        option: r.option.label,
        grade,
        list: parts.filter((p) => p.value).map((p) => p.title).join(", "),
      });
      return row({
        row: r,
        S,
        // The median line crosses the ballot at position n // 2 (best first): the majority grade
        // (Balinski–Laraki's lower median for an even number of voters).
        barNode: bar(parts, Math.max(1, n), { label, marker: n ? (Math.floor(n / 2) + 0.5) / n : 0.5 }),
        value: grade,
        detail: S.majority_grade,
      });
    }),
  );
  return el("div", { cls: "vr-mj" }, mjLegend(grades), list, el("p", { cls: "vr-note", text: S.median_note }));
}

function schulzeResult(vote, results, S) {
  const tally = results.tally ?? {};
  const rows = rankedRows(vote, tally);
  const ranking = el(
    "ol",
    { cls: "vr-rows vr-rows-rank" },
    ...rows.map((r) =>
      el(
        "li",
        { cls: `vr-row${r.rank === 1 ? " is-first" : ""}`, attrs: { "data-option": r.id } },
        rankCell(r),
        labelCell(r, S),
      ),
    ),
  );
  const pairwise = tally.pairwise ?? {};
  const order = rows.map((r) => r.id);
  const short = new Map(rows.map((r, i) => [r.id, String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : "")]));
  const head = el(
    "tr",
    {},
    el("td", { cls: "vr-corner" }),
    ...order.map((id) => el("th", { text: short.get(id), attrs: { scope: "col", title: optionMap(vote).get(id)?.label ?? "" } })),
  );
  const body = order.map((a) =>
    el(
      "tr",
      {},
      el("th", { attrs: { scope: "row" } }, el("span", { cls: "vr-letter", text: short.get(a) }), " ", el("span", { text: optionMap(vote).get(a)?.label ?? "" })),
      ...order.map((b) => {
        if (a === b) return el("td", { cls: "vr-self", text: "—" });
        const mine = Number(pairwise[a]?.[b]) || 0;
        const theirs = Number(pairwise[b]?.[a]) || 0;
        const cls = mine > theirs ? "is-win" : mine < theirs ? "is-loss" : "is-even";
        return el("td", { cls, text: mine > theirs ? `${mine} ✓` : String(mine) });
      }),
    ),
  );
  const table = el(
    "table",
    { cls: "vr-matrix" },
    el("caption", { text: S.matrix_caption }),
    el("thead", {}, head),
    el("tbody", {}, ...body),
  );
  return el("div", { cls: "vr-schulze" }, ranking, el("div", { cls: "vr-matrix-wrap" }, table));
}

function yesNoResult(vote, results, S) {
  const tally = results.tally ?? {};
  const counts = tally.counts ?? {};
  const pct = tally.percentages ?? {};
  const outcome = tally.outcome ?? "tie";
  const sources = results.sources ?? {};
  const cell = (key) => {
    const p = pct?.[key];
    const extra = [];
    if (sources.paper?.[key]) extra.push(format(S.part_paper, { n: num(sources.paper[key]) }));
    if (sources.hands?.[key]) extra.push(format(S.part_hands, { n: num(sources.hands[key]) }));
    return el(
      "div",
      { cls: `vr-yn vr-yn-${key}` },
      el("span", { cls: "vr-yn-label", text: S[`answer_${key}`] }),
      el("strong", { cls: "vr-yn-pct", text: p === null || p === undefined ? "–" : `${num(p, 0)} %` }),
      el("span", { cls: "vr-yn-count", text: plural(S, "votes", Number(counts[key]) || 0, { n: num(counts[key]) }) }),
      extra.length ? el("span", { cls: "vr-detail", text: extra.join(" · ") }) : null,
    );
  };
  const expressed = (Number(counts.yes) || 0) + (Number(counts.no) || 0);
  return el(
    "div",
    { cls: "vr-yesno" },
    el("p", { cls: `vr-outcome vr-outcome-${outcome}`, text: S[`outcome_${outcome}`] ?? outcome }),
    el("div", { cls: "vr-yn-row" }, cell("yes"), cell("no")),
    bar(
      [
        { value: counts.yes, cls: "vr-yes", title: S.answer_yes },
        { value: counts.no, cls: "vr-no", title: S.answer_no },
      ],
      Math.max(1, expressed),
      { label: `${S.answer_yes} ${num(pct?.yes ?? 0, 0)} %, ${S.answer_no} ${num(pct?.no ?? 0, 0)} %`, marker: 0.5 },
    ),
    el("p", { cls: "vr-abstain", text: plural(S, "abstentions", Number(counts.abstain) || 0, { n: num(counts.abstain) }) }),
  );
}

const RULES = {
  "mj.majority_value": "rule_mj",
  "mj.no_ballots": "rule_none",
};

/**
 * The tie-breaks' sentences, without repeating the result's own: a tie-break of the first two
 * options only says it again (left out); a larger one keeps what it adds (as in the minutes).
 */
function tieNotes(tally, S) {
  const reason = explanation(tally);
  const notes = (tally.tie_breaks ?? []).flatMap((tb) => {
    let text = explanation(tb);
    if (reason && text.includes(reason)) {
      if ((tb.options ?? []).length <= 2) return [];
      text = text.replace(reason, "").replace(/\s+/g, " ").trim();
    }
    if (!text) return [];
    const rule = S[RULES[tb.rule] ?? (String(tb.rule).endsWith("tie_unbroken") ? "rule_unbroken" : "rule_other")] ?? tb.rule;
    return [el("li", {}, el("strong", { text: rule }), " ", el("span", { text }))];
  });
  if (!notes.length) return null;
  return el("div", { cls: "vr-ties" }, el("h4", { text: S.ties_title }), el("ul", {}, ...notes));
}

function sourcesLine(vote, results, S) {
  const sources = results.sources ?? {};
  const parts = [plural(S, "src_phones", Number(sources.phones) || 0, { n: num(sources.phones) })];
  if (sources.paper_ballots) parts.push(plural(S, "src_paper_ballots", sources.paper_ballots, { n: num(sources.paper_ballots) }));
  const sum = (m) => Object.values(m ?? {}).reduce((a, b) => a + (Number(b) || 0), 0);
  if (sources.paper) parts.push(format(S.src_paper_counts, { n: num(sum(sources.paper)) }));
  if (sources.hands) parts.push(format(S.src_hands_counts, { n: num(sum(sources.hands)) }));
  const line = el("p", { cls: "vr-sources", text: parts.join(" · ") });
  if (results.phones_only && sources.paper_ballots) {
    return el(
      "div",
      { cls: "vr-sources-box" },
      line,
      el("p", { cls: "vr-sources", text: format(S.phones_only, { text: explanation(results.phones_only) }) }),
    );
  }
  return line;
}

/** The whole result block of `vote` (results = Results payload). */
export function renderResults(vote, results, S) {
  if (!results || !results.tally) return el("p", { cls: "empty", text: S.no_results });
  const tally = results.tally;
  let chart;
  switch (vote.method) {
    case "dots":
      chart = countBars(vote, results, S, "dots");
      break;
    case "approval":
      chart = countBars(vote, results, S, "approvals");
      break;
    case "score":
      chart = scoreBars(vote, results, S);
      break;
    case "majority_judgment":
      chart = mjProfiles(vote, results, S);
      break;
    case "borda":
      chart = bordaBars(vote, results, S);
      break;
    case "schulze":
      chart = schulzeResult(vote, results, S);
      break;
    case "yes_no":
      chart = yesNoResult(vote, results, S);
      break;
    default:
      chart = el("p", { text: S.no_results });
  }
  return el(
    "div",
    { cls: `vr vr-${vote.method}` },
    el("p", { cls: "vr-reason", text: explanation(tally) }),
    chart,
    tieNotes(tally, S),
    sourcesLine(vote, results, S),
    howCounted(vote, S),
  );
}

/** "Comment est-ce compté ?": the method's name and its authors stay out of the result text. */
function howCounted(vote, S) {
  if (vote.method !== "majority_judgment" || !S.how_mj) return null;
  return el("details", { cls: "vr-how" }, el("summary", { text: S.how_counted }), el("p", { text: S.how_mj }));
}
