"""factory_boy factories for every model the tests build. Related objects are created as needed."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import User, UserRole
from core.idcard import check_character
from deputies.models import ActivityGroup, GroupMembership, Person, Seat
from organization.models import Area, CommitteeMember, Congress, HandlingUnit, Meeting, SpecialCommittee, Term


def make_id_number(n: int, birth: dt.date = dt.date(1975, 3, 8), region: str = "330102") -> str:
    """A valid 18-character ID number, distinct for each n (sequence digits 100–999 cycle with the date)."""
    birth = birth + dt.timedelta(days=n // 900)
    first17 = f"{region}{birth:%Y%m%d}{100 + n % 900:03d}"
    return first17 + check_character(first17)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"区划{n}")
    level = Area.Level.COUNTY


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = Congress

    name = factory.Sequence(lambda n: f"测试县第{n}人民代表大会")
    level = Congress.Level.COUNTY
    area = factory.SubFactory(AreaFactory)


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    congress = factory.SubFactory(CongressFactory)
    number = 18
    start = dt.date(2021, 10, 1)
    # The term the tests work in covers the coming year whatever day the suite runs: a fixed end (2026-12-31) made
    # every test that plans a meeting or a deadline 30 days ahead fail from December 2026.
    end = factory.LazyFunction(lambda: max(dt.date(2026, 12, 31), dt.date.today() + dt.timedelta(days=366)))


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    start = dt.date(2026, 1, 10)
    end = dt.date(2026, 1, 13)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"县第{n}局")
    head = "王局长"
    contact_person = "李科长"
    contact_phone = "0571-88880000"


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = SpecialCommittee

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"专门委员会{n}")


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"常委{n}")
    title = "常委会委员"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Person.Gender.MALE
    ethnicity = "汉族"
    birth_month = dt.date(1975, 3, 1)
    party = "中共党员"
    education = "大学"
    workplace = "某公司经理"
    composition = "worker"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = "浙江省杭州市测试县城关镇幸福路3号"
    id_number = factory.Sequence(make_id_number)


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = Seat

    person = factory.SubFactory(PersonFactory)
    term = factory.SubFactory(TermFactory)
    congress = factory.LazyAttribute(lambda o: o.term.congress)
    district = "第1选区"
    start = dt.date(2021, 10, 1)


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = ActivityGroup

    congress = factory.SubFactory(CongressFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    person = factory.SubFactory(PersonFactory)


class UserFactory(DjangoModelFactory):
    """UserFactory(roles=["staff"], congress=c) — roles become UserRole rows."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "Pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)
        self.save()
