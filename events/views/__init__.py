"""HTTP pages of events, one module per audience: public pages (public.py), secret links
(links.py), iCal feeds (feeds.py), the door check-in (checkin.py), and the organizer
(organizer.py, organizer_mail.py). What they share is in common.py.

Opening a live meeting for a session is a meeting page: deliberation/views_sessions.py.
"""
