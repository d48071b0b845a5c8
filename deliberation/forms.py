"""Shape checks for the HTTP forms; rules stay in services. (Joining a room: rooms/forms.py.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from events.models import Session
from events.permissions import editable_sessions

# Interpolated per form (in the request's language), not at import.
DESCRIPTION_HELP = ngettext_lazy(
    "%(max)s caractère au plus : elle s'affiche sur chaque téléphone.",
    "%(max)s caractères au plus : elle s'affiche sur chaque téléphone.",
    "max",
)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        required=False,
        max_length=settings.MEETING_DESCRIPTION_MAX_LENGTH,
    )
    session = forms.ModelChoiceField(
        label=_("Séance du programme (facultatif)"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("Seules les séances des événements que vous organisez sont proposées."),
    )
    premoderation = forms.BooleanField(
        label=_("Pré-modération : les idées attendent votre accord avant d'être affichées"),
        required=False,
    )
    hidden_until_reveal = forms.BooleanField(
        label=_("Idées cachées jusqu'à la révélation (évite l'effet d'ancrage)"),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        """Offer only the sessions of the events `user` may edit (events/permissions.py)."""
        super().__init__(*args, **kwargs)
        limit = settings.MEETING_DESCRIPTION_MAX_LENGTH
        self.fields["description"].help_text = DESCRIPTION_HELP % {"max": limit}
        self.fields["session"].queryset = (
            editable_sessions(user).select_related("event").order_by("starts_at")
        )
