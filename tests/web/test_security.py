"""The dashboard's guards, request by request: every route needs a session, roles are checked
on every route, forged cross-site requests change nothing, sessions and links behave."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot.events import Report
from bot.i18n import text
from storage.dashboard import LINK
from tests.web.conftest import PASSWORD
from tests.web.seed import Story
from tests.web.site import Site

Seeded = tuple[Site, Story]
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/login/{secret}")}
PUBLIC |= {("HEAD", p) for m, p in PUBLIC if m == "GET"} | {("GET", "/static/{name}")}
PUBLIC |= {("HEAD", "/static/{name}")}
FILL = {"community": "kopi", "number": "1", "id": "1", "kind": "csv", "secret": "x"}


def routes(site: Site) -> list[tuple[str, str, str]]:
    """(method, route pattern, a concrete path) for every route the dashboard serves."""
    assert site.dashboard.app is not None
    found = []
    for route in site.dashboard.app.router.routes():
        pattern = route.resource.canonical if route.resource else ""
        path = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: FILL.get(m.group(1), "style.css"), pattern)
        found.append((route.method, pattern, path))
    return found


def test_every_route_without_a_session_goes_to_login_or_answers_401(site: Seeded) -> None:
    running, _ = site
    checked = 0
    for method, pattern, path in routes(running):
        if (method, pattern) in PUBLIC:
            continue
        reply = running.request(method, path, form={} if method == "POST" else None)
        if method in ("GET", "HEAD"):
            assert reply.status == 303 and reply.location.startswith("/login"), (path, reply)
            bare = running.request(method, path, headers={"Accept": "*/*"})
            assert bare.status == 401, path
        else:
            assert reply.status == 401, (method, path, reply.status)
        checked += 1
    assert checked >= 14  # the list above is read from the router: new routes are checked too


def test_the_public_routes_hold_no_data(site: Seeded) -> None:
    running, _ = site
    assert running.request("GET", "/login").status == 200
    assert running.request("GET", "/static/style.css").status == 200
    assert running.request("GET", "/static/modbot.db").status == 404
    assert running.request("GET", "/login/not-a-link").status == 403


def _state(running: Site, story: Story) -> Any:
    async def read() -> Any:
        store = running.services.escalations.store
        esc = await store.get(story.escalations["gina"])
        faqs = running.services.faq.store
        return (
            esc.status if esc else None,
            await faqs.entries("kopi"),
            await faqs.entries("playground"),
            len(running.playground.transcript),
            await running.dashboard.store.accounts(),
        )

    return running.call(read())


def test_a_viewer_cannot_decide_edit_or_chat(site: Seeded) -> None:
    running, story = site
    cookie = running.sign_in("vic", PASSWORD)
    token = running.csrf(cookie)
    before = _state(running, story)
    number = story.escalations["gina"]
    attempts = [
        (f"/escalations/{number}/decide", {"verdict": "ban"}),
        (
            "/faq",
            {
                "community": "kopi",
                "name": "viewer-entry",
                "keywords": "x",
                "answer_en": "a",
                "answer_id": "a",
            },
        ),
        ("/faq/remove", {"community": "kopi", "name": "rules"}),
        ("/playground/say", {"member": "regular", "text": "hello from a viewer"}),
    ]
    for path, form in attempts:
        reply = running.request("POST", path, cookie=cookie, form={**form, "csrf": token})
        assert reply.status == 403, (path, reply.status)
    assert _state(running, story) == before
    assert running.request("GET", "/users", cookie=cookie).status == 403
    moderator = running.sign_in("mona", PASSWORD)
    assert running.request("GET", "/users", cookie=moderator).status == 403
    assert running.request("GET", "/users", cookie=running.sign_in("ada", PASSWORD)).status == 200


def test_forged_cross_site_posts_change_nothing(site: Seeded) -> None:
    running, story = site
    cookie = running.sign_in("mona", PASSWORD)
    token = running.csrf(cookie)
    other_token = running.csrf(running.sign_in("ada", PASSWORD))
    number = story.escalations["gina"]
    same = {"Origin": running.url, "Sec-Fetch-Site": "same-origin"}
    shapes: list[tuple[str, dict[str, str], dict[str, str] | None]] = [
        ("no token", same, {}),
        ("wrong token", same, {"csrf": "0" * 43}),
        ("another session's token", same, {"csrf": other_token}),
        (
            "wrong Origin",
            {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
            {"csrf": token},
        ),
        ("wrong Origin, no fetch metadata", {"Origin": "https://evil.example"}, {"csrf": token}),
        ("Origin null", {"Origin": "null"}, {"csrf": token}),
        ("another port", {"Origin": "http://127.0.0.1:1"}, {"csrf": token}),
        ("no Origin", {"Sec-Fetch-Site": "same-origin"}, {"csrf": token}),
        ("Sec-Fetch-Site cross-site", {**same, "Sec-Fetch-Site": "cross-site"}, {"csrf": token}),
        ("Sec-Fetch-Site same-site", {**same, "Sec-Fetch-Site": "same-site"}, {"csrf": token}),
        ("token in a JSON body", {**same, "Content-Type": "application/json"}, None),
    ]
    targets = [
        (f"/escalations/{number}/decide", {"verdict": "ban"}),
        (
            "/faq",
            {
                "community": "kopi",
                "name": "forged",
                "keywords": "x",
                "answer_en": "a",
                "answer_id": "a",
            },
        ),
        ("/faq/remove", {"community": "kopi", "name": "rules"}),
        ("/playground/say", {"member": "regular", "text": "forged"}),
        ("/logout", {}),
    ]
    before = _state(running, story)
    refusals = len(running.dashboard.app[_refusals()]) if running.dashboard.app else 0
    sent = 0
    for name, headers, form in shapes:
        for path, fields in targets:
            body = None if form is None else {**fields, **form}
            reply = running.request(
                "POST", path, cookie=cookie, headers=headers, form=body, same_origin=False
            )
            assert reply.status == 403, (name, path, reply.status, reply.body)
            sent += 1
    for path, fields in targets:  # a GET never changes anything, whatever it carries
        query = "&".join(f"{k}={v}" for k, v in {**fields, "csrf": token}.items())
        assert running.request("GET", f"{path}?{query}", cookie=cookie).status in (200, 405)
        sent += 1
    assert _state(running, story) == before
    assert running.request("GET", "/cases", cookie=cookie).status == 200  # still signed in
    assert running.dashboard.app is not None
    assert len(running.dashboard.app[_refusals()]) - refusals == sent - len(targets)
    print(f"\n{sent} forged requests, 0 state changes")


def _refusals() -> Any:
    from bot.web.keys import REFUSALS

    return REFUSALS


def test_signing_out_ends_the_session_and_chosen_cookies_are_never_adopted(
    site: Seeded,
) -> None:
    running, _ = site
    first, second = running.sign_in("mona", PASSWORD), running.sign_in("mona", PASSWORD)
    assert first != second and len(first) >= 40  # a new random secret every sign-in
    token = running.csrf(first)
    assert running.request("POST", "/logout", cookie=first, form={"csrf": token}).status == 303
    assert running.request("GET", "/cases", cookie=first).status == 303  # back to login
    assert running.request("GET", "/cases", cookie=second).status == 200  # other one lives
    planted = running.request("GET", "/cases", cookie="attacker-chosen-value")
    assert planted.status == 303 and planted.location.startswith("/login")


def test_the_session_cookie_is_httponly_and_strict_and_pages_carry_a_strict_csp(
    site: Seeded,
) -> None:
    running, _ = site
    reply = running.request("POST", "/login", form={"name": "vic", "password": PASSWORD})
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    secret = re.search(r"modbot_session=([^;]+)", cookie)
    assert secret is not None
    for path in ("/login", "/cases", "/playground", "/health", "/static/style.css"):
        page = running.request("GET", path, cookie=secret.group(1))
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_a_login_link_works_once_and_only_when_opened_directly(site: Seeded) -> None:
    running, _ = site

    async def link() -> str:
        store = running.dashboard.store
        account = await store.account("mona")
        assert account is not None
        from datetime import timedelta

        from bot.events import utcnow

        return await store.issue(account, LINK, utcnow(), timedelta(minutes=5))

    secret = running.call(link())
    crossed = running.request("GET", f"/login/{secret}", headers={"Sec-Fetch-Site": "cross-site"})
    assert crossed.status == 403  # another site cannot sign a browser in (login CSRF)
    opened = running.request("GET", f"/login/{secret}", headers={"Sec-Fetch-Site": "none"})
    assert opened.status == 303 and "modbot_session=" in opened.headers["Set-Cookie"]
    again = running.request("GET", f"/login/{secret}", headers={"Sec-Fetch-Site": "none"})
    assert again.status == 403


def test_ten_wrong_passwords_lock_the_account_for_a_while(site: Seeded) -> None:
    running, _ = site
    running.add_user("locky", "viewer", PASSWORD)
    for _ in range(10):
        wrong = running.request("POST", "/login", form={"name": "locky", "password": "nope"})
        assert wrong.status == 401
    locked = running.request("POST", "/login", form={"name": "locky", "password": PASSWORD})
    assert locked.status == 429


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_after_signing_in_the_browser_never_leaves_the_site(site: Seeded, target: str) -> None:
    running, _ = site
    reply = running.request(
        "POST", "/login", form={"name": "vic", "password": PASSWORD, "next": target}
    )
    assert reply.status == 303 and reply.location == "/"


def test_only_a_dashboard_admin_may_sanction_a_moderator(site: Seeded) -> None:
    running, _ = site

    async def report_a_moderator() -> int:
        fake = running.fake
        msg = fake.message("rude words from a mod", author="modmia", moderator=True)
        await fake.deliver(msg)
        await running.core.on_report(Report(msg, fake.member("zed"), "rude", running.clock()))
        opened = await running.services.escalations.store.open_ones()
        return next(e.id for e in opened if e.user_name == "modmia")

    number = running.call(report_a_moderator())
    for name, told in (
        ("mona", text("en", "authz.outranks", user="modmia")),
        ("ada", f"Done: escalation #{number}, Timeout 1 hour."),
    ):
        cookie = running.sign_in(name, PASSWORD)
        form = {"verdict": "timeout:1h", "csrf": running.csrf(cookie)}
        reply = running.request("POST", f"/escalations/{number}/decide", cookie=cookie, form=form)
        assert reply.status == 303
        shown = running.request("GET", reply.location, cookie=cookie).body
        flash = re.search(r'<p class="flash" id="flash">([^<]*)</p>', shown)
        assert flash is not None and html.unescape(flash.group(1)) == told, name
