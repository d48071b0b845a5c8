"""What other domains add to a room's pages: context providers, registered by page name.

The room's pages are served by deliberation (the phone page, the facilitator's meeting page), yet
voting shows its own things on them: the phone's "registered to vote" badge, the card that makes
personal voting links. Voting registers a provider for those pages when its app is ready
(voting/apps.py), and the page's view merges what every provider returns into its template
context, so that neither domain imports the other. The template may include the other domain's
templates (a template is not a Python import).

Pages are named like their URL: "phone", "meeting-detail".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from .models import Meeting, Participant

Keys = dict[str, Any]
# (request, meeting, the phone's participant or None on a facilitator's page) → context keys.
ContextProvider = Callable[[HttpRequest, Meeting, Participant | None], Keys]

_providers: dict[str, list[ContextProvider]] = {}


def register_context(page: str, provider: ContextProvider) -> None:
    """Add `provider`'s keys to every rendering of `page` (registering it again changes nothing)."""
    providers = _providers.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)


def page_context(
    page: str, request: HttpRequest, meeting: Meeting, participant: Participant | None = None
) -> Keys:
    """The keys every registered provider adds to `page` (merged in registration order)."""
    context: Keys = {}
    for provider in _providers.get(page, ()):
        context.update(provider(request, meeting, participant))
    return context
