"""Mail to registrants (events/mail.py, events/outbox.py) read from Django's locmem outbox:
what each kind says in French and English, the .ics that updates calendars, the ticket image,
sending after commit only, the reminder once, the organizer's message and outbox page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import mail as event_mail
from events import services
from events.enums import MailStatus
from events.ical import session_uid
from events.models import OutgoingMail, Registration, Session
from tests.factories_events import make_event, make_session, make_venue

from .mailhelpers import (
    calendar_of,
    decode_qr,
    event_of,
    html_of,
    link,
    received,
    text_of,
    ticket_png,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(event):
    venue = make_venue(event, name="Café des Tilleuls")
    venue.address = "2 place de la Mairie"
    venue.save()
    return make_session(event, capacity=1, title="Atelier mobilité", venue=venue)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the first send attempt) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def register_over_http(session, name: str, email: str, language: str = "fr") -> Registration:
    response = Client().post(
        reverse("events:session-detail", kwargs={"slug": session.event.slug, "pk": session.pk}),
        {"name": name, "email": email},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    return Registration.objects.get(
        email=email, session=session, status__in=["registered", "waiting"]
    )


def test_confirmation_in_french_has_ticket_links_and_calendar_entry(session, on_commit):
    with on_commit():
        awa = register_over_http(session, "Awa Diallo", "awa@example.org")

    (message,) = received("awa@example.org")
    text = text_of(message)
    assert message["Subject"] == "Inscription confirmée : Atelier mobilité"
    assert message["To"] == "Awa Diallo <awa@example.org>"
    assert message["Content-Language"] == "fr"
    assert "Bonjour Awa Diallo," in text
    assert "Votre inscription à « Atelier mobilité » est confirmée." in text
    assert "mardi 6 juillet 2027, 10:00–12:00" in text
    assert "Café des Tilleuls, 2 place de la Mairie" in text
    assert urlsplit(link(message, "/annuler/")).path == reverse(
        "events:registration-cancel", kwargs={"token": awa.token}
    )
    assert "/confirmer/" in link(message, "/confirmer/")
    assert '<img src="cid:billet"' in html_of(message)
    assert decode_qr(ticket_png(message)).endswith(f"/programme/billet/{awa.checkin_token}/")
    entry = event_of(calendar := calendar_of(message))
    assert calendar["METHOD"] == "REQUEST"
    assert str(entry["UID"]) == session_uid(session.uid.hex)  # the feeds' UID
    assert entry["SEQUENCE"] == session.sequence
    assert str(entry["ATTENDEE"]) == "mailto:awa@example.org"
    assert entry["DTSTART"].dt.isoformat() == "2027-07-06T10:00:00+02:00"
    assert OutgoingMail.objects.get().status == MailStatus.SENT


def test_confirmation_in_english_for_a_person_who_registered_in_english(session, on_commit):
    with on_commit():
        register_over_http(session, "Jules", "jules@example.org", language="en")

    (message,) = received("jules@example.org")
    text = text_of(message)
    assert message["Subject"] == "Registration confirmed: Atelier mobilité"
    assert message["Content-Language"] == "en"
    assert "Hello Jules," in text
    assert "Your registration for “Atelier mobilité” is confirmed." in text
    assert "Tuesday 6 July 2027, 10:00–12:00" in text
    assert "Confirm your e-mail address by opening this link:" in text


def test_waiting_list_then_promotion(session, on_commit):
    with on_commit():
        awa = register_over_http(session, "Awa", "awa@example.org")
        register_over_http(session, "Zoé", "zoe@example.org")
    (waiting,) = received("zoe@example.org")

    with on_commit():
        services.registration_cancel(registration=awa)

    assert waiting["Subject"] == "Liste d'attente : Atelier mobilité"
    assert "Position : 1." in text_of(waiting)
    assert calendar_of(waiting) is None
    assert ticket_png(waiting) is None
    _waiting, promoted = received("zoe@example.org")
    assert promoted["Subject"] == "Une place pour vous : Atelier mobilité"
    assert "une place s'est libérée" in text_of(promoted)
    assert calendar_of(promoted)["METHOD"] == "REQUEST"
    assert ticket_png(promoted) is not None


def test_moved_session_sends_a_request_with_a_higher_sequence(organizer, session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")
    first = event_of(calendar_of(received()[0]))

    with on_commit():
        services.session_move(
            user=organizer, session=session, starts_at=session.starts_at + timedelta(hours=4)
        )

    _confirmation, changed = received("awa@example.org")
    entry = event_of(calendar := calendar_of(changed))
    assert changed["Subject"] == "Séance modifiée : Atelier mobilité"
    assert "mardi 6 juillet 2027, 14:00–16:00" in text_of(changed)
    assert calendar["METHOD"] == "REQUEST"
    assert entry["UID"] == first["UID"]
    assert entry["SEQUENCE"] > first["SEQUENCE"]
    assert entry["DTSTART"].dt.hour == 14


def test_description_change_sends_nothing(organizer, session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")
    fields = services.SessionFields(
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        description="Apportez un vélo.",
        venue=session.venue,
        capacity=session.capacity,
    )

    with on_commit():
        services.session_update(user=organizer, session=session, data=fields)

    assert len(received()) == 1


def test_cancelled_session_sends_a_cancel_with_the_same_uid(organizer, session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")
        register_over_http(session, "Zoé", "zoe@example.org")

    with on_commit():
        services.session_cancel(user=organizer, session=session)

    cancelled = received("awa@example.org")[-1]
    entry = event_of(calendar := calendar_of(cancelled))
    assert cancelled["Subject"] == "Séance annulée : Atelier mobilité"
    assert "est annulée par l'organisation" in text_of(cancelled)
    assert "/annuler/" not in text_of(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    assert (str(entry["UID"]), entry["STATUS"]) == (session_uid(session.uid.hex), "CANCELLED")
    # The waiting list is told too, without a calendar entry to remove.
    told = received("zoe@example.org")[-1]
    assert told["Subject"] == "Séance annulée : Atelier mobilité"
    assert calendar_of(told) is None


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(session, on_commit):
    def register_then_fail() -> None:
        with transaction.atomic():
            services.registration_create(session=session, name="Awa", email="awa@example.org")
            raise RuntimeError("a later step fails")

    with on_commit(), pytest.raises(RuntimeError):
        register_then_fail()

    assert mail.outbox == []
    assert OutgoingMail.objects.count() == 0


def test_mail_is_not_sent_inside_the_transaction(session):
    # Without a commit (the test's transaction never commits), the message waits in the outbox.
    services.registration_create(session=session, name="Awa", email="awa@example.org")

    assert mail.outbox == []
    assert OutgoingMail.objects.get().status == MailStatus.PENDING


def test_reminder_the_day_before_is_sent_once(session, on_commit):
    with on_commit():
        awa = register_over_http(session, "Awa", "awa@example.org")
    the_day_before = session.starts_at - timedelta(hours=20)
    Registration.objects.filter(pk=awa.pk).update(created_at=the_day_before - timedelta(days=3))

    with on_commit():
        first = event_mail.queue_reminders(the_day_before)
    with on_commit():
        again = event_mail.queue_reminders(the_day_before + timedelta(hours=1))

    assert (first, again) == (1, 0)
    reminders = [m for m in received("awa@example.org") if m["Subject"].startswith("Rappel")]
    assert [m["Subject"] for m in reminders] == ["Rappel : Atelier mobilité"]
    assert ticket_png(reminders[0]) is not None


def test_no_reminder_too_early_nor_for_a_cancelled_session(organizer, session):
    awa = services.registration_create(session=session, name="Awa", email="awa@example.org")
    Registration.objects.filter(pk=awa.pk).update(created_at=timezone.now() - timedelta(days=30))
    # The session is on 6 July 2027 at 10:00 (Paris): reminded from 5 July, 09:00.
    five_july_8h = session.starts_at - timedelta(hours=26)
    five_july_9h = session.starts_at - timedelta(hours=25)

    assert event_mail.due_reminders(session.starts_at - timedelta(hours=50)) == []
    assert event_mail.due_reminders(five_july_8h) == []
    assert [r.pk for r in event_mail.due_reminders(five_july_9h)] == [awa.pk]
    services.session_cancel(user=organizer, session=session)
    assert event_mail.due_reminders(session.starts_at - timedelta(hours=20)) == []


def test_reminder_command_is_idempotent(on_commit):
    # A session in three hours: a daily run that comes late still reminds it (once).
    today = timezone.localdate()
    event = make_event(starts_on=today, ends_on=today + timedelta(days=3), slug="bientot")
    starts_at = timezone.now() + timedelta(hours=3)
    session = Session.objects.create(
        event=event,
        title="Débat",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        capacity=5,
    )
    awa = services.registration_create(session=session, name="Awa", email="awa@example.org")
    Registration.objects.filter(pk=awa.pk).update(created_at=timezone.now() - timedelta(days=2))

    with on_commit():
        call_command("send_session_reminders", stdout=(out := _Buffer()))
        call_command("send_session_reminders", stdout=(again := _Buffer()))

    assert (out.text.strip(), again.text.strip()) == (
        "1 reminder(s) queued",
        "0 reminder(s) queued",
    )
    assert [m["Subject"] for m in received("awa@example.org")][-1] == "Rappel : Débat"


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, value: str) -> None:
        self.text += value

    def flush(self) -> None:
        pass


def test_organizer_writes_to_everyone_registered(client, organizer, session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")
        register_over_http(session, "Zoé", "zoe@example.org", language="en")  # waiting list
    client.force_login(organizer)
    url = reverse("events:session-message", kwargs={"slug": session.event.slug, "pk": session.pk})

    with on_commit():
        response = client.post(
            url, {"subject": "Changement de salle", "message": "Rendez-vous au 1er étage."}
        )
    with on_commit():
        client.post(
            url,
            {"subject": "Pour tous", "message": "Merci !", "include_waiting": "on"},
        )

    assert response.status_code == 302
    subjects = {
        (m["To"], m["Subject"])
        for m in received()
        if "Bonjour" in text_of(m) or "Hello" in text_of(m)
    }
    assert ("Awa <awa@example.org>", "Changement de salle") in subjects
    assert ("Zoé <zoe@example.org>", "Changement de salle") not in subjects
    assert ("Zoé <zoe@example.org>", "Pour tous") in subjects
    message = [m for m in received("awa@example.org") if m["Subject"] == "Changement de salle"][0]
    assert "Rendez-vous au 1er étage." in text_of(message)
    english = [m for m in received("zoe@example.org") if m["Subject"] == "Pour tous"][0]
    assert "Hello Zoé," in text_of(english)
    assert "Merci !" in text_of(english)


def test_organizer_message_needs_edit_rights(client, stranger, session):
    client.force_login(stranger)
    url = reverse("events:session-message", kwargs={"slug": session.event.slug, "pk": session.pk})

    response = client.post(url, {"subject": "Spam", "message": "Spam"})

    assert response.status_code in (403, 404)
    assert OutgoingMail.objects.count() == 0


def test_outbox_page_shows_sent_and_failed_and_retries(client, organizer, session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")
    services.registration_create(session=session, name="Zoé", email="zoe@example.org")
    OutgoingMail.objects.filter(to="zoe@example.org").update(
        status=MailStatus.FAILED, attempts=10, last_error="SMTPServerDisconnected: gone"
    )
    client.force_login(organizer)
    page = client.get(reverse("events:event-mails", kwargs={"slug": session.event.slug}))
    content = page.content.decode()

    assert page.status_code == 200
    assert "Envoyé (1)" in content
    assert "Échec (1)" in content
    assert "SMTPServerDisconnected: gone" in content
    failed = OutgoingMail.objects.get(to="zoe@example.org")
    with on_commit():
        client.post(
            reverse("events:event-mail-retry", kwargs={"slug": session.event.slug, "pk": failed.pk})
        )
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
    assert [m["Subject"] for m in received("zoe@example.org")] == [
        "Liste d'attente : Atelier mobilité"
    ]


def test_outbox_page_is_for_organizers_only(client, stranger, session):
    client.force_login(stranger)

    response = client.get(reverse("events:event-mails", kwargs={"slug": session.event.slug}))

    assert response.status_code in (403, 404)


def test_a_message_to_many_people_is_left_to_the_worker(client, organizer, event, on_commit):
    # The organizer's request does not wait for 25 SMTP deliveries; the worker sends them.
    big = make_session(event, capacity=30, title="Grand débat")
    for n in range(25):
        services.registration_create(session=big, name=f"P{n}", email=f"p{n}@example.org")
    mail.outbox.clear()
    OutgoingMail.objects.all().delete()
    client.force_login(organizer)

    with on_commit():
        client.post(
            reverse("events:session-message", kwargs={"slug": event.slug, "pk": big.pk}),
            {"subject": "Salle changée", "message": "Rendez-vous dans la grande salle."},
        )
    queued = OutgoingMail.objects.filter(status=MailStatus.PENDING).count()
    sent_by_the_request = len(mail.outbox)
    call_command("send_mail_outbox", stdout=_Buffer())

    assert (queued, sent_by_the_request) == (25, 0)
    assert len(mail.outbox) == 25
    assert OutgoingMail.objects.filter(status=MailStatus.SENT).count() == 25


def test_cancelling_sends_a_receipt_that_removes_the_calendar_entry(session, on_commit):
    with on_commit():
        awa = register_over_http(session, "Awa", "awa@example.org")
    with on_commit():
        services.registration_cancel(registration=awa)

    confirmation, receipt = received("awa@example.org")
    assert receipt["Subject"] == "Inscription annulée : Atelier mobilité"
    assert "est annulée, comme vous l'avez demandé" in text_of(receipt)
    assert ticket_png(receipt) is None
    calendar = calendar_of(receipt)
    assert calendar["METHOD"] == "CANCEL"
    assert event_of(calendar)["UID"] == event_of(calendar_of(confirmation))["UID"]


def test_ticket_image_is_inline_and_the_calendar_an_attachment(session, on_commit):
    with on_commit():
        register_over_http(session, "Awa", "awa@example.org")

    (message,) = received("awa@example.org")
    parts = {p.get_content_type(): p for p in message.walk()}
    assert parts["image/png"].get_content_disposition() == "inline"
    assert "multipart/related" in parts  # the HTML and its image travel together
    assert parts["text/calendar"].get_content_disposition() == "attachment"
    assert parts["text/calendar"].get_param("method") == "REQUEST"


def test_line_breaks_in_a_name_or_a_subject_make_no_broken_header(
    client, organizer, session, on_commit
):
    with on_commit():
        services.registration_create(
            session=session, name="Awa\nBcc: x@evil.test", email="a@example.org"
        )
    client.force_login(organizer)
    with on_commit():
        client.post(
            reverse(
                "events:session-message", kwargs={"slug": session.event.slug, "pk": session.pk}
            ),
            {"subject": "Salle\r\nBcc: x@evil.test", "message": "Texte"},
        )

    confirmation, message = received("a@example.org")
    assert confirmation["To"] == '"Awa Bcc: x@evil.test" <a@example.org>'
    assert message["Subject"] == "Salle Bcc: x@evil.test"
    assert message["Bcc"] is None
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["a@example.org"]]


def test_lost_mail_can_be_sent_again_but_not_in_a_loop(session, on_commit):
    browser = Client()
    with on_commit():
        awa = register_over_http(session, "Awa", "awa@example.org")
    OutgoingMail.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    resend = reverse("events:registration-resend", kwargs={"token": awa.token})

    with on_commit():
        first = browser.post(resend, follow=True)
    with on_commit():
        second = browser.post(resend, follow=True)

    assert "Courriel renvoyé à awa@example.org." in first.content.decode()
    assert "Un courriel vient de partir" in second.content.decode()
    subjects = [m["Subject"] for m in received("awa@example.org")]
    assert subjects == ["Inscription confirmée : Atelier mobilité"] * 2
    assert "/confirmer/" in link(received("awa@example.org")[1], "/confirmer/")


def test_organizer_pages_link_to_mail(client, organizer, session):
    client.force_login(organizer)
    dashboard = client.get(reverse("events:orga-event", kwargs={"slug": session.event.slug}))
    form_url = reverse(
        "events:session-message", kwargs={"slug": session.event.slug, "pk": session.pk}
    )
    form = client.get(form_url)

    assert reverse("events:event-mails", kwargs={"slug": session.event.slug}) in (
        dashboard.content.decode()
    )
    assert form_url in dashboard.content.decode()
    assert form.status_code == 200
    assert "Écrire aux inscrit·es" in form.content.decode()
    assert 'name="include_waiting"' in form.content.decode()
