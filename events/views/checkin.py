"""The door: the URL in a registration's QR ticket, scanned by an organizer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rooms.errors import DomainError

from .. import selectors, services
from ..permissions import can_edit_event


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The URL in the QR ticket. The organizer scans it, sees who it is, taps to confirm."""
    registration = selectors.registration_by_checkin_token(token)
    if registration is None:
        return render(
            request, "events/link_error.html", {"message": _("Billet inconnu.")}, status=404
        )
    event = registration.session.event
    if not can_edit_event(request.user, event):
        raise PermissionDenied
    result = error = None
    if request.method == "POST":
        try:
            result = services.registration_check_in(user=request.user, checkin_token=token)
        except DomainError as exc:
            error = exc.render()
        registration.refresh_from_db()
    with timezone.override(event.timezone):
        return render(
            request,
            "events/check_in.html",
            {
                "registration": registration,
                "session": registration.session,
                "event": event,
                "result": result,
                "error": error,
                "stats": selectors.attendance(registration.session),
            },
            status=400 if error else 200,
        )
