"""Privacy pages: the notices, "Mes données" for a phone and for a registrant, the organizer's
export of one person's data, and the notice form."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Organization, Registration
from events.permissions import can_manage_organization
from rooms import selectors as room_selectors
from rooms import services as room_services
from rooms.errors import DomainError
from rooms.web import device_of

from . import services
from .forms import EraseForm, ExportForm, ListedForm, PolicyForm
from .models import PrivacyPolicy


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def site_notice(request: HttpRequest) -> HttpResponse:
    """The instance's notice, and the list of organizations' notices."""
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": services.notice_for(None),
            "organizations": Organization.objects.order_by("name"),
            "can_edit": request.user.is_authenticated and request.user.is_superuser,
        },
    )


def organization_notice(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": services.notice_for(organization),
            "can_edit": can_manage_organization(request.user, organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The notice form: members of the organization (superusers for the instance's own)."""
    organization = get_object_or_404(Organization, pk=pk) if pk is not None else None
    allowed = (
        can_manage_organization(request.user, organization)
        if organization
        else request.user.is_superuser
    )
    if not allowed:
        raise Http404
    instance = services.policy_row(organization)
    if instance is None:
        instance = PrivacyPolicy(organization=organization)
    form = PolicyForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        if organization:
            return redirect("privacy:organization", pk=organization.pk)
        return redirect("privacy:site")
    return render(
        request,
        "privacy/notice_form.html",
        {"form": form, "organization": organization},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest, code: str) -> HttpResponse:
    """ "Mes données" for the phone that opens it: what is stored, the minutes choice, erasure."""
    meeting = room_selectors.meeting_by_code(code)
    if meeting is None:
        raise Http404
    participant = room_selectors.participant_for_device(meeting, device_of(request))
    listed_form = ListedForm(initial={"listed": participant.listed if participant else False})
    erase_form = EraseForm()
    status, erased, saved = 200, False, False
    if request.method == "POST" and participant is not None:
        if request.POST.get("action") == "erase":
            erase_form = EraseForm(request.POST)
            if erase_form.is_valid():
                services.erase_participant(participant)
                participant, erased = None, True
        else:
            listed_form = ListedForm(request.POST)
            if listed_form.is_valid():
                try:
                    participant = room_services.participant_join(
                        meeting=meeting,
                        device=participant.device,
                        listed=listed_form.cleaned_data["listed"],
                    )
                    saved = True
                except DomainError as exc:
                    listed_form.add_error("listed", exc.render())
        if (listed_form.errors or erase_form.errors) and not erased:
            status = 400
    context = {
        "meeting": meeting,
        "participant": participant,
        "data": services.participant_data(participant) if participant else None,
        "notice": services.notice_for(services.organization_of_meeting(meeting)),
        "listed_form": listed_form,
        "erase_form": erase_form,
        "erased": erased,
        "saved": saved,
    }
    return _private(render(request, "privacy/my_data.html", context, status=status))


def my_data_json(request: HttpRequest, code: str) -> HttpResponse:
    meeting = room_selectors.meeting_by_code(code)
    if meeting is None:
        raise Http404
    participant = room_selectors.participant_for_device(meeting, device_of(request))
    if participant is None:
        raise Http404
    data = services.participant_data(participant)
    return _json_download(data, f"mes-donnees-{meeting.join_code.lower()}.json")


@require_http_methods(["GET", "POST"])
def registration_data(request: HttpRequest, token: str) -> HttpResponse:
    """A registrant's data, from the secret link of their registration; erasure cancels first."""
    registration = (
        Registration.objects.select_related("session__event__organization")
        .filter(token=token)
        .first()
        if token
        else None
    )
    if registration is None:
        return render(
            request,
            "events/link_error.html",
            {"message": _("Ce lien d'inscription est inconnu. Vérifiez qu'il est complet.")},
            status=404,
        )
    event = registration.session.event
    form = EraseForm(request.POST if request.method == "POST" else None)
    erased = False
    if request.method == "POST" and form.is_valid():
        services.erase_registration(registration)
        erased = True
    context = {
        "registration": registration,
        "event": event,
        "data": None if erased else services.registration_data(registration),
        "notice": services.notice_for(event.organization),
        "form": form,
        "erased": erased,
    }
    status = 400 if request.method == "POST" and not erased else 200
    return _private(render(request, "privacy/registration_data.html", context, status=status))


@login_required
def person_export(request: HttpRequest) -> HttpResponse:
    """An organizer's export of one person's data (by e-mail address or name), as JSON."""
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        data = services.person_export(
            user=request.user,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
        )
        return _json_download(data, "donnees-personnelles.json")
    status = 400 if request.GET else 200
    return render(request, "privacy/export.html", {"form": form}, status=status)
