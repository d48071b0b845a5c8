"""Shape checks of joining a room over HTTP: the code typed on the home page, the join form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalise_join_code


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
