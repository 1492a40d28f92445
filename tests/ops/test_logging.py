"""Logs: JSON lines with the request id, no ID numbers or phone numbers, the last errors kept for administrators."""

from __future__ import annotations

import json
import logging

from ops.logging import JsonFormatter, PersonalDataFilter, RecentErrorsHandler, RequestIdFilter, request_id_var

ID_NUMBER = "110105199003071234"
PHONE = "13812345678"


def _record(msg, *args, level=logging.ERROR, exc_info=None):
    return logging.LogRecord("renda.test", level, __file__, 1, msg, args, exc_info)


def test_a_log_record_with_an_id_number_and_a_phone_is_masked():
    record = _record("代表 %s 的手机 %s 无法发送", ID_NUMBER, PHONE)
    PersonalDataFilter().filter(record)
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert ID_NUMBER not in line and PHONE not in line
    entry = json.loads(line)
    assert entry["message"] == "代表 110105**********34 的手机 138****5678 无法发送"
    assert entry["level"] == "ERROR"


def test_a_traceback_is_masked_too():
    try:
        raise ValueError(f"bad id {ID_NUMBER}")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    PersonalDataFilter().filter(record)
    line = JsonFormatter().format(record)
    assert ID_NUMBER not in line
    assert "ValueError: bad id 110105**********34" in json.loads(line)["exception"]


def test_longer_numbers_are_not_mistaken_for_phones():
    record = _record("订单 %s", "2026112312345678901234")
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "订单 2026112312345678901234"


def test_a_log_line_inside_a_request_carries_its_request_id():
    token = request_id_var.set("req-inside")
    try:
        record = _record("inside")
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    assert json.loads(JsonFormatter().format(record))["request_id"] == "req-inside"


def test_the_not_found_log_of_a_request_carries_its_request_id(client, db):
    seen = []

    class Grab(logging.Handler):
        def emit(self, record):
            seen.append(record.request_id)

    handler = Grab()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abc")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc"
    assert seen == ["req-abc"]
    assert request_id_var.get() == ""


def test_the_settings_write_masked_json_and_keep_recent_errors(client, db, admin):
    logger = logging.getLogger("renda.ops-test")
    logger.error("短信发送失败：%s", PHONE)
    latest = RecentErrorsHandler.recent()[0]
    assert latest["message"] == "短信发送失败：138****5678"
    client.force_login(admin)
    page = client.get("/ops/errors/").content.decode()
    assert "短信发送失败：138****5678" in page
    assert PHONE not in page
    root = logging.getLogger()
    assert any(isinstance(h, RecentErrorsHandler) for h in root.handlers)
    assert any(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
