from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Role


@login_required
def home(request):
    user = request.user
    if user.has_role(Role.DEPUTY) and not user.role_set - {Role.DEPUTY}:
        return render(request, "mobile/home.html", {})
    return render(request, "core/home.html", {})


@login_required
def notifications(request):
    qs = request.user.notifications.all()
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("core:notifications")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})
