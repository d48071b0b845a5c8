import pytest
from hypothesis import settings

# No example database on disk (the suite runs with -p no:cacheprovider and a read-only tree is
# fine); no deadline because the first call of a tally warms up caches.
settings.register_profile("voting", database=None, deadline=None, max_examples=150)
settings.load_profile("voting")


@pytest.fixture
def room():
    """A meeting in the vote phase and three participants (Léa, Karim, Inès)."""
    from rooms.enums import RoomPhase
    from tests.factories import make_meeting, make_participant

    meeting = make_meeting(phase=RoomPhase.VOTE)
    return meeting, [make_participant(meeting, n) for n in ("Léa", "Karim", "Inès")]
