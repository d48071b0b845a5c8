"""HTTP: personal join links and tickets for votes restricted to registered participants.

Phones: `/j/<CODE>/p/<token>` (personal link) and `/j/<CODE>/billet/<token>` (event ticket) show
a join page; its POST joins the meeting like `/j/<CODE>` (same device cookie) and registers the
phone as a voter. A GET never binds a pass: link previews in messaging apps open URLs too.

Facilitators: make links (a number, or one per pasted name), list, release or delete them, print
them with their QR codes, export them as CSV. Rules live in voting/passes.py.
"""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from informaction.qr import qr_svg
from rooms import selectors as room_selectors
from rooms.errors import DomainError
from rooms.forms import JoinForm
from rooms.models import Meeting
from rooms.web import device_of, facilitated_meeting, meeting_or_404, new_device, remember_device

from . import passes
from .enums import RegistrationSource
from .export import neutralise
from .forms import LinksForm
from .models import VoterPass

# --- Phones ---------------------------------------------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with personal secrets: never in a shared cache nor a search engine."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _refused(
    request: HttpRequest, meeting: Meeting, error: DomainError, status: int
) -> HttpResponse:
    """A phone page saying why the pass was refused, with a way to join without it."""
    return _private(
        render(
            request,
            "voting/pass_refused.html",
            {"meeting": meeting, "message": error.render(), "code": error.code},
            status=status,
        )
    )


def _join_with_pass(request: HttpRequest, meeting: Meeting, voter_pass: VoterPass) -> HttpResponse:
    """The join page of a pass (GET) and the join itself (POST)."""
    device = device_of(request)
    participant = room_selectors.participant_for_device(meeting, device)
    if passes.taken_by_other(voter_pass, participant):
        return _refused(request, meeting, passes.used_elsewhere(), 409)
    form = JoinForm(
        request.POST or None, initial={"name": participant.display_name if participant else ""}
    )
    if request.method == "POST" and form.is_valid():
        device = device or new_device()
        try:
            passes.join_with_pass(
                meeting=meeting,
                device=device,
                display_name=form.cleaned_data["name"],
                voter_pass=voter_pass,
            )
        except DomainError as exc:
            if exc.code.startswith("pass."):
                return _refused(request, meeting, exc, 409)
            form.add_error(None, exc.render())
        else:
            return remember_device(redirect("phone", code=meeting.join_code), device)
    return _private(
        render(
            request,
            "voting/join_pass.html",
            {
                "meeting": meeting,
                "form": form,
                "participant": participant,
                "voter_pass": voter_pass,
                "mine": participant is not None and voter_pass.participant_id == participant.pk,
            },
        )
    )


