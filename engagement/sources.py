"""What a 会商 item or a 民意直通车 report draws on: a station reception, a constituent's message or a suggestion,
linked by kind and id (the other apps may be absent; each lookup is guarded). `resolve` checks the item exists
and gives its label; `url` the staff page it links back to."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

# kind → (label, app label, model, url name, the field that names it)
KINDS = {
    "reception": ("接待选民", "stations", "Reception", "stations:reception", "topic"),
    "message": ("群众留言", "stations", "Message", "stations:message", "topic"),
    "suggestion": ("代表建议", "suggestions", "Suggestion", "suggestions:detail", "title"),
    "opinion": ("闭会期间意见", None, None, None, None),
}
CHOICES = [(k, v[0]) for k, v in KINDS.items() if v[1] is None or apps.is_installed(v[1])]


def kind_label(kind: str) -> str:
    return KINDS.get(kind, (kind,))[0]


def _model(kind: str):
    entry = KINDS.get(kind)
    if entry is None:
        raise ValidationError({"source_kind": "未知的来源类别。"})
    _, app_label, model_name, _, _ = entry
    if app_label is None:
        return None
    if not apps.is_installed(app_label):
        raise ValidationError({"source_kind": f"本平台未启用“{entry[0]}”。"})
    return apps.get_model(app_label, model_name)


def resolve(kind: str, object_id: int | None, label: str = "") -> tuple[str, int | None, str]:
    """(kind, id, label) for a source; the item must exist. A free opinion needs a label and no id."""
    model = _model(kind)
    if model is None:
        if not (label or "").strip():
            raise ValidationError({"source_label": "请填写意见摘要。"})
        return kind, None, label.strip()[:200]
    obj = model.objects.filter(pk=object_id).first() if object_id else None
    if obj is None:
        raise ValidationError({"source_id": f"没有编号为 {object_id} 的{KINDS[kind][0]}。"})
    name = getattr(obj, KINDS[kind][4], "") or str(obj)
    return kind, obj.pk, (label or f"{KINDS[kind][0]}：{name}")[:200]


def url(kind: str, object_id: int | None) -> str:
    entry = KINDS.get(kind)
    if not entry or not entry[3] or not object_id or not apps.is_installed(entry[1]):
        return ""
    try:
        return reverse(entry[3], args=[object_id])
    except NoReverseMatch:
        return ""
