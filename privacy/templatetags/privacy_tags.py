"""{% privacy_join_notice meeting participant %} and {% privacy_url organization %}."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from privacy import services

register = template.Library()


@register.simple_tag
def privacy_url(organization: Any = None) -> str:
    """The notice page of an organization, or the instance's."""
    if organization is None:
        return reverse("privacy:site")
    return reverse("privacy:organization", kwargs={"pk": organization.pk})


@register.inclusion_tag("privacy/_join_notice.html")
def privacy_join_notice(
    meeting: Any, participant: Any = None, with_choice: bool = True
) -> dict[str, Any]:
    """The short notice under the join form: what is kept, for how long, who sees it.
    `with_choice`: the form above has the "name in the minutes" box (else: "Mes données")."""
    organization = services.organization_of_meeting(meeting)
    return {
        "meeting": meeting,
        "participant": participant,
        "with_choice": with_choice,
        "notice": services.notice_for(organization),
        "url": privacy_url(organization),
    }