@require_http_methods(["GET", "POST"])
def join_personal(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """A personal link: join and register as a voter (source "link")."""
    meeting = meeting_or_404(request, code)
    if isinstance(meeting, HttpResponse):
        return meeting
    if meeting.join_code != code:
        return redirect("join-personal", code=meeting.join_code, token=token)
    try:
        voter_pass = passes.link_by_token(meeting, token)
    except DomainError as exc:
        return _refused(request, meeting, exc, 404)
    return _join_with_pass(request, meeting, voter_pass)


@require_http_methods(["GET", "POST"])
def join_ticket(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """An event ticket of the meeting's session: join and register as a voter (source "ticket")."""
    meeting = meeting_or_404(request, code)
    if isinstance(meeting, HttpResponse):
        return meeting
    if meeting.join_code != code:
        return redirect("join-ticket", code=meeting.join_code, token=token)
    try:
        voter_pass = passes.ticket_pass(meeting, token)
    except DomainError as exc:
        return _refused(request, meeting, exc, 404 if exc.code == "pass.unknown" else 409)
    return _join_with_pass(request, meeting, voter_pass)


# --- Facilitators ---------------------------------------------------------------------------------


def link_url(request: HttpRequest, meeting: Meeting, voter_pass: VoterPass) -> str:
    """The absolute URL of a personal link (for the printed QR code and the CSV), built like
    the meeting's join URL (SITE_URL when set)."""
    path = reverse("join-personal", kwargs={"code": meeting.join_code, "token": voter_pass.token})
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


def _links(meeting: Meeting, *, unused_only: bool = False) -> list[VoterPass]:
    """The personal links of a meeting in print order (`unused_only`: those nobody took)."""
    links = VoterPass.objects.filter(meeting=meeting, source=RegistrationSource.LINK)
    if unused_only:
        links = links.filter(participant__isnull=True)
    return list(links.select_related("participant"))


@login_required
@require_http_methods(["GET", "POST"])
def links_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Personal links of a meeting: make more (POST), see who used which, release, delete."""
    meeting = facilitated_meeting(request, pk)
    form = LinksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        names = passes.parse_names(form.cleaned_data["names"] or "")
        try:
            made = passes.links_create(
                meeting=meeting, count=form.cleaned_data["count"] or 0, names=names
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(
                request,
                ngettext("%(n)s lien personnel créé.", "%(n)s liens personnels créés.", len(made))
                % {"n": len(made)},
            )
            return redirect("voter-links", pk=meeting.pk)
    links = _links(meeting)
    rows = [{"link": link, "url": link_url(request, meeting, link)} for link in links]
    return _private(
        render(
            request,
            "voting/links.html",
            {
                "meeting": meeting,
                "form": form,
                "rows": rows,
                "tickets": VoterPass.objects.filter(
                    meeting=meeting, source=RegistrationSource.TICKET, participant__isnull=False
                ),
                "summary": passes.summary(meeting),
            },
            status=400 if form.errors else 200,
        )
    )


@login_required
def links_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sheet: one card per link with its name, QR code and URL (`?unused=1`: only the
    links nobody used yet)."""
    meeting = facilitated_meeting(request, pk)
    unused_only = request.GET.get("unused") == "1"
    cards = []
    for link in _links(meeting, unused_only=unused_only):
        url = link_url(request, meeting, link)
        title = (
            _("Code QR du lien personnel de %(name)s") % {"name": link.name}
            if link.name
            else _("Code QR du lien personnel n° %(n)s") % {"n": link.position}
        )
        cards.append({"link": link, "url": url, "qr": qr_svg(url, title=title)})
    return _private(
        render(
            request,
            "voting/links_print.html",
            {"meeting": meeting, "cards": cards, "unused_only": unused_only},
        )
    )


@login_required
def links_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The links as CSV: number, name, URL, used or not, when."""
    meeting = facilitated_meeting(request, pk)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("numéro"), _("nom"), _("lien"), _("utilisé"), _("utilisé le")])
    for link in _links(meeting):
        used_at = (
            timezone.localtime(link.used_at).strftime("%Y-%m-%d %H:%M") if link.used_at else ""
        )
        cells = [
            link.position,
            link.name,
            link_url(request, meeting, link),
            _("oui") if link.participant_id else _("non"),
            used_at,
        ]
        writer.writerow([neutralise(cell) for cell in cells])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"liens-personnels-{meeting.join_code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@login_required
@require_POST
def link_release(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    """Free a used link (or ticket) so that another phone can take it."""
    meeting = facilitated_meeting(request, pk)
    try:
        passes.pass_release(meeting=meeting, pass_id=link)
    except DomainError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(
            request,
            _("Lien libéré : le prochain téléphone qui l'ouvrira sera inscrit."),
        )
    return redirect("voter-links", pk=meeting.pk)


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    """Delete a personal link: it stops working at once."""
    meeting = facilitated_meeting(request, pk)
    try:
        passes.pass_delete(meeting=meeting, pass_id=link)
    except DomainError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Lien supprimé : il ne fonctionne plus."))
    return redirect("voter-links", pk=meeting.pk)
