"""The OpenAPI schema documents the error answers every operation can give, with their bodies, so that a client (and
the schemathesis run in tests/security/test_fuzz_api.py) can rely on the status code and the body of each answer:

- 400 bad input: `{field: [message, ...]}` (DRF), `{"detail": [message, ...]}` (a model's validation) or a list;
- 401 no or expired credentials, 403 a role that never may (DRF's permission classes): `{"detail": ...}`;
- 404 outside the user's scope, no such object, or a page past the end: `{"detail": ...}`;
- 409 a write the object's state does not allow (core.api.exceptions): `{"detail": ..., "code": "illegal_transition"}`;
- 429 throttled (only views with a throttle).

An operation's own declaration of a code (extend_schema(responses=...)) wins over these defaults."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as _AutoSchema
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
VALIDATION = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(_AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, schema, description in self._error_responses():
            if code not in responses:
                responses[code] = {
                    "content": {"application/json": {"schema": schema}},
                    "description": description,
                }
        return responses

    def _error_responses(self):
        errors = []
        if self.method in WRITE_METHODS or self.method == "GET" and self._has_query_parameters():
            errors.append(("400", VALIDATION, "输入有误"))
        if not self._is_public():
            errors.append(("401", DETAIL, "未登录或凭据已过期"))
            errors.append(("403", DETAIL, "该角色无权执行此操作"))
        errors.append(("404", DETAIL, "对象不存在或不在用户的范围内；或页码超出范围"))
        if self.method in WRITE_METHODS:
            errors.append(("409", DETAIL, "对象当前的状态不允许此操作"))
        if self.view.get_throttles():
            errors.append(("429", DETAIL, "请求过于频繁"))
        return errors

    def _is_public(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)

    def _has_query_parameters(self) -> bool:
        return self._is_list_view() or bool(self.get_override_parameters())
