"""Shape checks for the HTTP forms; rules stay in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from events.models import Session
from events.permissions import editable_sessions
from rooms.services import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalise_join_code


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de la réunion"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                _("Un code a %(length)s caractères, lettres et chiffres."),
                params={"length": JOIN_CODE_LENGTH},
            )
        return code


class JoinForm(forms.Form):
    name = forms.CharField(
        label=_("Votre prénom ou pseudo (facultatif)"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    # Off by default: only the person's own choice puts a name in the minutes (RGPD).
    listed = forms.BooleanField(label=_("Faire figurer mon nom au compte-rendu"), required=False)


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
