"""Themes and sorting: themes, moving ideas into them, merging duplicates, participants'
suggestions, and the machine's help (clustering.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor, check_command
from rooms.runner import Change, Unit, run_command

from .. import clustering
from ..enums import IdeaState
from ..models import Idea, Support, Theme, ThemeSuggestion
from ..payloads import theme_payload
from ..theme_presets import preset_by_slug
from ._common import get_idea, idea_event

# CSS colour names (RFC 7986 wants names too), readable as a band or a tag on white and on navy.
THEME_COLORS = (
    "steelblue",
    "olivedrab",
    "crimson",
    "sienna",
    "forestgreen",
    "darkorchid",
    "darkorange",
    "teal",
    "goldenrod",
    "slategray",
    "palevioletred",
    "royalblue",
    "indigo",
    "peru",
)
THEME_NAME_MAX_LENGTH = 60


def _get_theme(meeting: Meeting, theme_id: Any) -> Theme:
    if not isinstance(theme_id, int) or isinstance(theme_id, bool):
        raise DomainError("theme.not_found", _("Ce thème n'existe pas."))
    theme = Theme.objects.filter(meeting=meeting, pk=theme_id).first()
    if theme is None:
        raise DomainError("theme.not_found", _("Ce thème n'existe pas."))
    return theme


def _theme_event(theme: Theme | None, removed_id: int | None = None) -> RoomEvent:
    data = theme_payload(theme) if theme is not None else {"id": removed_id, "removed": True}
    return RoomEvent("theme.changed", mod=data, public=data)


def _clean_theme_name(name: Any) -> str:
    if not isinstance(name, str) or not clean_text(name):
        raise DomainError("theme.name_empty", _("Donnez un nom au thème."))
    name = clean_text(name)
    if len(name) > THEME_NAME_MAX_LENGTH:
        raise DomainError(
            "theme.name_too_long",
            _("Nom de thème trop long (%(max)s caractères au plus)."),
            max=THEME_NAME_MAX_LENGTH,
        )
    return name


def _clean_color(color: Any, meeting: Meeting) -> str:
    if color in (None, ""):
        used = set(Theme.objects.filter(meeting=meeting).values_list("color", flat=True))
        return next((c for c in THEME_COLORS if c not in used), THEME_COLORS[0])
    if color not in THEME_COLORS:
        raise DomainError("theme.bad_color", _("Cette couleur n'est pas proposée."))
    return str(color)


def theme_create(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    name: Any,
    color: Any = None,
    keywords: Any = "",
    preset: Any = "",
) -> dict[str, Any]:
    """Create a theme, typed or from a preset (its French label and colour by default)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        preset_obj = preset_by_slug(preset) if isinstance(preset, str) and preset else None
        if preset and preset_obj is None:
            raise DomainError("theme.unknown_preset", _("Ce thème prédéfini n'existe pas."))
        theme_name = _clean_theme_name(
            name if name else (preset_obj.label_fr if preset_obj else "")
        )
        theme_color = _clean_color(color or (preset_obj.color if preset_obj else None), meeting)
        if not isinstance(keywords, str) or len(keywords) > 300:
            raise DomainError(
                "theme.bad_keywords", _("Mots-clés invalides (300 caractères au plus).")
            )
        position = Theme.objects.filter(meeting=meeting).count()
        theme = Theme.objects.create(
            meeting=meeting,
            name=theme_name,
            color=theme_color,
            keywords=clean_text(keywords),
            preset_slug=preset_obj.slug if preset_obj else "",
            position=position,
        )
        return {"theme": theme.pk}, _theme_event(theme)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.create",
        client_id=client_id,
        change=change,
    )


def theme_update(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    theme_id: Any,
    name: Any = None,
    color: Any = None,
    keywords: Any = None,
) -> dict[str, Any]:
    """Rename, recolour or change the keywords of a theme."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        theme = _get_theme(meeting, theme_id)
        if name is not None:
            theme.name = _clean_theme_name(name)
        if color is not None:
            theme.color = _clean_color(color, meeting)
        if keywords is not None:
            if not isinstance(keywords, str) or len(keywords) > 300:
                raise DomainError(
                    "theme.bad_keywords", _("Mots-clés invalides (300 caractères au plus).")
                )
            theme.keywords = clean_text(keywords)
        theme.save()
        return {"theme": theme.pk}, _theme_event(theme)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.update",
        client_id=client_id,
        change=change,
    )


def theme_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, theme_id: Any
) -> dict[str, Any]:
    """Delete a theme; its ideas go back to "not sorted" (nothing else is lost)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        theme = _get_theme(meeting, theme_id)
        ideas = list(Idea.objects.filter(theme=theme).select_related("author"))
        theme_pk = theme.pk
        theme.delete()
        events = []
        for idea in ideas:
            idea.theme = None
            events.append(idea_event(idea, meeting))
        events.append(_theme_event(None, removed_id=theme_pk))
        return {"theme": theme_pk, "ideas": [i.pk for i in ideas]}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.delete",
        client_id=client_id,
        change=change,
    )


