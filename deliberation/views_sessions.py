"""Meeting pages reached from the programme: the organizer opens a live meeting for a session.

They live here, not in events/, because the programme imports no meeting module; the project
URLconf mounts them among the programme's organizer URLs (informaction/urls.py).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from events.views.common import organizer_event, session_of
from rooms.models import Meeting

from . import services


@login_required
@require_POST
def session_meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One click: a live meeting room linked to the session (the user's own, if any)."""
    event = organizer_event(request, slug)
    session = session_of(event, pk)
    meeting = (
        Meeting.objects.filter(session=session, owner=request.user).order_by("-created_at").first()
    )
    if meeting is None:
        meeting = services.meeting_create(
            owner=request.user, title=session.title, session_id=session.pk
        )
    return redirect("meeting-detail", pk=meeting.pk)
