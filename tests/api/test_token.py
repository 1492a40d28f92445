import datetime as dt
import hashlib
import logging

import time_machine
from django.utils import timezone

from accounts.models import ApiToken
from core.models import AuditEntry

from ..conftest import PASSWORD

URL = "/api/v1/auth/token/"


def login(client, username, password=PASSWORD):
    return client.post(URL, {"username": username, "password": password}, format="json")


def test_a_user_logs_in_with_username_and_gets_a_token_that_authenticates(api, make_user, roster):
    user = make_user("staff", username="clerk")
    client = api()
    response = login(client, "clerk")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/deputies/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, object_id=str(user.pk)).exists()


def test_a_deputy_logs_in_with_a_phone_number(api, make_user):
    make_user("deputy", username="deputy1", phone="13812341234")
    assert login(api(), "13812341234").status_code == 200


def test_only_the_sha256_digest_of_the_token_is_stored(api, make_user):
    user = make_user("staff", username="clerk")
    key = login(api(), "clerk").json()["token"]
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert not ApiToken.objects.filter(digest=key).exists()


def test_the_token_expires_after_the_configured_hours(api, make_user, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    make_user("staff", username="clerk")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        body = login(api(), "clerk").json()
        expires = dt.datetime.fromisoformat(body["expires"])
        assert abs(expires - (timezone.now() + dt.timedelta(hours=2))) < dt.timedelta(seconds=1)
        client = api()
        client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        assert client.get("/api/v1/congresses/").status_code == 200
        clock.shift(dt.timedelta(hours=2, seconds=1))
        response = client.get("/api/v1/congresses/")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_delete_revokes_the_current_token_only(api, make_user):
    make_user("staff", username="clerk")
    first, second = login(api(), "clerk").json()["token"], login(api(), "clerk").json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.delete(URL).status_code == 204
    assert client.get("/api/v1/congresses/").status_code == 401
    other = api()
    other.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert other.get("/api/v1/congresses/").status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_chinese_answer(api, make_user):
    make_user("staff", username="clerk")
    wrong_password = login(api(), "clerk", "not-the-password")
    unknown_user = login(api(), "nobody", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.json() == unknown_user.json() == {"detail": "用户名（手机号）或密码错误。"}


def test_an_inactive_user_gets_no_token(api, make_user):
    make_user("staff", username="clerk", is_active=False)
    assert login(api(), "clerk").status_code == 400


def test_the_token_endpoint_is_throttled_per_username(api, make_user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min"}}
    make_user("staff", username="clerk")
    make_user("staff", username="other")
    codes = [login(api(), "clerk", "wrong-password").status_code for _ in range(3)]
    assert codes == [400, 400, 400]
    throttled = login(api(), "clerk")
    assert throttled.status_code == 429
    assert "频繁" in throttled.json()["detail"]
    # Another username is counted apart.
    assert login(api(), "other").status_code == 200


def test_login_still_works_when_the_cache_is_down(api, make_user, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    make_user("staff", username="clerk")
    with caplog.at_level(logging.WARNING, logger="accounts.api.throttles"):
        response = login(api(), "clerk")
    assert response.status_code == 200
    assert "token" in response.json()
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


def test_repeated_failures_lock_the_username_with_a_json_answer(api, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100/min"}}
    make_user("staff", username="clerk")
    for _ in range(3):
        login(api(), "clerk", "wrong-password")
    locked = login(api(), "clerk")  # even the right password
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]


def test_a_stale_token_header_does_not_block_logging_in(api, make_user):
    make_user("staff", username="clerk")
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert login(client, "clerk").status_code == 200


def test_revoking_needs_a_token(api, make_user, client):
    user = make_user("staff")
    client.force_login(user)
    assert client.delete(URL).status_code == 400
