"""Pure tally functions for prioritisation votes (no Django, no ORM).

Every ``tally_*`` function takes plain data (lists of dicts, sets or lists of option ids, which are
``str`` or ``int``) and returns a frozen dataclass with a ``to_dict()`` for the wire. Every result
is a :class:`TallyResult` (``ballot_count``, ``explanation_fr`` / ``explanation_en``: one sentence
on why the winner is ahead, ``method``); every method but yes / no returns a
:class:`RankedResult`, which adds the ``options``, a full ``ranking`` (a tuple of :class:`Place`;
a place holding several options is a tie) and the ``tie_breaks`` that were applied (stable
``rule`` code plus a French and an English sentence).

Ballot validation: ``validate_*_ballot`` functions check one ballot when it is cast; the ``tally_*``
functions re-check the aggregated data (cheaply) and raise the same :class:`BallotError` codes.
Options listed in ``options`` define the order used inside ties and in every per-option mapping.

One module per method family: ``base`` (results, places, tie-breaks, shared helpers),
``plurality`` (dots, approval), ``majority_judgment``, ``ranked`` (Borda, Schulze), ``score``,
``yes_no``. The exact rules (missing grades, unranked options, tie-breaking) are in
``docs/voting.md``.
"""

from .base import BallotError, OptionId, Place, RankedResult, TallyResult, TieBreak
from .majority_judgment import (
    DEFAULT_GRADE_SCALE,
    GradeScale,
    MajorityJudgmentResult,
    majority_value_order,
    mj_reason,
    tally_majority_judgment,
    validate_grades_ballot,
)
from .plurality import (
    ApprovalResult,
    CountedResult,
    DotsResult,
    tally_approval,
    tally_dots,
    validate_approval_ballot,
    validate_dots_ballot,
)
from .ranked import (
    BordaResult,
    SchulzeResult,
    decode_strength,
    pairwise_matrix,
    strongest_paths,
    tally_borda,
    tally_schulze,
    validate_ranked_ballot,
)
from .score import ScoreResult, tally_score, validate_score_ballot
from .yes_no import YES_NO_CHOICES, YesNoResult, tally_yes_no, validate_yes_no_ballot

__all__ = [
    "DEFAULT_GRADE_SCALE",
    "YES_NO_CHOICES",
    "ApprovalResult",
    "BallotError",
    "BordaResult",
    "CountedResult",
    "DotsResult",
    "GradeScale",
    "MajorityJudgmentResult",
    "OptionId",
    "Place",
    "RankedResult",
    "SchulzeResult",
    "ScoreResult",
    "TallyResult",
    "TieBreak",
    "YesNoResult",
    "decode_strength",
    "majority_value_order",
    "mj_reason",
    "pairwise_matrix",
    "strongest_paths",
    "tally_approval",
    "tally_borda",
    "tally_dots",
    "tally_majority_judgment",
    "tally_schulze",
    "tally_score",
    "tally_yes_no",
    "validate_approval_ballot",
    "validate_dots_ballot",
    "validate_grades_ballot",
    "validate_ranked_ballot",
    "validate_score_ballot",
    "validate_yes_no_ballot",
]
