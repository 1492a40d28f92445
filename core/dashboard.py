"""The cards of the staff dashboard and of the deputy's phone home: one card per area of work, each with a count
the user may see. Areas still to come show as placeholders until their app provides the named page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role

from .notifications import unread_count


@dataclass
class Card:
    title: str
    count: int | str | None = None
    unit: str = ""
    note: str = ""
    url: str | None = None
    soon: bool = False


def _url(*names: str) -> str | None:
    """The first of `names` that resolves: a later app's page, once it exists."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _coming(title: str, note: str, *names: str) -> Card:
    url = _url(*names)
    return Card(title, note=note if url else "即将上线", url=url, soon=url is None)


def staff_cards(user) -> list[Card]:
    from deputies.permissions import can_view_roster, visible_groups, visible_persons
    from organization import permissions as org

    cards: list[Card] = []
    if can_view_roster(user):
        active = visible_persons(user).filter(seats__status="active").distinct().count()
        cards.append(Card("代表名册", active, "名在任代表", "按层级、镇街、小组、党派筛选", reverse("deputies:list")))
        cards.append(
            Card("代表小组", visible_groups(user).count(), "个", "召集人、联络员、成员", reverse("deputies:group_list"))
        )
    if org.can_open_pages(user):
        congress = user.congress if user.congress_id else None
        term = congress.current_term() if congress else None
        if term is not None:
            state = term.session_state(timezone.localdate())
            cards.append(
                Card(
                    f"{congress}{term}",
                    "会期中" if state.in_session else "闭会期间",
                    note=state.label,
                    url=reverse("organization:congress_detail", args=[congress.pk]),
                )
            )
        else:
            cards.append(
                Card(
                    "人大与届次", org.visible_congresses(user).count(), "个", url=reverse("organization:congress_list")
                )
            )
        cards.append(
            Card("承办单位", org.visible_units(user).filter(is_active=True).count(), "个", "一府一委两院及政府部门",
                 reverse("organization:unit_list"))
        )  # fmt: skip
        cards.append(
            Card("专门委员会", org.visible_committees(user).count(), "个", "", reverse("organization:committee_list"))
        )
        cards.append(
            Card(
                "常委会组成人员",
                org.visible_members(user).count(),
                "人",
                "联系代表小组",
                reverse("organization:member_list"),
            )
        )
    if user.has_role(Role.UNIT_STAFF, Role.UNIT_HEAD) and user.unit_id:
        cards.append(Card("本单位", user.unit.name, note="交办给本单位的代表建议", url=_url("suggestions:list")))
    if user.has_role(Role.LIAISON):
        groups = list(user.liaison_groups.values_list("name", flat=True))
        cards.append(Card("联络的代表小组", len(groups), "个", "、".join(groups)))
    cards.append(_coming("建议办理", "交办、督办、答复与满意度测评", "suggestions:list", "suggestions:index"))
    cards.append(_coming("代表之家", "站点、接待选民、六簿一册", "stations:list", "stations:index"))
    cards.append(_coming("培训", "初任、履职、专题培训与签到", "training:list"))
    cards.append(_coming("履职档案", "履职登记、审核与考核", "duties:list", "duties:index"))
    return cards


def deputy_cards(user) -> list[Card]:
    cards: list[Card] = []
    person = user.person if user.person_id else None
    if person is not None:
        seats = list(person.seats.filter(status="active").select_related("congress", "term"))
        cards.append(
            Card(
                "我的代表资格", len(seats), "项", "；".join(f"{s.congress}{s.term}代表（{s.district}）" for s in seats)
            )
        )
        groups = list(person.groups.values_list("name", flat=True))
        cards.append(Card("我的代表小组", len(groups), "个", "、".join(groups) or "尚未编入小组"))
    unread = unread_count(user)
    cards.append(Card("通知", unread, "条未读", "会议通知、建议办理进度", reverse("core:notifications")))
    cards.append(_coming("履职登记", "记录参加会议、视察调研、联系选民", "duties:mine", "duties:record"))
    cards.append(_coming("提出建议", "闭会期间也可随时提出", "suggestions:mine", "suggestions:new"))
    cards.append(_coming("学习培训", "培训通知、扫码签到", "training:mine"))
    cards.append(_coming("代表之家", "进站接待、选民留言", "stations:mine"))
    return cards
