"""Channel-layer group names. Built only here (ASCII letters, digits, -_. ; under 100 chars)."""


def room(meeting_id: int) -> str:
    """Every relay (one per server process) hosting sockets of this meeting."""
    return f"room.{int(meeting_id)}"
