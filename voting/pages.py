"""Voting's share of the room's pages (registered with rooms/pages.py in voting/apps.py).

The phone page says whether this phone is registered to vote; the facilitator's meeting page
has the card that makes personal voting links (templates/deliberation/meeting_detail.html).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rooms.models import Meeting, Participant

from . import passes, selectors
from .forms import LinksForm


def phone_context(
    request: HttpRequest, meeting: Meeting, participant: Participant | None
) -> dict[str, Any]:
    """`registered`: this phone may vote in votes reserved to registered participants."""
    return {"registered": selectors.is_registered(participant)}


def meeting_detail_context(
    request: HttpRequest, meeting: Meeting, participant: Participant | None
) -> dict[str, Any]:
    """The voter-links card: the form making links, and the count of links and voters."""
    return {"links_form": LinksForm(), "voters": passes.summary(meeting)}
