"""An accepted suggestion enters the archive (一人一册) of its deputies as a verified 议案建议 duty."""

from duties.models import DutyRecord
from suggestions import services


def test_accepting_a_suggestion_records_a_verified_duty_for_the_lead_and_confirmed_cosigners(flow, people):
    s = flow.draft()
    services.invite_cosigner(s, actor=people.deputy, person=people.cosigner.person)
    services.cosign(s, actor=people.cosigner)
    services.submit(s, actor=people.deputy)
    services.accept(s, actor=people.staff)

    records = DutyRecord.objects.filter(source=f"suggestion:{s.pk}")
    assert {r.person_id for r in records} == {people.deputy.person_id, people.cosigner.person_id}
    assert all(r.status == DutyRecord.Status.VERIFIED and r.type.code == "proposal" for r in records)


def test_recording_the_same_suggestion_duty_again_keeps_one_record(flow, people):
    s = flow.to("accepted")
    from duties.services import record_duty

    again = record_duty(
        person=s.lead_deputy, type_code="proposal", date=s.accepted_at.date(), title="x", source=f"suggestion:{s.pk}"
    )
    assert DutyRecord.objects.filter(source=f"suggestion:{s.pk}").count() == 1
    assert again.title.startswith("提出建议")