def _sortable_idea(meeting: Meeting, idea_id: Any) -> Idea:
    idea = get_idea(meeting, idea_id)
    if idea.state != IdeaState.VISIBLE:
        raise DomainError(
            "idea.wrong_state",
            _("Impossible : l'idée est « %(state)s »."),
            state=IdeaState(idea.state).label,
        )
    return idea


def idea_move(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, theme_id: Any
) -> dict[str, Any]:
    """Drag one idea into a theme (None: back to "not sorted"). Emits "idea.changed"."""
    return ideas_assign(
        meeting_id=meeting_id,
        actor=actor,
        client_id=client_id,
        assignments=[(idea_id, theme_id)],
        command="idea.move",
    )


def ideas_assign(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    assignments: list[tuple[Any, Any]],
    command: str = "ideas.assign",
) -> dict[str, Any]:
    """Put ideas in themes (theme None: back to "not sorted"): one drag, or accepted suggestions.

    All or nothing: one unknown idea or theme refuses the whole list.
    """
    if not assignments:
        raise DomainError("ideas.nothing_to_assign", _("Aucune idée à classer."))
    if len(assignments) > 2000:
        raise DomainError("ideas.too_many", _("Trop d'idées à la fois (2000 au plus)."))

    def change(meeting: Meeting, unit: Unit) -> Change:
        events, moved = [], []
        themes: dict[int, Theme] = {}
        for idea_id, theme_id in assignments:
            idea = _sortable_idea(meeting, idea_id)
            if theme_id is None:
                idea.theme = None
            else:
                if theme_id not in themes:
                    themes[theme_id] = _get_theme(meeting, theme_id)
                idea.theme = themes[theme_id]
            idea.save(update_fields=["theme", "updated_at"])
            moved.append(idea.pk)
            events.append(idea_event(idea, meeting))
        return {"ideas": moved}, events

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def theme_split(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    theme_id: Any,
    idea_ids: list[Any],
    name: Any,
) -> dict[str, Any]:
    """Split a theme: the listed ideas of it move to a new theme named `name`."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        source = _get_theme(meeting, theme_id)
        if not idea_ids:
            raise DomainError("theme.split_empty", _("Choisissez les idées du nouveau thème."))
        ideas = [_sortable_idea(meeting, i) for i in idea_ids]
        if any(idea.theme_id != source.pk for idea in ideas):
            raise DomainError(
                "theme.split_foreign", _("Ces idées ne sont pas toutes dans ce thème.")
            )
        new = Theme.objects.create(
            meeting=meeting,
            name=_clean_theme_name(name),
            color=_clean_color(None, meeting),
            position=Theme.objects.filter(meeting=meeting).count(),
        )
        events = [_theme_event(new)]
        for idea in ideas:
            idea.theme = new
            idea.save(update_fields=["theme", "updated_at"])
            events.append(idea_event(idea, meeting))
        return {"theme": new.pk, "ideas": [i.pk for i in ideas]}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.split",
        client_id=client_id,
        change=change,
    )


def ideas_merge(
    *, meeting_id: int, actor: Actor, client_id: str | None, target_id: Any, idea_ids: list[Any]
) -> dict[str, Any]:
    """Merge duplicates into `target`: they disappear from the board, their texts stay with it.

    Supports are counted once per participant over the merged family. Undo with ideas_unmerge.
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        target = _sortable_idea(meeting, target_id)
        sources = [_sortable_idea(meeting, i) for i in idea_ids if i != target_id]
        if not sources:
            raise DomainError(
                "idea.merge_needs_two", _("Choisissez au moins deux idées à fusionner.")
            )
        events = []
        for source in sources:
            # An idea that already absorbed others hands them over: merges stay one level deep.
            Idea.objects.filter(merged_into=source).update(merged_into=target)
            source.state = IdeaState.MERGED
            source.merged_into = target
            source.save(update_fields=["state", "merged_into", "updated_at"])
            events.append(idea_event(source, meeting))
        family = [target.pk, *target.merged_ideas.values_list("pk", flat=True)]
        target.support_count = _family_support_count(family)
        target.save(update_fields=["support_count", "updated_at"])
        events.append(idea_event(target, meeting))
        return {"idea": target.pk, "merged": [s.pk for s in sources]}, events

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.merge", client_id=client_id, change=change
    )


