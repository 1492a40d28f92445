from suggestions.models import Suggestion


def test_a_suggestion_can_go_from_draft_to_closed(flow):
    s = flow.to("closed")
    assert s.state == Suggestion.State.CLOSED
    assert s.number == 1
    assert s.transitions.count() > 5
