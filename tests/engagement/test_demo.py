"""The engagement demo: every kind of record on the demo county, seeded once."""

import io

import pytest

from core import demo
from duties.models import DutyRecord
from engagement import demo as engagement_demo
from engagement import stats
from engagement.models import (
    ConsultationItem,
    Invitation,
    Notice,
    ReportRequest,
    SpecialReport,
    SpecialSupervisor,
    TopicClaim,
    Visit,
)
from organization.models import Congress


@pytest.mark.django_db
def test_the_demo_seeds_every_kind_of_record_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.seed(io.StringIO())
    assert engagement_demo.seed(io.StringIO()) is True
    county = Congress.objects.get(level=Congress.Level.COUNTY, is_managed=True)
    assert Notice.objects.filter(important=True).count() == 1
    assert ReportRequest.objects.filter(status=ReportRequest.Status.ACCEPTED).exists()
    assert TopicClaim.objects.filter(status=TopicClaim.Status.DONE).count() == 1
    assert Invitation.objects.count() == 3
    assert DutyRecord.objects.filter(source__startswith="invitation:", status=DutyRecord.Status.VERIFIED).exists()
    assert SpecialSupervisor.objects.count() == 6
    assert Visit.objects.exists() and stats.coverage(county.pk, Visit.objects.first().date.year).rate > 50
    assert ConsultationItem.objects.count() == 3
    assert SpecialReport.objects.filter(number=1).exists()
    assert engagement_demo.seed(io.StringIO()) is False