def ideas_unmerge(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any
) -> dict[str, Any]:
    """Undo a merge: the idea comes back on the board with its own supports."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not isinstance(idea_id, int) or isinstance(idea_id, bool):
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        idea = Idea.objects.filter(meeting=meeting, pk=idea_id, state=IdeaState.MERGED).first()
        if idea is None or idea.merged_into_id is None:
            raise DomainError("idea.not_merged", _("Cette idée n'est pas fusionnée."))
        target = Idea.objects.select_related("author").get(pk=idea.merged_into_id)
        idea.state, idea.merged_into = IdeaState.VISIBLE, None
        idea.support_count = _family_support_count([idea.pk])
        idea.save(update_fields=["state", "merged_into", "support_count", "updated_at"])
        family = [target.pk, *target.merged_ideas.values_list("pk", flat=True)]
        target.support_count = _family_support_count(family)
        target.save(update_fields=["support_count", "updated_at"])
        return {"idea": idea.pk, "from": target.pk}, [
            idea_event(target, meeting),
            idea_event(idea, meeting),
        ]

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.unmerge",
        client_id=client_id,
        change=change,
    )


def idea_suggest_theme(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, theme_id: Any
) -> dict[str, Any]:
    """A participant proposes a theme for an idea (if allowed); facilitators see the tally."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not meeting.allow_theme_suggestions:
            raise DomainError(
                "theme.suggestions_off", _("L'animation n'a pas ouvert les propositions de thème.")
            )
        idea = _sortable_idea(meeting, idea_id)
        theme = _get_theme(meeting, theme_id)
        ThemeSuggestion.objects.update_or_create(
            idea=idea, participant=actor.participant, defaults={"theme": theme}
        )
        counts = dict(
            ThemeSuggestion.objects.filter(idea=idea)
            .values_list("theme_id")
            .annotate(n=Count("pk"))
            .values_list("theme_id", "n")
        )
        data = {"idea": idea.pk, "suggestions": {str(k): v for k, v in counts.items()}}
        event = RoomEvent("theme.suggested", mod=data)
        return {"idea": idea.pk, "theme": theme.pk}, event

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.suggest_theme",
        client_id=client_id,
        change=change,
    )


def clustering_help(*, meeting_id: int, actor: Actor, command: str) -> dict[str, Any]:
    """Machine suggestions (facilitator, no change): "themes.suggest", "ideas.find_duplicates"
    or "themes.discover". Only visible ideas are considered; nothing changes without a click.
    """
    meeting = Meeting.objects.get(pk=meeting_id)
    check_command(actor, meeting, command)
    ideas = list(
        Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE).values_list(
            "pk", "title", "text", "theme_id"
        )
    )
    texts = [(pk, f"{title} {text}".strip()) for pk, title, text, _theme in ideas]
    if command == "ideas.find_duplicates":
        pairs = clustering.find_duplicates(texts)
        return {"pairs": [{"a": p.a, "b": p.b, "score": round(p.score, 3)} for p in pairs]}
    if command == "themes.discover":
        result = clustering.discover_themes([t for t in texts])
        return {
            "groups": [
                {
                    "label": g.label,
                    "keywords": list(g.keywords),
                    "ideas": list(g.idea_ids),
                    "preset": g.preset_slug,
                    "cohesion": round(g.cohesion, 3),
                }
                for g in result.groups
            ],
            "unsorted": list(result.unsorted),
        }
    themes = list(Theme.objects.filter(meeting=meeting))
    if not themes:
        raise DomainError("theme.none", _("Créez d'abord des thèmes (ou choisissez-en)."))
    sort_themes = [
        clustering.Theme(
            key=str(t.pk),
            name=t.name,
            keywords=tuple(k.strip() for k in t.keywords.split(",") if k.strip()),
            preset_slug=t.preset_slug or (getattr(clustering.find_preset(t.name), "slug", None)),
        )
        for t in themes
    ]
    placed = {pk: str(theme) for pk, _title, _text, theme in ideas if theme is not None}
    result = clustering.sort_ideas(texts, sort_themes, placed)
    return {
        "suggestions": [
            {
                "idea": s.idea_id,
                "theme": int(s.theme_key) if s.theme_key else None,
                "best_guess": int(s.best_guess) if s.best_guess else None,
                "confidence": round(s.confidence, 3),
            }
            for s in result.suggestions
        ]
    }


def _family_support_count(idea_ids: list[int]) -> int:
    """Supports of an idea and the ideas merged into it: once per participant."""
    return Support.objects.filter(idea_id__in=idea_ids).values("participant_id").distinct().count()
