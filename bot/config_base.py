"""Building blocks shared by every config section: strict models, slugs, localised text."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["en", "id"]
SanctionName = Literal["none", "warn", "timeout", "kick", "ban"]
MAX_TIMEOUT = timedelta(days=28)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def slug(value: str) -> str:
    """Validate a short id: lower-case letters, digits, '-' and '_'."""
    if not _SLUG.match(value):
        raise ValueError(
            f"must be a short id of lower-case letters, digits, '-' or '_' (got {value!r})"
        )
    return value


class Localized(Strict):
    """A text in every language the bot speaks."""

    en: str = Field(min_length=1)
    id: str = Field(min_length=1)

    def __call__(self, language: str) -> str:
        return self.id if language == "id" else self.en
