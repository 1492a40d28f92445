"""Every deputy phone page fits a 375 px screen without horizontal scrolling, and axe-core (served from our own
static files) finds no serious or critical accessibility violation there or on the main staff pages."""

import pytest

from duties import defaults as duty_defaults
from duties import services as duty_services
from tests import factories as f

from .conftest import axe_violations, horizontal_overflow, log_in

pytestmark = pytest.mark.browser

MOBILE_PAGES = [
    ("首页", "/"),
    ("我的建议", "/suggestions/mine/"),
    ("提出建议", "/suggestions/mine/new/"),
    ("我的履职", "/duties/m/"),
    ("登记履职", "/duties/m/new/"),
    ("履职档案", "/duties/m/archive/"),
    ("我的培训", "/training/my/"),
    ("进站值班", "/stations/my/"),
    ("选民留言", "/stations/my/messages/"),
]


def _duty_types():
    for code, _name, _self in duty_defaults.DUTY_TYPES:
        duty_services.duty_type(code)


@pytest.fixture
def scene(world, people, flow):
    """A deputy with a suggestion answered and waiting for their rating, and one handled item for the staff pages."""
    _duty_types()
    answered = flow.to("answered", title="关于改善城关小学周边交通安全的建议")
    handling = flow.to("handling", title="关于加快农村公路养护的建议")
    return {"answered": answered, "handling": handling}


def test_every_deputy_phone_page_fits_375px_and_has_no_serious_accessibility_violation(new_page, people, scene):
    page = new_page(phone=True)
    log_in(page, people.deputy.username)
    problems = []
    for label, url in MOBILE_PAGES:
        response = page.goto(url)
        assert response.status == 200, f"{label} {url}: {response.status}"
        assert page.viewport_size["width"] == 375
        overflow = horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{label} {url}: {overflow}px wider than the screen")
        problems += [f"{label} {url}: {v}" for v in axe_violations(page)]
    assert problems == [], "\n".join(problems)
    # The home page tells the deputy what needs them: the answer to rate, by title.
    page.goto("/suggestions/mine/")
    assert "关于改善城关小学周边交通安全的建议" in page.locator("main").inner_text()


def test_main_staff_pages_have_no_serious_accessibility_violation(new_page, world, people, scene, make_user):
    station_staff = people.staff
    f.GroupFactory(congress=world.county, name="城关第一代表小组")
    pages = {
        "staff": [
            ("工作台", "/", "工作台"),
            ("代表名册", "/deputies/", "李代表"),
            ("建议列表", "/suggestions/", "关于加快农村公路养护的建议"),
            ("建议详情", f"/suggestions/{scene['handling'].pk}/", "关于加快农村公路养护的建议"),
            ("代表之家", "/stations/", None),
            ("培训", "/training/", None),
        ],
        "unit": [("承办待办", "/suggestions/todo/", "关于加快农村公路养护的建议")],
    }
    users = {"staff": station_staff, "unit": people.unit_staff}
    problems = []
    for who, items in pages.items():
        page = new_page()
        log_in(page, users[who].username)
        for label, url, expected in items:
            response = page.goto(url)
            assert response.status == 200, f"{label} {url}: {response.status}"
            if expected:
                assert expected in page.locator("main").inner_text(), label
            problems += [f"{label} {url}: {v}" for v in axe_violations(page)]
    assert problems == [], "\n".join(problems)
