"""Template tags of the suggestion screens: the deputy's home cards (待测评的答复, 联名邀请)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def deputy_suggestion_counts(context):
    """{'to_rate': n, 'invitations': n} for a deputy, or None for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.person_id:
        return None
    from suggestions.views.deputy import pending_invitations, rating_due

    return {"to_rate": rating_due(user).count(), "invitations": pending_invitations(user).count()}
