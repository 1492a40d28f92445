import pytest

from accounts.models import ApiToken, Role, User

from .conftest import ids


@pytest.mark.parametrize(
    "role", [Role.STAFF, Role.LEADER, Role.COMMITTEE, Role.TOWN_STAFF, Role.UNIT_HEAD, Role.LIAISON, Role.DEPUTY]
)
def test_only_system_administrators_open_the_users_endpoint(api, make_user, role):
    user = make_user(role)
    client = api(user)
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get(f"/api/v1/users/{user.pk}/").status_code == 403
    assert client.post("/api/v1/users/", {"username": "x"}, format="json").status_code == 403


def test_an_admin_lists_users_with_their_roles(api, make_user):
    staff = make_user(Role.STAFF, phone="13800001111")
    admin = make_user(Role.ADMIN, congress=None)
    response = api(admin).get("/api/v1/users/")
    assert ids(response) == {staff.pk, admin.pk}
    row = next(r for r in response.json()["results"] if r["id"] == staff.pk)
    assert row["roles"] == ["staff"]
    assert row["name"] == staff.display_name
    assert "password" not in row


def test_a_superuser_counts_as_a_system_administrator(api, make_user):
    root = make_user(is_superuser=True)
    assert api(root).get("/api/v1/users/").status_code == 200


def test_an_admin_creates_a_user_who_must_change_the_password(api, make_user, world):
    admin = make_user(Role.ADMIN, congress=None)
    payload = {
        "username": "newclerk",
        "display_name": "新同事",
        "congress": world.county.pk,
        "roles": ["staff"],
        "password": "Renda@Start2026",
    }
    response = api(admin).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newclerk")
    assert user.role_set == {"staff"}
    assert user.must_change_password
    assert user.check_password("Renda@Start2026")


def test_deleting_a_user_deactivates_it_and_revokes_its_tokens(api, make_user):
    admin = make_user(Role.ADMIN, congress=None)
    staff = make_user(Role.STAFF)
    staff_client = api(staff)
    assert api(admin).delete(f"/api/v1/users/{staff.pk}/").status_code == 204
    staff.refresh_from_db()
    assert not staff.is_active
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()
    assert staff_client.get("/api/v1/congresses/").status_code == 401
