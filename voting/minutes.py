"""The votes in the minutes and in event reports: a section registered with rooms.minutes.

`closed_votes()` is the section's read (closed or published votes with their frozen results);
`votes_section()` and `vote_report()` turn that plain data into blocks, in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from rooms.minutes import (
    Block,
    Heading,
    MinutesContext,
    Paragraph,
    Section,
    Table,
    register_minutes_section,
)

from .enums import BallotState
from .models import Vote


@dataclass
class ChartTable(Table):
    """A table that the HTML and PDF minutes also draw as horizontal stacked bars.

    ``bars`` follows deliberation/exporters.py's chart contract (one dict per bar: ``label``,
    ``note``, ``description``, ``marker``, ``segments``); the other formats show the table.
    """

    bars: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)


# One sentence per method, for readers who were not in the room.
METHOD_SENTENCES = {
    "dots": gettext_lazy(
        "Chaque personne a réparti un nombre limité de gommettes entre les propositions ; "
        "les propositions sont classées par nombre total de gommettes."
    ),
    "approval": gettext_lazy(
        "Chaque personne a approuvé autant de propositions qu'elle le "
        "souhaitait ; la proposition la plus approuvée l'emporte."
    ),
    "majority_judgment": gettext_lazy(
        "Chaque personne a attribué une mention à chaque proposition ; "
        "les propositions sont classées par leur mention majoritaire (la médiane)."
    ),
    "borda": gettext_lazy(
        "Chaque personne a classé les propositions ; chaque rang rapporte des points "
        "(plus pour les premiers) et les points sont additionnés."
    ),
    "schulze": gettext_lazy(
        "Chaque personne a classé les propositions ; la gagnante est celle qui bat "
        "chacune des autres en duel, par la méthode de Condorcet–Schulze."
    ),
    "score": gettext_lazy(
        "Chaque personne a noté chaque proposition ; les propositions sont classées "
        "par la somme des notes."
    ),
    "yes_no": gettext_lazy(
        "Chaque personne a répondu oui, non ou abstention ; la proposition est "
        "adoptée si les oui l'emportent sur les non."
    ),
}


def closed_votes(meeting_id: int) -> list[dict[str, Any]]:
    """Closed or published votes of a meeting with their frozen results, oldest first."""
    votes = (
        Vote.objects.filter(
            meeting_id=meeting_id, state__in=[BallotState.CLOSED, BallotState.PUBLISHED]
        )
        .prefetch_related("options")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": v.pk,
            "title": v.title,
            "method": v.method,
            "method_label": str(v.get_method_display()),
            "settings": v.settings or {},
            "options": {str(o.pk): o.label for o in v.options.all()},
            "results": getattr(v, "cached_results", None) or {},
        }
        for v in votes
    ]


def _yes_no_table(tally: dict[str, Any]) -> Table:
    counts = tally.get("counts") or {}
    outcome = {
        "adopted": pgettext("vote outcome", "adoptée"),
        "rejected": pgettext("vote outcome", "rejetée"),
        "tie": pgettext("vote outcome", "égalité"),
    }.get(tally.get("outcome", ""), "")
    return Table(
        [_("Oui"), _("Non"), _("Abstention"), _("Résultat")],
        [
            [
                str(counts.get("yes", 0)),
                str(counts.get("no", 0)),
                str(counts.get("abstain", 0)),
                outcome,
            ]
        ],
    )


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _explained(item: dict[str, Any]) -> str:
    """A result's or a tie-break's sentence in the active language (French if no English)."""
    english = _english() and item.get("explanation_en")
    return str(english or item.get("explanation_fr") or "")


def _grade_labels(tally: dict[str, Any]) -> list[str]:
    scale = tally.get("scale") or {}
    return list((_english() and scale.get("labels_en")) or scale.get("labels_fr") or [])


def _percent(count: int, total: int) -> str:
    """30 % / 30%: whole percents, one decimal when a non-zero share would round to 0."""
    share = 100 * count / total if total else 0
    digits = 1 if count and round(share) == 0 else 0
    return _("%(value)s %%") % {"value": formats.number_format(round(share, digits), digits)}


def _count_share(count: int, total: int) -> str:
    return _("%(count)s (%(percent)s)") % {"count": count, "percent": _percent(count, total)}


def _merit_chart(vote: dict[str, Any], tally: dict[str, Any]) -> ChartTable | None:
    """Majority judgment: each option's grades, best first, as a stacked bar with the median
    marked, and the same counts and percentages as a table (every number written out)."""
    grades = _grade_labels(tally)
    profiles = tally.get("merit_profiles") or {}
    majority = tally.get("majority_grades") or {}
    labels = vote.get("options") or {}
    if not grades or not profiles:
        return None
    top = max(1, len(grades) - 1)
    rows, bars = [], []
    for place in tally.get("ranking") or []:
        for option in place.get("options", []):
            key = str(option)
            profile = [int(c) for c in profiles.get(key) or []]
            total = sum(profile)
            median = majority.get(key)
            name = labels.get(key, key)
            rows.append([name, *(_count_share(c, total) for c in profile)])
            texts = [
                _("%(grade)s : %(value)s") % {"grade": grades[i], "value": _count_share(c, total)}
                for i, c in enumerate(profile)
                if i < len(grades)
            ]
            majority_text = grades[median] if isinstance(median, int) else "—"
            bars.append(
                {
                    "label": name,
                    "note": _("mention majoritaire : %(grade)s") % {"grade": majority_text},
                    "description": "; ".join([name, *texts]),
                    "marker": (total // 2 + 0.5) / total if total else None,
                    "segments": [
                        {
                            "share": c / total if total else 0,
                            "text": _percent(c, total),
                            "title": texts[i],
                            "tone": i / top,
                            "highlight": i == median,
                        }
                        for i, c in enumerate(profile)
                        if i < len(grades)
                    ],
                }
            )
    legend = [{"text": g, "tone": i / top} for i, g in enumerate(grades)]
    return ChartTable([_("Proposition"), *grades], rows, bars=bars, legend=legend)


def _reason_blocks(tally: dict[str, Any]) -> list[Block]:
    """Why the first option is ahead, then the tie-breaks, without repeating that sentence (a
    tie-break of the first two options only says it again: it is left out)."""
    reason = _explained(tally)
    blocks: list[Block] = [Paragraph(reason)] if reason else []
    for tie in tally.get("tie_breaks") or []:
        text = _explained(tie)
        if reason and reason in text:
            if len(tie.get("options") or ()) <= 2:
                continue
            text = " ".join(text.replace(reason, "").split())
        if text:
            blocks.append(Paragraph(text))
    return blocks


def _how_counted_mj() -> Paragraph:
    return Paragraph(
        _(
            "Comment est-ce compté ? La mention majoritaire d'une proposition est sa mention "
            "médiane : la moitié au moins des personnes qui ont voté lui donnent cette "
            "mention ou mieux "
            "(avec un nombre pair de votes, la moins bonne des deux mentions du milieu). "
            "Deux propositions de même mention majoritaire sont départagées en retirant une "
            "mention majoritaire à chacune, autant de fois qu'il le faut, jusqu'à ce que leurs "
            "mentions majoritaires diffèrent. C'est la « valeur majoritaire » du jugement "
            "majoritaire de Michel Balinski et Rida Laraki."
        ),
        emphasis=True,
    )


def _ranking_rows(vote: dict[str, Any], tally: dict[str, Any]) -> list[list[str]]:
    """Rank, option and its total (its majority grade for majority judgment), best first."""
    labels = vote.get("options") or {}
    grades = _grade_labels(tally)
    rows = []
    for place in tally.get("ranking") or []:
        for option in place.get("options", []):
            key = str(option)
            if vote.get("method") == "majority_judgment":
                index = (tally.get("majority_grades") or {}).get(key)
                value = grades[index] if isinstance(index, int) and index < len(grades) else "—"
            else:
                value = (tally.get("totals") or {}).get(key, "—")
            rows.append([str(place.get("rank", "")), labels.get(key, key), str(value)])
    return rows


def vote_blocks(vote: dict[str, Any]) -> list[Block]:
    """One vote: its title, how the method works, its result table and the number of ballots."""
    blocks: list[Block] = [Heading(vote.get("title") or vote.get("method_label", ""), 3)]
    sentence = str(METHOD_SENTENCES.get(vote.get("method", ""), ""))
    blocks.append(Paragraph(f"{vote.get('method_label', '')} — {sentence}".strip(" —")))
    tally = (vote.get("results") or {}).get("tally") or {}
    if vote.get("method") == "yes_no":
        blocks.append(_yes_no_table(tally))
        return blocks
    judged = vote.get("method") == "majority_judgment"
    rows = _ranking_rows(vote, tally)
    if rows:
        column = _("Mention majoritaire") if judged else _("Total")
        blocks.append(Table([_("Rang"), _("Proposition"), column], rows))
    blocks += _reason_blocks(tally)
    chart = _merit_chart(vote, tally) if judged else None
    if chart is not None:
        blocks.append(
            Paragraph(_("Répartition des mentions, de la meilleure à la moins bonne :"), True)
        )
        blocks.append(chart)
    ballots = tally.get("ballot_count")
    if ballots is not None:
        n = int(ballots)
        blocks.append(Paragraph(ngettext("%(n)s bulletin.", "%(n)s bulletins.", n) % {"n": n}))
    if judged:
        blocks.append(_how_counted_mj())
    return blocks


def vote_report(context: MinutesContext) -> list[Block]:
    """One meeting's votes inside an event report (no heading of their own)."""
    return [block for vote in context.source.get("votes", ()) for block in vote_blocks(vote)]


def votes_section(context: MinutesContext) -> Section:
    """The minutes' "Votes" heading and every closed vote; nothing when no vote was closed."""
    votes = context.source.get("votes") or []
    if not votes:
        return Section()
    return Section([Heading(_("Votes")), *vote_report(context)])


def register_sections() -> None:
    """Called from VotingConfig.ready()."""
    register_minutes_section(
        "votes", order=80, build=votes_section, gather=closed_votes, report=vote_report
    )
