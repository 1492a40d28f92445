"""The user admin: a system administrator gives a login its roles, and the change is audited (phone masked)."""

from django.urls import reverse

from accounts.models import Role, User
from core.models import AuditEntry


def test_an_admin_changes_a_users_phone_and_roles_and_both_are_audited(world, make_user, login):
    admin_user = make_user(Role.ADMIN, is_superuser=True, is_staff=True)
    target = make_user(Role.STAFF, phone="13900001234")
    client = login(admin_user)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    assert client.get(url).status_code == 200
    data = {
        "username": target.username, "display_name": target.display_name, "phone": "13900005678", "email": "",
        "congress": world.county.pk, "unit": "", "committee": "", "person": "", "is_active": "on",
        "roles-TOTAL_FORMS": "2", "roles-INITIAL_FORMS": "1", "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": target.roles.get().pk, "roles-0-user": target.pk, "roles-0-role": Role.STAFF,
        "roles-1-id": "", "roles-1-user": target.pk, "roles-1-role": Role.LEADER,
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    target = User.objects.get(pk=target.pk)
    assert target.phone == "13900005678" and target.role_set == {Role.STAFF, Role.LEADER}
    entries = AuditEntry.objects.filter(object_id=str(target.pk))
    assert {"phone": ["139****1234", "139****5678"]} in [e.changes for e in entries]
    assert {"roles": [["staff"], ["leader", "staff"]]} in [e.changes for e in entries]


def test_the_user_admin_is_closed_to_office_staff(world, make_user, login):
    client = login(make_user(Role.STAFF))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302  # to the admin login
