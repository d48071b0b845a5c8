"""System checks of the events app (`manage.py check`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility)
def mail_links_need_site_url(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Mail carries absolute links (ticket, cancel, confirmation): without SITE_URL they point
    to http://localhost:8000, which only works on the developer's machine."""
    if getattr(settings, "EMAIL_ENABLED", False) and not settings.SITE_URL:
        return [
            Warning(
                "EMAIL_ENABLED is set but SITE_URL is empty: links in mail will point to "
                "http://localhost:8000.",
                hint="Set SITE_URL to the public address, e.g. https://reunion.example.org.",
                id="events.W001",
            )
        ]
    return []
