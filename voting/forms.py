"""Shape checks for the facilitator's HTTP forms of votes; rules stay in voting/passes.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .passes import MAX_LINKS_AT_ONCE


class LinksForm(forms.Form):
    """How many personal links to make, or the names to make them for (one per line)."""

    count = forms.IntegerField(
        label=_("Nombre de liens"),
        min_value=1,
        max_value=MAX_LINKS_AT_ONCE,
        required=False,
    )
    names = forms.CharField(
        label=_("ou une liste de noms, un par ligne"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=60_000,
    )
