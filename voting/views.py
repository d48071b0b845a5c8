"""HTTP: the anonymised ballot export of a vote, as JSON or CSV.

Facilitators of the meeting may download it once the vote is closed; anyone who has the
meeting's join code (``?code=``) once the result is published. Otherwise: 404.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rooms.roles import is_facilitator
from rooms.services import normalise_join_code

from . import selectors
from .enums import BallotState
from .export import ballots_csv
from .models import Vote


def _exportable(request: HttpRequest, pk: int) -> Vote | HttpResponse:
    vote = get_object_or_404(Vote.objects.select_related("meeting"), pk=pk)
    if is_facilitator(request.user, vote.meeting):
        if vote.state in (BallotState.CLOSED, BallotState.PUBLISHED):
            return vote
        return HttpResponse(
            _("Le vote n'est pas clos : l'export sera disponible à la clôture."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    code = normalise_join_code(request.GET.get("code", ""))
    if vote.state == BallotState.PUBLISHED and constant_time_compare(code, vote.meeting.join_code):
        return vote
    raise Http404


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # a new shuffle on every download
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def ballots_json(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _exportable(request, pk)
    if isinstance(vote, HttpResponse):
        return vote
    body = json.dumps(selectors.anonymised_ballots(vote), ensure_ascii=False, indent=1)
    return _download(body, "application/json; charset=utf-8", f"vote-{vote.pk}-ballots.json")


@require_GET
def ballots_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _exportable(request, pk)
    if isinstance(vote, HttpResponse):
        return vote
    body = ballots_csv(selectors.anonymised_ballots(vote))
    return _download(body, "text/csv; charset=utf-8", f"vote-{vote.pk}-ballots.csv")
