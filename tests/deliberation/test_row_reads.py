"""The lean read of one row (rooms/sql.py ``get_one``) that every phone joining makes: the same
object as the ORM's ``get``, on SQLite and on PostgreSQL (issue 14)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rooms import selectors, sql
from rooms.models import Meeting, Participant
from tests.factories import make_meeting, make_participant

pytestmark = pytest.mark.django_db


def field_values(obj) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_meeting_read_is_the_one_the_orm_reads():
    started = timezone.now() - datetime.timedelta(minutes=5)
    meeting = make_meeting(
        description="Salle des fêtes\nentrée côté parc",
        premoderation=True,
        revealed=False,
        seq=2**40,
        started_at=started,
        projection={"view": "list", "contrast": True, "highlight": None},
    )

    lean = sql.get_one(Meeting, join_code=meeting.join_code)
    orm = Meeting.objects.get(pk=meeting.pk)

    assert field_values(lean) == field_values(orm)
    assert lean.projection == {"view": "list", "contrast": True, "highlight": None}
    assert lean.premoderation is True
    assert lean.revealed is False
    assert lean.started_at == started
    assert timezone.is_aware(lean.created_at)
    assert lean._state.adding is False
    assert lean.get_phase_display() == orm.get_phase_display()


def test_a_participant_is_found_by_meeting_and_device_only():
    meeting, other = make_meeting(), make_meeting()
    lea = make_participant(meeting, "Léa")

    assert selectors.participant_for_device(meeting, lea.device) == lea
    assert selectors.participant_for_device(meeting, lea.device).display_name == "Léa"
    assert selectors.participant_for_device(other, lea.device) is None
    assert selectors.participant_for_device(meeting, "another-phone") is None
    assert selectors.participant_for_device(meeting, None) is None
    assert Participant.objects.count() == 1


def test_a_meeting_is_found_by_its_code_typed_however_with_one_statement(
    django_assert_num_queries,
):
    meeting = make_meeting()
    typed = f" {meeting.join_code[:3].lower()}-{meeting.join_code[3:]} "

    with django_assert_num_queries(1):
        found = selectors.meeting_by_code(typed)

    assert found == meeting
    assert found.title == meeting.title
    assert selectors.meeting_by_code("ZZZZZZ") is None


def test_a_batch_locks_the_meeting_row_where_the_database_has_row_locks():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    meeting = make_meeting()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = sql.get_one(Meeting, for_update=True, id=meeting.pk)

    assert locked == meeting
    (statement,) = [q["sql"] for q in queries.captured_queries if "SELECT" in q["sql"]]
    assert statement.endswith("FOR UPDATE") == connection.features.has_select_for_update
