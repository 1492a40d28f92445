from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from . import permissions


@login_required
def person_list(request):
    if not permissions.can_view_roster(request.user):
        raise PermissionDenied
    return render(request, "deputies/person_list.html", {})


@login_required
def group_list(request):
    if not permissions.can_view_roster(request.user):
        raise PermissionDenied
    return render(request, "deputies/group_list.html", {})
