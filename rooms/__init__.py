"""The live-room kernel: the room (meeting), its participants, phases, roles, command table,
sequence numbers, idempotent retries, group commit, room events and snapshot parts.

Every domain package (deliberation, voting) builds on it; it imports none of them.
"""
