"""Every text the bot sends exists in English and Indonesian, with the same placeholders."""

from __future__ import annotations

import string
from datetime import timedelta

import pytest

from bot.i18n import LANGUAGES, catalog, duration, text


def placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    english, indonesian = catalog("en"), catalog("id")
    assert english.keys() == indonesian.keys()
    for key in english:
        assert placeholders(english[key]) == placeholders(indonesian[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["delete", "warn", "timeout", "kick", "ban"])
def test_every_notice_names_the_guideline_in_both_languages(language: str, kind: str) -> None:
    notice = text(language, f"notice.{kind}", guideline="Jaga bahasa", duration="1 jam")
    assert "Jaga bahasa" in notice and "{" not in notice and "@" not in notice


def test_durations_read_naturally() -> None:
    assert duration("en", timedelta(minutes=10)) == "10 minutes"
    assert duration("en", timedelta(hours=1)) == "1 hour"
    assert duration("id", timedelta(days=1)) == "1 hari"
    assert duration("id", timedelta(seconds=45)) == "45 detik"


def test_an_indonesian_community_is_told_in_indonesian() -> None:
    assert text("id", "notice.delete", guideline="Jaga bahasa").startswith("Pesanmu dihapus")
