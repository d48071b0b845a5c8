"""The organizer pages: the dashboard, creating and editing events, venues, tracks, speakers and
sessions, attendance lists and programme imports. The organizer's mail pages are in
organizer_mail.py.

Each view parses, calls one service or selector, and renders.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from rooms.errors import DomainError

from .. import imports, selectors, services
from ..forms import (
    EventForm,
    ImportForm,
    MoveForm,
    OrganizationForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    TrackForm,
    VenueForm,
)
from ..models import Event, Registration, Session, Speaker, Track, Venue
from .common import in_event_zone, organizations_of, organizer_event, session_of


def _form_page(
    request: HttpRequest, form: Form, *, title: str, event: Event | None, **extra: object
) -> HttpResponse:
    """The organizer's plain form page; a POST that comes back to it was refused (400)."""
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": title, "event": event, **extra},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def orga_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/orga/home.html",
        {
            "events": selectors.events_for_organizer(request.user),
            "organizations": organizations_of(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            return redirect("events:orga-home")
    return render(
        request,
        "events/orga/form.html",
        {"form": form, "title": _("Nouvelle organisation"), "event": None},
    )


EVENT_FIELDS = ("title", "kind", "description", "starts_on", "ends_on", "timezone", "published")


def _event_fields(data: dict) -> dict:
    """The event form's shared fields as the keyword arguments of event_create/event_update."""
    fields = {name: data[name] for name in EVENT_FIELDS}
    fields["timezone_name"] = fields.pop("timezone")
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    organizations = organizations_of(request.user)
    if not organizations.exists():
        messages.info(request, _("Créez d'abord votre organisation."))
        return redirect("events:organization-create")
    form = EventForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                user=request.user,
                organization=data["organization"],
                slug=data["slug"],
                **_event_fields(data),
            )
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            return redirect("events:orga-event", slug=event.slug)
    return _form_page(request, form, title=_("Nouvel événement"), event=None)


@login_required
@in_event_zone
def orga_event(request: HttpRequest, slug: str) -> HttpResponse:
    """The organizer's dashboard: sessions, conflicts, counts, links to every form."""
    event = organizer_event(request, slug)
    return render(
        request,
        "events/orga/event.html",
        {
            "event": event,
            "sessions": selectors.sessions_with_details(event),
            "conflicts": selectors.session_conflicts(event),
            "venues": event.venues.prefetch_related("rooms"),
            "tracks": event.tracks.all(),
            "speakers": event.speakers.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = organizer_event(request, slug)
    initial = {name: getattr(event, name) for name in EVENT_FIELDS}
    form = EventForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.event_update(user=request.user, event=event, **_event_fields(data))
        except DomainError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Événement enregistré."))
            return redirect("events:orga-event", slug=event.slug)
    return _form_page(request, form, title=_("Modifier l'événement"), event=event)


def _simple_edit_view(
    model: type[Model],
    form_class: type[Form],
    *,
    save: Callable[..., Model],
    title: str,
    fields: tuple[str, ...],
) -> Callable[..., HttpResponse]:
    """The create-or-edit page of a venue, track or speaker: `fields` fill the form of an
    existing one, `save` is its service (which names it after its model: venue_save(venue=…))."""
    name = model._meta.model_name

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
        event = organizer_event(request, slug)
        obj = get_object_or_404(model, pk=pk, event=event) if pk is not None else None
        initial = {field: getattr(obj, field) for field in fields} if obj else None
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                save(user=request.user, event=event, **{name: obj}, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.render())
            else:
                messages.success(request, _("Enregistré."))
                return redirect("events:orga-event", slug=event.slug)
        extra = {}
        if isinstance(obj, Venue):
            extra = {"venue": obj, "room_form": RoomForm(), "rooms": obj.rooms.all()}
        return _form_page(request, form, title=title, event=event, **extra)

    view.__name__ = view.__qualname__ = f"{name}_edit"
    return view


venue_edit = _simple_edit_view(
    Venue,
    VenueForm,
    save=services.venue_save,
    title=gettext_lazy("Lieu"),
    fields=("name", "address", "position"),
)
track_edit = _simple_edit_view(
    Track,
    TrackForm,
    save=services.track_save,
    title=gettext_lazy("Parcours"),
    fields=("name", "color"),
)
speaker_edit = _simple_edit_view(
    Speaker,
    SpeakerForm,
    save=services.speaker_save,
    title=gettext_lazy("Intervenant·e"),
    fields=("name", "bio"),
)


@login_required
@require_POST
def room_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = organizer_event(request, slug)
    venue = get_object_or_404(Venue, pk=pk, event=event)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            services.room_save(user=request.user, venue=venue, name=form.cleaned_data["name"])
        except DomainError as exc:
            messages.error(request, exc.render())
    else:
        messages.error(request, _("Donnez un nom à la salle."))
    return redirect("events:venue-edit", slug=event.slug, pk=venue.pk)


# The session form's fields that are the session's own attributes (the others are relations).
SESSION_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "capacity",
    "description",
    "online_url",
    "dial_in_phone",
    "dial_in_info",
)


def _session_initial(session: Session) -> dict:
    """The session form filled from `session`."""
    return {
        **{name: getattr(session, name) for name in SESSION_FIELDS},
        "venue": session.venue_id,
        "room": session.room_id,
        "track": session.track_id,
        "speakers": list(session.speakers.values_list("pk", flat=True)),
    }


def _session_fields(data: dict) -> services.SessionFields:
    """The session form's cleaned data as the services' SessionFields."""
    return services.SessionFields(
        **{name: data[name] for name in SESSION_FIELDS},
        venue=data["venue"],
        room=data["room"],
        track=data["track"],
        speakers=list(data["speakers"]),
    )


def _session_saved(
    request: HttpRequest, form: Form, save: Callable[[], Session], message: str
) -> HttpResponse | None:
    """Run the session service `save`. Done: say `message`, warn of the session's conflicts and
    go back to the dashboard. Refused: None, with the reason added to the form."""
    try:
        session = save()
    except DomainError as exc:
        form.add_error(None, exc.render())
        return None
    messages.success(request, message)
    for conflict in selectors.session_conflicts(session.event, only=session):
        messages.warning(request, conflict.message)
    return redirect("events:orga-event", slug=session.event.slug)


@login_required
@in_event_zone
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    event = organizer_event(request, slug)
    session = session_of(event, pk) if pk is not None else None
    initial = _session_initial(session) if session is not None else None
    form = SessionForm(request.POST or None, initial=initial, event=event)
    if request.method == "POST" and form.is_valid():
        fields = _session_fields(form.cleaned_data)
        if session is None:
            save = partial(services.session_create, user=request.user, event=event, data=fields)
        else:
            save = partial(services.session_update, user=request.user, session=session, data=fields)
        saved = _session_saved(request, form, save, _("Séance enregistrée."))
        if saved is not None:
            return saved
    return render(
        request,
        "events/orga/session_form.html",
        {"form": form, "event": event, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_duplicate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = organizer_event(request, slug)
    copy = services.session_duplicate(user=request.user, session=session_of(event, pk))
    messages.success(request, _("Séance dupliquée : modifiez la copie."))
    return redirect("events:session-edit", slug=event.slug, pk=copy.pk)


@login_required
@in_event_zone
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = organizer_event(request, slug)
    session = session_of(event, pk)
    form = MoveForm(request.POST or None, initial={"starts_at": session.starts_at})
    if request.method == "POST" and form.is_valid():
        save = partial(
            services.session_move,
            user=request.user,
            session=session,
            starts_at=form.cleaned_data["starts_at"],
        )
        saved = _session_saved(request, form, save, _("Séance déplacée."))
        if saved is not None:
            return saved
    return _form_page(
        request, form, title=_("Déplacer « %(t)s »") % {"t": session.title}, event=event
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = organizer_event(request, slug)
    cancelled = request.POST.get("restore") != "1"
    services.session_cancel(user=request.user, session=session_of(event, pk), cancelled=cancelled)
    messages.success(
        request,
        _("Séance annulée : elle reste affichée comme annulée.")
        if cancelled
        else _("Séance rétablie."),
    )
    return redirect("events:orga-event", slug=event.slug)


@login_required
@in_event_zone
def session_attendance(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Registrations, waiting list and the live check-in count (the page refreshes itself)."""
    event = organizer_event(request, slug)
    return render(
        request,
        "events/orga/attendance.html",
        {"event": event, "stats": selectors.attendance(session_of(event, pk))},
    )


def _csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _attendance_row(registration: Registration) -> list[str]:
    """One line of the attendance CSV, in the active (the event's) time zone."""
    return [
        _csv_safe(registration.name),
        _csv_safe(registration.email),
        registration.get_status_display(),
        _local(registration.created_at),
        _local(registration.checked_in_at),
    ]


@login_required
def session_attendance_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = organizer_event(request, slug)
    stats = selectors.attendance(session_of(event, pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="presences-seance-{pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("nom"), _("e-mail"), _("statut"), _("inscription"), _("arrivée")])
    with timezone.override(event.timezone):
        writer.writerows(_attendance_row(r) for r in stats.registrations)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def programme_import(request: HttpRequest, slug: str) -> HttpResponse:
    event = organizer_event(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_format = "ics" if upload.name.lower().endswith((".ics", ".ical")) else "csv"
        report = imports.programme_import(
            user=request.user,
            event=event,
            data=upload.read(),
            file_format=file_format,
            partial=form.cleaned_data["partial"],
        )
        if report.applied and not report.errors:
            messages.success(
                request,
                ngettext("%(n)s séance importée.", "%(n)s séances importées.", report.created)
                % {"n": report.created},
            )
            return redirect("events:orga-event", slug=event.slug)
    return render(
        request,
        "events/orga/import.html",
        {"form": form, "event": event, "report": report},
        status=400 if report is not None and not report.applied else 200,
    )
