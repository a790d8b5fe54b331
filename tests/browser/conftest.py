"""Playwright for Python driving Debian's Chromium (/usr/bin/chromium) against pytest-django's live server.

Missing Chromium, Playwright or axe-core skips these tests on a newcomer's machine and fails them in CI.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from accounts.services import profile_for
from parties.models import State
from tests.conftest import need_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        need_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need_service("Playwright for Python is not installed")
    # Playwright's sync API keeps an event loop in the test thread, while the tests still use the database
    # synchronously (to create users); Django allows that only when told so, for the browser tests alone.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        need_service(f"axe-core is not installed: npm install --prefix {AXE.parents[1]}")
    return str(AXE)


@pytest.fixture
def new_page(seeded: None, browser: object, live_server: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A factory of pages (each in its own context, so with its own cookies); screenshots are saved at the end."""
    contexts = []
    ARTIFACTS.mkdir(exist_ok=True)

    def make(locale: str = "en-GB", **options: object) -> object:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(15000)
        if AXE.exists():
            # An init script is injected by the browser itself, so the page's own CSP stays in force.
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for n, context in enumerate(contexts):
        for m, page in enumerate(context.pages):
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{n}-{m}.png"), full_page=True)
        context.close()


def make_user(username: str, states: list[str] = (), superuser: bool = False) -> object:
    user = get_user_model().objects.create_user(
        username=username, password="demo-password", is_superuser=superuser, is_staff=superuser
    )
    if states:
        profile_for(user).states.add(*State.objects.filter(alpha3__in=states))
    return user


def sign_in(page: object, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page: object, axe_source: str) -> None:
    """No serious or critical axe-core violation on the page as it stands (axe-core comes in by init script)."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)
