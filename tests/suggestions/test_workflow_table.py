"""The transition table is the one place that decides legality; every action is in it and leaves its traces."""

from django.contrib.contenttypes.models import ContentType

from core.models import AuditEntry
from suggestions import workflow
from suggestions.api.serializers import ACTIONS
from suggestions.models import Assignment, Transition

# API paths whose service checks a differently named rule.
PATH_TO_RULE = {
    "invite": "invite_cosigner",
    "return": "return_for_revision",
    "opinion": "submit_opinion",
    "record-contact": "record_contact",
    "supervise": "supervise",
    "disclose": "set_disclose",
}


def test_every_api_action_has_a_rule_with_roles_and_a_chinese_label():
    for path in ACTIONS:
        rule = workflow.TABLE[PATH_TO_RULE.get(path, path.replace("-", "_"))]
        assert rule.roles <= set(workflow.ROLE_LABELS)
        assert rule.roles
        assert rule.label and not rule.label.isascii()


def test_a_transition_writes_the_timeline_row_and_the_audit_entry(flow, people):
    s = flow.to("signed")
    asg = flow.lead_assignment(s)
    row = Transition.objects.get(suggestion=s, action="sign")
    assert (row.assignment, row.from_state, row.to_state, row.actor) == (
        asg,
        Assignment.State.PENDING_SIGN,
        Assignment.State.HANDLING,
        people.unit_staff,
    )
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Assignment), object_id=str(asg.pk), note="签收"
    )
    assert entry.action == AuditEntry.Action.TRANSITION
    assert entry.changes == {"state": ["pending_sign", "handling"]}
    assert entry.actor == people.unit_staff
