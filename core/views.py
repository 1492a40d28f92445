from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import Role

from . import dashboard


def _deputy_only(user) -> bool:
    return user.has_role(Role.DEPUTY) and not (user.role_set - {Role.DEPUTY}) and not user.is_superuser


@login_required
def home(request):
    user = request.user
    if _deputy_only(user):
        return render(request, "mobile/home.html", {"cards": dashboard.deputy_cards(user)})
    return render(request, "core/home.html", {"cards": dashboard.staff_cards(user)})


@login_required
def notifications(request):
    """The user's notifications, newest first; POST marks them all read."""
    qs = request.user.notifications.all()
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("core:notifications")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    base = "mobile/base.html" if _deputy_only(request.user) else "base.html"
    return render(request, "core/notifications.html", {"page": page, "base_template": base})


@require_POST
@login_required
def notification_read(request, pk: int):
    """Mark one notification read and open what it points to (only a link inside this site)."""
    note = get_object_or_404(request.user.notifications, pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    url = note.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("core:notifications")
