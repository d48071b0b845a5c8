"""The votes in the minutes and in event reports: a section registered with rooms.minutes.

`closed_votes()` is the section's read (closed or published votes with their frozen results);
`votes_section()` and `vote_report()` turn that plain data into blocks, in the active language.
"""

from __future__ import annotations

from typing import Any

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

# One sentence per method, for readers who were not in the room.
METHOD_SENTENCES = {
    "dots": gettext_lazy(
        "Chaque participant·e a réparti un nombre limité de gommettes entre les propositions ; "
        "les propositions sont classées par nombre total de gommettes."
    ),
    "approval": gettext_lazy(
        "Chaque participant·e a approuvé autant de propositions qu'il ou elle le "
        "souhaitait ; la proposition la plus approuvée l'emporte."
    ),
    "majority_judgment": gettext_lazy(
        "Chaque participant·e a attribué une mention à chaque proposition ; "
        "les propositions sont classées par leur mention majoritaire (la médiane)."
    ),
    "borda": gettext_lazy(
        "Chaque participant·e a classé les propositions ; chaque rang rapporte des points "
        "(plus pour les premiers) et les points sont additionnés."
    ),
    "schulze": gettext_lazy(
        "Chaque participant·e a classé les propositions ; la gagnante est celle qui bat "
        "chacune des autres en duel, par la méthode de Condorcet–Schulze."
    ),
    "score": gettext_lazy(
        "Chaque participant·e a noté chaque proposition ; les propositions sont classées "
        "par la somme des notes."
    ),
    "yes_no": gettext_lazy(
        "Chaque participant·e a répondu oui, non ou abstention ; la proposition est "
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


def _ranking_rows(vote: dict[str, Any], tally: dict[str, Any]) -> list[list[str]]:
    """Rank, option and its total (its majority grade for majority judgment), best first."""
    labels = vote.get("options") or {}
    scale = tally.get("scale") or {}
    english = (get_language() or "").startswith("en")
    grades = (english and scale.get("labels_en")) or scale.get("labels_fr") or []
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
    rows = _ranking_rows(vote, tally)
    if rows:
        column = (
            _("Mention majoritaire") if vote.get("method") == "majority_judgment" else _("Total")
        )
        blocks.append(Table([_("Rang"), _("Proposition"), column], rows))
    ballots = tally.get("ballot_count")
    if ballots is not None:
        n = int(ballots)
        blocks.append(Paragraph(ngettext("%(n)s bulletin.", "%(n)s bulletins.", n) % {"n": n}))
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
