"""The shared log redactor masks Discord tokens, and interaction and webhook URL tokens."""

from __future__ import annotations

from adapters.redact import Redactor

DISCORD = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GAbCdE.fakeTokenForTests_abcdefghijklmnop012"


def test_a_discord_token_is_masked_as_given_and_by_its_shape() -> None:
    assert Redactor([DISCORD]).scrub(f"token={DISCORD}!") == "token=<redacted>!"
    other = "OTk5OTk5OTk5OTk5OTk5OTk5OTk.XyZ123.anotherTokenOfTheSameShape_abcdefgh"
    assert Redactor([]).scrub(f"leaked {other} here") == "leaked <redacted> here"


def test_interaction_and_webhook_tokens_in_urls_are_masked() -> None:
    scrub = Redactor([]).scrub
    callback = "POST http://x/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIz:secret-xyz/callback"
    assert scrub(callback) == "POST http://x/api/v10/interactions/123/<redacted>/callback"
    followup = "PATCH /webhooks/900/aW50Zm9sbG93:tok_en/messages/@original?wait=1"
    assert scrub(followup) == "PATCH /webhooks/900/<redacted>/messages/@original?wait=1"


def test_a_token_field_in_a_logged_payload_is_masked() -> None:
    event = "WebSocket Event: {'op': 0, 'd': {'id': '7', 'token': 'aW50ZXJh:secret', 'type': 2}}"
    assert Redactor([]).scrub(event) == (
        "WebSocket Event: {'op': 0, 'd': {'id': '7', 'token': '<redacted>', 'type': 2}}"
    )
    assert Redactor([]).scrub('{"token": "abc"}') == '{"token": "<redacted>"}'


def test_ordinary_text_is_left_alone() -> None:
    text = "DELETE /channels/810000000000000001/messages/1000 with None has returned 204"
    assert Redactor(["s3cret"]).scrub(text) == text
