"""Config mistakes every rule type refuses at load time, with a message a moderator can act on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rules import RULE_TYPES

BAD_PARAMS = [
    ("words", {}, "give `words`, `lexicons` or both"),
    ("words", {"lexicons": ["en-rude"]}, "unknown lexicon 'en-rude'"),
    ("words", {"words": ["***"]}, "has no letters"),
    ("regex", {"patterns": ["(a+)+$"]}, "nested quantifier"),
    ("regex", {"patterns": ["x"], "view": "raw"}, "view"),
    ("links", {}, "give `deny` domains or set `block_all = true`"),
    ("links", {"deny": ["https://evil.com/x"]}, "is not a domain"),
    ("invites", {"platforms": ["whatsapp"]}, "'discord' or 'telegram'"),
    ("mentions", {"max_unique": 0}, "greater than or equal to 1"),
    ("flood", {"within": "5 minutes"}, "must be a duration like '30s'"),
    ("duplicates", {"count": 1}, "greater than or equal to 2"),
    ("caps", {"max_ratio": 1.5}, "less than or equal to 1"),
    ("emoji", {"max": 0}, "greater than or equal to 1"),
    ("zalgo", {"max_marks_per_char": 0}, "greater than or equal to 1"),
    ("length", {}, "give `max_chars`, `max_lines` or both"),
    ("newcomer", {"only_if": ["link"]}, "give `account_younger_than`"),
    ("attachments", {"deny_kinds": ["pdf"]}, "'image', 'video', 'audio', 'sticker' or 'file'"),
    ("toxicity", {"label": "rudeness"}, "unknown label 'rudeness'"),
    ("toxicity", {"act_at": 0.6}, "escalate_at (0.7) must be below act_at (0.6)"),
    ("caps", {"max_ratoi": 0.5}, "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("rule_type", "params", "says"), BAD_PARAMS)
def test_a_bad_param_is_refused_with_a_clear_message(
    rule_type: str, params: dict, says: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        RULE_TYPES[rule_type].Params(**params)
    assert says in str(refused.value)


def test_every_rule_type_has_a_refused_params_example() -> None:
    assert {row[0] for row in BAD_PARAMS} == set(RULE_TYPES)
