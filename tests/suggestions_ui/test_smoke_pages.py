"""Every page answers for the role it is made for."""

from django.urls import reverse


def test_each_page_renders_for_its_role(world, cast, drive, login, client):
    s = drive.to("handling")
    pages = [
        (cast.staff, reverse("suggestions:list")),
        (cast.staff, reverse("suggestions:review")),
        (cast.staff, reverse("suggestions:assign")),
        (cast.staff, reverse("suggestions:requests")),
        (cast.staff, reverse("suggestions:key")),
        (cast.staff, reverse("suggestions:survey")),
        (cast.staff, reverse("suggestions:follow_up")),
        (cast.staff, reverse("suggestions:documents")),
        (cast.staff, reverse("suggestions:detail", args=[s.pk])),
        (cast.unit_staff, reverse("suggestions:todo")),
        (cast.unit_staff, reverse("suggestions:detail", args=[s.pk])),
        (cast.leader, reverse("suggestions:key")),
        (cast.committee, reverse("suggestions:list")),
        (cast.deputy, reverse("suggestions:mine")),
        (cast.deputy, reverse("suggestions:draft_create")),
        (cast.deputy, reverse("suggestions:detail", args=[s.pk])),
        (cast.deputy, reverse("core:home")),
    ]
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (user, url, response.content[:500])
