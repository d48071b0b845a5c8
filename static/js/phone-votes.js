// Votes on a phone (docs/protocol.md, "Votes"): a touch-friendly ballot for each method, cast
// with ballot.cast and revisable until the close; "counted" only after the ack (sent after the
// commit); the server's errors in an alert region; "Vote clos", then the results once revealed.
//
// - dots: big − / + buttons per option and a counter of the dots left;
// - approval: big toggle buttons (aria-pressed);
// - majority judgment and score: one radio group of big buttons per option;
// - borda / schulze: tap the options in order of preference; move up / down / remove buttons;
// - yes / no / abstain: three big radio buttons.
// A vote for registered participants only says so to the others (no ballot form) and tells them
// how to register (a personal link). Live results above the server's per-ballot limit are
// refreshed with `vote.results` while shown (votes-common.js, pollStaleResults).
// User text only ever goes through textContent.
import { el, format, plural, readJson } from "./live.js";
import { byNewest, followVotes, gradeClass, gradeLabels, hasVotes, howTo, pollStaleResults, renderResults, voteTitle } from "./votes-common.js";

const S = readJson("votes-strings", {});
const $ = (id) => document.getElementById(id);
const MAPPING = new Set(["dots", "majority_judgment", "score"]);
const RANKED = new Set(["borda", "schulze"]);

