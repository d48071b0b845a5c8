"""Cleaning the text people type: one rule for every app (meetings, votes, programmes).

Removed: control characters (tab and new line stay), lone surrogates, and the characters that
hide or reorder text: zero-width space, left-to-right and right-to-left marks, bidi embeddings,
overrides and isolates. Kept: the zero-width non-joiner and joiner (U+200C, U+200D) inside text:
they join emoji into one picture (👩🏽‍🌾, families, flags) and shape Persian and Indic words;
at the ends of a text they mean nothing and are trimmed with the spaces.

A text made only of invisible characters (spaces, joiners, variation selectors, format
characters, lone combining marks, fillers) cleans to "": callers refuse it as empty.
See docs/security.md.
"""

from __future__ import annotations

import re
import unicodedata

_REMOVED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_EDGES = re.compile(r"^[\s\u200c\u200d]+|[\s\u200c\u200d]+$")
# Spaces, controls, format characters (joiners, tags, soft hyphen...), combining marks alone
# (variation selectors among them). Unassigned code points count as visible: they may be emoji
# newer than this Python's Unicode tables.
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"})
# Letters and symbols that are drawn as nothing (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_visible(char: str) -> bool:
    return char not in _BLANK_LETTERS and unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def clean_text(value: str | None) -> str:
    """NFC, one kind of line break, no hiding or reordering characters, trimmed; "" when
    nothing visible is left."""
    value = _REMOVED.sub("", value or "")
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _EDGES.sub("", value)
    return value if any(is_visible(c) for c in value) else ""
