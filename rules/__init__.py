"""Rule types: every kind of guideline check modbot knows, by the name configs use."""

from __future__ import annotations

from rules.attachments import AttachmentsRule
from rules.base import Rule
from rules.caps import CapsRule
from rules.duplicates import DuplicatesRule
from rules.emoji import EmojiRule
from rules.flood import FloodRule
from rules.invites import InvitesRule
from rules.length import LengthRule
from rules.links import LinksRule
from rules.mentions import MentionsRule
from rules.newcomer import NewcomerRule
from rules.regex import RegexRule
from rules.toxicity import ToxicityRule
from rules.words import WordsRule
from rules.zalgo import ZalgoRule

RULE_TYPES: dict[str, type[Rule]] = {
    "words": WordsRule,
    "regex": RegexRule,
    "links": LinksRule,
    "invites": InvitesRule,
    "mentions": MentionsRule,
    "flood": FloodRule,
    "duplicates": DuplicatesRule,
    "caps": CapsRule,
    "emoji": EmojiRule,
    "zalgo": ZalgoRule,
    "length": LengthRule,
    "newcomer": NewcomerRule,
    "attachments": AttachmentsRule,
    "toxicity": ToxicityRule,
}