function clone(value) {
  return value === null || value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function emptyBallot(method) {
  if (MAPPING.has(method)) return {};
  if (method === "yes_no") return null;
  return [];
}

/** A ballot from the server (string keys, int lists) in the shape this page edits. */
function normalise(method, ballot) {
  if (ballot === null || ballot === undefined) return emptyBallot(method);
  if (MAPPING.has(method)) {
    const out = {};
    for (const [k, v] of Object.entries(ballot)) out[String(k)] = Number(v);
    return out;
  }
  if (method === "yes_no") return typeof ballot === "string" ? ballot : null;
  return Array.isArray(ballot) ? ballot.map(Number) : [];
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function mountPhoneVotes(room) {
  const ui = {
    card: $("vote-card"),
    kicker: $("vote-kicker"),
    title: $("vote-card-title"),
    how: $("vote-how"),
    notice: $("vote-notice"),
    form: $("ballot-form"),
    body: $("ballot-body"),
    hint: $("ballot-hint"),
    status: $("ballot-status"),
    submit: $("ballot-submit"),
    error: $("ballot-error"),
    results: $("vote-results"),
    resultsTitle: $("vote-results-title"),
    resultsBody: $("vote-results-body"),
  };
  if (!ui.card || !ui.form) return null;

  let votes = new Map();
  const drafts = new Map(); // vote id -> ballot being edited
  const dirty = new Set(); // vote ids edited since the last counted ballot
  const counted = new Map(); // vote id -> ballot as counted (from the ack or my_ballot)
  let sending = null; // vote id with a ballot in flight
  let built = null; // { key, vote, update() }
  let lastResultsKey = "";
  let lastCurrentId = null;
  const askedMayVote = new Set(); // registered-only votes whose may_vote was asked (snapshot.get)

  function phase() {
    return room.state.meeting?.phase ?? "";
  }

  function currentVote() {
    const list = byNewest(votes);
    const open = list.find((v) => v.state === "open");
    if (open) return open;
    if (["vote", "results"].includes(phase())) return list.find((v) => v.state !== "draft") ?? null;
    return null;
  }

  function labelOf(vote, id) {
    return (vote.options ?? []).find((o) => String(o.id) === String(id))?.label ?? String(id);
  }

  function draftOf(vote) {
    if (!drafts.has(vote.id)) drafts.set(vote.id, normalise(vote.method, counted.get(vote.id) ?? null));
    return drafts.get(vote.id);
  }

  function edit(vote, next) {
    drafts.set(vote.id, next);
    if (counted.has(vote.id) && same(normalise(vote.method, counted.get(vote.id)), next)) dirty.delete(vote.id);
    else dirty.add(vote.id);
    ui.error.textContent = "";
    built?.update();
    renderStatus(vote);
  }

  // --- Ballots, one builder per method ------------------------------------------------------

  function buildDots(vote) {
    const max = vote.settings?.max_dots ?? 3;
    const perOption = vote.settings?.max_per_option ?? max;
    const remaining = el("p", { cls: "bd-remaining", attrs: { "aria-live": "polite", "aria-atomic": "true" } });
    const rows = (vote.options ?? []).map((o) => {
      const key = String(o.id);
      const minus = el("button", { cls: "btn bd-btn", text: "−", attrs: { type: "button", "aria-label": format(S.dot_remove, { option: o.label }) } });
      const plus = el("button", { cls: "btn bd-btn bd-plus", text: "+", attrs: { type: "button", "aria-label": format(S.dot_add, { option: o.label }) } });
      const countNum = el("span", { attrs: { "aria-hidden": "true" } });
      const countSr = el("span", { cls: "visually-hidden" });
      const count = el("span", { cls: "bd-count" }, countNum, countSr);
      const dots = el("span", { cls: "bd-dots", attrs: { "aria-hidden": "true" } });
      const change = (delta) => {
        const ballot = { ...draftOf(vote) };
        const used = Object.values(ballot).reduce((a, b) => a + b, 0);
        const now = ballot[key] ?? 0;
        const next = now + delta;
        if (next < 0 || next > perOption || (delta > 0 && used >= max)) return;
        if (next) ballot[key] = next;
        else delete ballot[key];
        edit(vote, ballot);
      };
      minus.addEventListener("click", () => change(-1));
      plus.addEventListener("click", () => change(1));
      const li = el(
        "li",
        { cls: "bd-row" },
        el("span", { cls: "bd-label", text: o.label }),
        el("span", { cls: "bd-ctrl" }, minus, count, plus),
        dots,
      );
      return { key, li, minus, plus, countNum, countSr, dots, label: o.label };
    });
    const list = el("ul", { cls: "ballot-list bd-list" }, ...rows.map((r) => r.li));
    ui.body.replaceChildren(remaining, list);
    return () => {
      const ballot = draftOf(vote);
      const used = Object.values(ballot).reduce((a, b) => a + b, 0);
      const left = Math.max(0, max - used);
      remaining.textContent = plural(S, "dots_left", left, { max });
      remaining.classList.toggle("is-zero", left === 0);
      for (const r of rows) {
        const n = ballot[r.key] ?? 0;
        r.countNum.textContent = String(n);
        r.countSr.textContent = plural(S, "dots_on", n, { n, option: r.label });
        r.dots.textContent = "●".repeat(n);
        r.minus.disabled = n === 0;
        r.plus.disabled = left === 0 || n >= perOption;
        r.li.classList.toggle("has-dots", n > 0);
      }
    };
  }

  function buildApproval(vote) {
    const rows = (vote.options ?? []).map((o) => {
      const id = Number(o.id);
      const b = el(
        "button",
        { cls: "btn ballot-toggle", attrs: { type: "button", "aria-pressed": "false" } },
        el("span", { cls: "bt-box", attrs: { "aria-hidden": "true" } }),
        el("span", { cls: "bt-label", text: o.label }),
      );
      b.addEventListener("click", () => {
        const ballot = [...draftOf(vote)];
        const at = ballot.indexOf(id);
        if (at >= 0) ballot.splice(at, 1);
        else ballot.push(id);
        const order = (vote.options ?? []).map((x) => Number(x.id));
        edit(vote, ballot.sort((x, y) => order.indexOf(x) - order.indexOf(y)));
      });
      return { id, b };
    });
    ui.body.replaceChildren(el("ul", { cls: "ballot-list ba-list" }, ...rows.map((r) => el("li", {}, r.b))));
    return () => {
      const ballot = draftOf(vote);
      for (const r of rows) r.b.setAttribute("aria-pressed", ballot.includes(r.id) ? "true" : "false");
    };
  }

  /** One radio group per option: values [{value, text, cls}]. */
  function buildGrid(vote, values, cls) {
    const groups = (vote.options ?? []).map((o) => {
      const key = String(o.id);
      const name = `bal-${vote.id}-${key}`;
      const inputs = values.map((v) => {
        const input = el("input", { cls: "choice-input", attrs: { type: "radio", name, value: v.value } });
        input.addEventListener("change", () => {
          if (input.checked) edit(vote, { ...draftOf(vote), [key]: Number(v.value) });
        });
        return { input, label: el("label", { cls: `choice ${v.cls ?? ""}` }, input, el("span", { cls: "choice-face", text: v.text })) };
      });
      const clear = el("button", { cls: "btn btn-small btn-quiet choice-clear", text: S.clear, attrs: { type: "button", "aria-label": format(S.clear_label, { option: o.label }) } });
      clear.addEventListener("click", () => {
        const ballot = { ...draftOf(vote) };
        delete ballot[key];
        edit(vote, ballot);
      });
      const fieldset = el(
        "fieldset",
        { cls: `ballot-group ${cls}` },
        el("legend", { text: o.label }),
        el("div", { cls: "choice-row" }, ...inputs.map((i) => i.label)),
        clear,
      );
      return { key, inputs, clear, fieldset };
    });
    ui.body.replaceChildren(...groups.map((g) => g.fieldset));
    return () => {
      const ballot = draftOf(vote);
      for (const g of groups) {
        const value = ballot[g.key];
        for (const { input } of g.inputs) input.checked = value !== undefined && Number(input.value) === value;
        g.clear.hidden = value === undefined;
      }
    };
  }

  function buildMj(vote) {
    const grades = gradeLabels(vote);
    return buildGrid(vote, grades.map((g, i) => ({ value: i, text: g, cls: gradeClass(i, grades.length) })), "bj-group");
  }

  function buildScore(vote) {
    const low = vote.settings?.min_score ?? 0;
    const high = vote.settings?.max_score ?? 5;
    const values = [];
    for (let v = low; v <= high; v += 1) values.push({ value: v, text: String(v) });
    return buildGrid(vote, values, "bs-group");
  }

  function buildRank(vote) {
    const rankedList = el("ol", { cls: "ballot-list br-ranked" });
    const poolList = el("ul", { cls: "ballot-list br-pool" });
    const rankedEmpty = el("p", { cls: "empty", text: S.rank_empty });
    const poolTitle = el("h3", { cls: "br-title", text: S.rank_pool });
    ui.body.replaceChildren(el("h3", { cls: "br-title", text: S.rank_mine }), rankedEmpty, rankedList, poolTitle, poolList);
    const order = (vote.options ?? []).map((o) => Number(o.id));
    let focusNext = null; // [kind, id] to focus after a rebuild of the lists

    function move(id, delta) {
      const ballot = [...draftOf(vote)];
      const at = ballot.indexOf(id);
      const to = at + delta;
      if (at < 0 || to < 0 || to >= ballot.length) return;
      [ballot[at], ballot[to]] = [ballot[to], ballot[at]];
      focusNext = [delta < 0 ? "up" : "down", id];
      edit(vote, ballot);
    }

    return () => {
      const ballot = draftOf(vote);
      const hadFocus = ui.body.contains(document.activeElement);
      const focusTargets = new Map();
      rankedList.replaceChildren(
        ...ballot.map((id, i) => {
          const label = labelOf(vote, id);
          const up = el("button", { cls: "btn br-btn", text: "↑", attrs: { type: "button", "aria-label": format(S.rank_up, { option: label }) } });
          const down = el("button", { cls: "btn br-btn", text: "↓", attrs: { type: "button", "aria-label": format(S.rank_down, { option: label }) } });
          const remove = el("button", { cls: "btn br-btn", text: "✕", attrs: { type: "button", "aria-label": format(S.rank_remove, { option: label }) } });
          up.disabled = i === 0;
          down.disabled = i === ballot.length - 1;
          up.addEventListener("click", () => move(id, -1));
          down.addEventListener("click", () => move(id, 1));
          remove.addEventListener("click", () => {
            focusNext = ["pool", id];
            edit(vote, ballot.filter((x) => x !== id));
          });
          focusTargets.set(`up:${id}`, up.disabled ? down : up);
          focusTargets.set(`down:${id}`, down.disabled ? up : down);
          focusTargets.set(`ranked:${id}`, remove);
          return el(
            "li",
            { cls: "br-item" },
            el("span", { cls: "br-rank", text: String(i + 1), attrs: { "aria-hidden": "true" } }),
            el("span", { cls: "br-label", text: label }),
            el("span", { cls: "br-ctrl" }, up, down, remove),
          );
        }),
      );
      rankedEmpty.hidden = ballot.length > 0;
      const pool = order.filter((id) => !ballot.includes(id));
      poolList.replaceChildren(
        ...pool.map((id) => {
          const label = labelOf(vote, id);
          const add = el(
            "button",
            { cls: "btn br-add", attrs: { type: "button" } },
            el("span", { cls: "br-add-rank", text: format(S.rank_next, { n: ballot.length + 1 }) }),
            el("span", { cls: "br-label", text: label }),
          );
          add.addEventListener("click", () => {
            focusNext = ["ranked", id];
            edit(vote, [...draftOf(vote), id]);
          });
          focusTargets.set(`pool:${id}`, add);
          return el("li", {}, add);
        }),
      );
      poolTitle.hidden = pool.length === 0;
      if (focusNext && hadFocus) {
        const [kind, id] = focusNext;
        let target = focusTargets.get(`${kind}:${id}`);
        if (!target && kind === "ranked") target = poolList.querySelector("button") ?? focusTargets.get(`ranked:${id}`);
        if (!target && kind === "pool") target = focusTargets.get(`pool:${id}`);
        (target ?? ui.title).focus();
      }
      focusNext = null;
    };
  }

  function buildYesNo(vote) {
    const name = `bal-${vote.id}-yn`;
    const inputs = ["yes", "no", "abstain"].map((value) => {
      const input = el("input", { cls: "choice-input", attrs: { type: "radio", name, value } });
      input.addEventListener("change", () => {
        if (input.checked) edit(vote, value);
      });
      return { input, label: el("label", { cls: `choice choice-${value}` }, input, el("span", { cls: "choice-face", text: S[`answer_${value}`] })) };
    });
    ui.body.replaceChildren(
      el("fieldset", { cls: "ballot-group byn-group" }, el("legend", { cls: "visually-hidden", text: voteTitle(vote, S) }), el("div", { cls: "choice-row" }, ...inputs.map((i) => i.label))),
    );
    return () => {
      const ballot = draftOf(vote);
      for (const { input } of inputs) input.checked = input.value === ballot;
    };
  }

  function buildBallot(vote) {
    const builders = {
      dots: buildDots,
      approval: buildApproval,
      majority_judgment: buildMj,
      score: buildScore,
      borda: buildRank,
      schulze: buildRank,
      yes_no: buildYesNo,
    };
    const update = (builders[vote.method] ?? (() => () => {}))(vote);
    ui.body.dataset.method = vote.method;
    return update;
  }

  // --- What was counted, in words -------------------------------------------------------------

  function summary(vote, ballot) {
    const b = normalise(vote.method, ballot);
    switch (vote.method) {
      case "dots": {
        const parts = Object.entries(b).filter(([, n]) => n > 0).map(([k, n]) => `${labelOf(vote, k)} : ${n}`);
        return parts.length ? parts.join(" · ") : S.summary_none;
      }
      case "approval":
        return b.length ? b.map((id) => labelOf(vote, id)).join(" · ") : S.summary_none;
      case "majority_judgment": {
        const grades = gradeLabels(vote);
        const parts = Object.entries(b).map(([k, g]) => `${labelOf(vote, k)} : ${grades[g] ?? g}`);
        return parts.length ? parts.join(" · ") : S.summary_none;
      }
      case "score": {
        const parts = Object.entries(b).map(([k, s]) => `${labelOf(vote, k)} : ${s}`);
        return parts.length ? parts.join(" · ") : S.summary_none;
      }
      case "borda":
      case "schulze":
        return b.length ? b.map((id, i) => `${i + 1}. ${labelOf(vote, id)}`).join(" · ") : S.summary_none;
      case "yes_no":
        return b ? S[`answer_${b}`] : S.summary_none;
      default:
        return "";
    }
  }

  function hint(vote) {
    const b = draftOf(vote);
    const n = (vote.options ?? []).length;
    if (vote.method === "majority_judgment") {
      const missing = n - Object.keys(b).length;
      const grades = gradeLabels(vote);
      return missing > 0 ? plural(S, "mj_missing", missing, { n: missing, grade: grades[grades.length - 1] ?? "" }) : "";
    }
    if (vote.method === "score") {
      const missing = n - Object.keys(b).length;
      return missing > 0 ? plural(S, "score_missing", missing, { n: missing, min: vote.settings?.min_score ?? 0 }) : "";
    }
    if (RANKED.has(vote.method) && b.length && b.length < n) return S.rank_partial;
    return "";
  }

  // --- Render ---------------------------------------------------------------------------------

  function renderStatus(vote) {
    const isCounted = counted.has(vote.id) && counted.get(vote.id) !== null;
    const edited = dirty.has(vote.id);
    const open = vote.state === "open";
    let text = "";
    let cls = "";
    if (sending === vote.id) text = room.connected ? S.sending : S.queued;
    else if (isCounted && !edited) {
      text = open ? S.counted : S.counted_final;
      cls = "is-counted";
    } else if (isCounted && edited && open) {
      text = S.not_sent;
      cls = "is-pending";
    }
    if (ui.status.textContent !== text) ui.status.textContent = text;
    ui.status.className = `ballot-status ${cls}`;
    ui.status.hidden = !text;
    const summaryNode = $("ballot-summary");
    const shownSummary = isCounted && !edited ? format(S.summary, { text: summary(vote, counted.get(vote.id)) }) : "";
    summaryNode.textContent = shownSummary;
    summaryNode.hidden = !shownSummary;
    ui.hint.textContent = open ? hint(vote) : "";
    ui.hint.hidden = !ui.hint.textContent;
    const votable = open && phase() === "vote" && vote.may_vote !== false;
    ui.submit.disabled = !votable || sending === vote.id || (isCounted && !edited);
    ui.submit.textContent = isCounted ? S.submit_update : S.submit;
  }

  function render() {
    const vote = currentVote();
    ui.card.hidden = !vote;
    if (!vote) {
      built = null;
      lastCurrentId = null;
      return;
    }
    // Follow the server's idea of my ballot unless I am editing it.
    if ("my_ballot" in vote) {
      const mine = vote.my_ballot;
      const before = counted.get(vote.id);
      if (!same(before ?? null, mine ?? null)) {
        if (mine === null) counted.delete(vote.id);
        else counted.set(vote.id, mine);
        if (!dirty.has(vote.id) && sending !== vote.id) drafts.set(vote.id, normalise(vote.method, mine));
      }
    }
    const open = vote.state === "open";
    if (open && vote.registered_only && !("may_vote" in vote) && !askedMayVote.has(vote.id)) {
      // A vote that arrived by an event does not say whether this phone may vote: ask.
      askedMayVote.add(vote.id);
      room.refresh();
    }
    const shown =
      Boolean(vote.results) && (vote.revealed || vote.state === "published") && (!open || hasVotes(vote.results));
    ui.card.dataset.state = vote.state;
    ui.kicker.textContent = vote.title ? `${vote.method_label} · ${vote.state_label}` : vote.state_label;
    ui.title.textContent = voteTitle(vote, S);
    ui.how.textContent = open ? howTo(vote, S) : "";
    ui.how.hidden = !open;

    let notice = "";
    if (!open) notice = shown ? S.closed_results : S.closed_wait;
    else if (vote.may_vote === false) notice = `${S.registration_required} ${S.registration_help}`;
    else if (phase() !== "vote") notice = S.paused;
    ui.notice.textContent = notice;
    ui.notice.hidden = !notice;
    ui.notice.classList.toggle("vote-closed", !open);

    const showForm = open && vote.may_vote !== false;
    ui.form.hidden = !showForm;
    const key = `${vote.id}:${vote.method}:${JSON.stringify(vote.options)}:${JSON.stringify(vote.settings)}:${document.documentElement.lang}`;
    if (showForm) {
      if (!built || built.key !== key) {
        const update = buildBallot(vote);
        built = { key, update };
      }
      built.update();
    } else {
      built = null;
      ui.body.replaceChildren();
    }
    renderStatus(vote);
    if (!open && counted.has(vote.id)) {
      // After the close: keep saying the ballot was counted.
      ui.notice.textContent = `${notice} ${S.counted_final}`.trim();
    }

    const resultsKey = shown ? `${vote.id}:${document.documentElement.lang}:${JSON.stringify(vote.results)}` : "";
    if (resultsKey !== lastResultsKey) {
      lastResultsKey = resultsKey;
      ui.resultsBody.replaceChildren(shown ? renderResults(vote, vote.results, S) : "");
    }
    ui.results.hidden = !shown;
    if (lastCurrentId !== vote.id && lastCurrentId !== null && open) {
      // A new vote opened while the page was open: say so once.
      const announce = $("ideas-announce");
      if (announce) announce.textContent = format(S.new_vote, { title: voteTitle(vote, S) });
      const box = ui.card.getBoundingClientRect();
      if (box.top < 0 || box.top > window.innerHeight) ui.card.scrollIntoView({ block: "start" });
    }
    lastCurrentId = vote.id;
  }

  ui.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const vote = currentVote();
    if (!vote || vote.state !== "open" || sending === vote.id) return;
    const ballot = draftOf(vote);
    if (vote.method === "yes_no" && !ballot) {
      ui.error.textContent = S.need_answer;
      return;
    }
    ui.error.textContent = "";
    sending = vote.id;
    const sent = clone(ballot);
    renderStatus(vote);
    try {
      const ack = await room.send("ballot.cast", { vote: vote.id, ballot: sent });
      counted.set(vote.id, ack.data.ballot);
      if (same(normalise(vote.method, drafts.get(vote.id)), normalise(vote.method, sent))) {
        dirty.delete(vote.id);
        drafts.set(vote.id, normalise(vote.method, ack.data.ballot));
      }
    } catch (error) {
      ui.error.textContent = error.message ?? String(error);
      if (error.code === "vote.registration_required" && votes.has(vote.id)) {
        votes.set(vote.id, { ...votes.get(vote.id), may_vote: false });
      }
    } finally {
      sending = null;
      render();
      if (ui.error.textContent) ui.error.focus?.();
    }
  });

  votes = followVotes(room, () => render());
  // Revealed live results above the per-ballot limit: refresh them now and then (jittered, so
  // that a room of phones does not ask at the same instant; the server shares one count).
  pollStaleResults(room, votes, {
    wanted: (vote) => Boolean(vote.revealed),
    every: 8000 + Math.round(Math.random() * 4000),
    onResults: () => render(),
  });
  return { render, votes };
}
