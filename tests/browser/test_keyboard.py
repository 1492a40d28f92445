"""Keyboard only: the login form and the deputy's suggestion form (on a 375 px phone) are reached in order with Tab,
show where the focus is, submit with Enter, and announce each error next to its field (role=alert, tied to the
field by aria-describedby, the field marked aria-invalid)."""

import pytest

from suggestions.models import Suggestion

from .conftest import PASSWORD, log_in

pytestmark = pytest.mark.browser

FOCUS = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {id: el.id, tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.innerText || '').trim(),
          visible: el.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def tab_until(page, predicate, limit=40):
    """Press Tab until the focused element satisfies `predicate` (or it is focused already, e.g. by autofocus); every
    element on the way must show its focus."""
    focus = page.evaluate(FOCUS)
    if predicate(focus):
        assert focus["visible"], f"focus not visible on {focus}"
        return [focus]
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        seen.append(focus)
        assert focus["visible"], f"focus not visible on {focus}"
        if predicate(focus):
            return seen
    raise AssertionError(f"Tab never reached the element; went through {seen}")


def assert_error_next_to(page, field_id, message):
    """The error is in the field's own block, announced (role=alert) and tied to the field."""
    error = page.locator(f"#{field_id}_error")
    assert error.inner_text() == message
    assert error.get_attribute("role") == "alert"
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    assert f"{field_id}_error" in field.get_attribute("aria-describedby").split()
    same_block = page.evaluate(
        "([f, e]) => document.getElementById(f).closest('.field') === document.getElementById(e).closest('.field')",
        [field_id, f"{field_id}_error"],
    )
    assert same_block, f"the error of {field_id} is not next to it"


def test_the_login_form_works_with_the_keyboard_only(new_page, people):
    page = new_page()
    page.goto("/accounts/login/")
    tab_until(page, lambda f: f["id"] == "id_username")

    # Enter on an empty form: each field says what is missing, next to it.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url
    assert_error_next_to(page, "id_username", "该字段是必填项。")
    assert_error_next_to(page, "id_password", "该字段是必填项。")

    # Username, Tab, password, then Tab reaches the login button; Enter submits.
    page.goto("/accounts/login/")
    tab_until(page, lambda f: f["id"] == "id_username")
    page.keyboard.type(people.deputy.username)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    focus = page.evaluate(FOCUS)
    assert (focus["tag"], focus["text"], focus["visible"]) == ("button", "登录", True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url
    assert "代表，您好" in page.locator("h1").inner_text()


def test_the_deputys_suggestion_form_works_with_the_keyboard_only_on_a_phone(new_page, people):
    page = new_page(phone=True)
    log_in(page, people.deputy.username)
    page.goto("/suggestions/mine/new/")

    # The fields come in reading order, then the save button.
    order = [f["id"] or f["text"] for f in tab_until(page, lambda f: f["text"] == "保存草稿")]
    fields = ["id_title", "id_content", "id_category", "id_meeting", "id_files", "保存草稿"]
    assert [x for x in order if x in fields] == fields

    # Enter on the button with nothing filled in: the errors, each next to its field.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_error_next_to(page, "id_title", "请填写标题")
    assert_error_next_to(page, "id_content", "请填写建议内容")
    assert not Suggestion.objects.exists()

    # Filled in from the keyboard: typing, arrow keys in the selects, Enter in the title field submits.
    page.goto("/suggestions/mine/new/")
    tab_until(page, lambda f: f["id"] == "id_title")
    page.keyboard.press("Tab")
    page.keyboard.type("城关小学门前上下学时段车辆拥堵，学生过街不安全，建议增设护学岗、减速带和临时停车区。")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["id"] == "id_category"
    page.keyboard.press("ArrowDown")  # the first category after the empty choice
    assert page.locator("#id_category option:checked").inner_text() == "教育"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS)["id"] == "id_title"
    page.keyboard.type("关于城关小学门前交通安全的建议")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    s = Suggestion.objects.get()
    assert (s.title, s.category.name, s.state) == ("关于城关小学门前交通安全的建议", "教育", Suggestion.State.DRAFT)
    assert "关于城关小学门前交通安全的建议" in page.locator("main").inner_text()
