"""Signals other apps listen to, so that events/ never imports them (docs/decisions.md).

`registration_cancelled` is sent inside the transaction that cancels a registration, with
`registration` (already saved as cancelled): listeners change what depends on the ticket in the
same transaction (voting/passes.py withdraws its voting right and its ballots in open votes).
"""

from django.dispatch import Signal

registration_cancelled = Signal()
