"""The organizer's mail pages: the message to a session's registrants, and the outbox of an
event (what was sent, what failed). The mail's secret links (address confirmation, sending
again) are in links.py. Rules live in events/services.py, events/mail.py and events/outbox.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from .. import mail, outbox, services
from ..enums import MailStatus
from ..forms import SessionMessageForm
from ..models import OutgoingMail
from .common import organizer_event, session_of


@login_required
@require_http_methods(["GET", "POST"])
def session_message(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Write to everyone registered for a session (and the waiting list if asked)."""
    event = organizer_event(request, slug)
    session = session_of(event, pk)
    form = SessionMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = services.clean_text(form.cleaned_data["subject"])
        text = services.clean_text(form.cleaned_data["message"])
        if not subject or not text:
            form.add_error(None, _("Écrivez un objet et un message."))
        else:
            with transaction.atomic():
                count = mail.organizer_message(
                    session,
                    subject=subject,
                    message=text,
                    include_waiting=form.cleaned_data["include_waiting"],
                )
            messages.success(
                request,
                ngettext(
                    "Message mis en file d'envoi pour %(n)s personne.",
                    "Message mis en file d'envoi pour %(n)s personnes.",
                    count,
                )
                % {"n": count},
            )
            return redirect("events:event-mails", slug=event.slug)
    return render(
        request,
        "events/orga/session_message.html",
        {"event": event, "session": session, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def event_mails(request: HttpRequest, slug: str) -> HttpResponse:
    """The outbox of an event: every mail, its status, attempts and last error (`?status=`)."""
    event = organizer_event(request, slug)
    mails = OutgoingMail.objects.filter(event=event).select_related("session").defer("message")
    status = request.GET.get("status", "")
    if status in MailStatus.values:
        mails = mails.filter(status=status)
    counts = {
        value: OutgoingMail.objects.filter(event=event, status=value).count()
        for value in MailStatus.values
    }
    page = Paginator(mails, 100).get_page(request.GET.get("page"))
    with timezone.override(event.timezone):
        return render(
            request,
            "events/orga/mails.html",
            {
                "event": event,
                "page": page,
                "status": status,
                "statuses": [(v, label, counts[v]) for v, label in MailStatus.choices],
            },
        )


@login_required
@require_POST
def event_mail_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Try a failed (or waiting) mail again now."""
    event = organizer_event(request, slug)
    outgoing = get_object_or_404(OutgoingMail, event=event, pk=pk)
    outbox.retry(outgoing)
    outbox.send_after_commit([outgoing.pk])
    messages.success(request, _("Nouvel essai d'envoi lancé."))
    return redirect("events:event-mails", slug=event.slug)
