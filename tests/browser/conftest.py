"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in this thread; Django's async-safety check would then refuse ORM calls made
by the test itself (seeding, asserting rows), so it is switched off for this directory only.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "static" / "vendor" / "axe.min.js"
PASSWORD = "Pass-word-123"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, request, live_server):
    """new_page(phone=True) → a page in a fresh context (own cookies). Failing tests leave a screenshot of each."""
    contexts = []

    def _new(phone=False):
        viewport = PHONE if phone else DESKTOP
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                with contextlib.suppress(Exception):  # a closed page must not hide the real failure
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{i}-{j}.png"), full_page=True)
    for context in contexts:
        context.close()


def log_in(page, username, password=PASSWORD):
    """Through the real login page, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (served from static/vendor, never a CDN) on the page; the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail("static/vendor/axe.min.js is missing: run `make assets`.")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # By URL from our own origin: the CSP allows only script-src 'self', as for every script of the app.
        page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] in impacts:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:5]]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return found


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than its viewport (0 = no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The suggestion lifecycle's cast and driver (real services), shared with tests/suggestions.
from tests.suggestions.conftest import Flow, People, flow, people  # noqa: E402,F401


@pytest.fixture
def picker_staff(world, make_user):
    """Township staff of 城关镇 with three deputies there (two named 周建…), for the deputy pickers' browser tests."""
    from accounts.models import Role
    from tests import factories as f

    for name in ("周建华", "周建国", "吴立新"):
        person = f.PersonFactory(name=name, township=world.area_a)
        f.SeatFactory(person=person, term=world.town_a_term, congress=world.town_a)
    return make_user(Role.TOWN_STAFF, congress=world.town_a)
