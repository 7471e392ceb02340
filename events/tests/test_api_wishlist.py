"""Wishlist API through its URLs: my saved events only, idempotent saving and removing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from events.models import WishlistItem
from events.tests.factories import EventFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

WISHLIST = reverse("api-wishlist")


def item_url(event) -> str:
    return reverse("api-wishlist-item", args=[event.slug])


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def api(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_wishlist_answers_401_to_an_anonymous_client(api_client):
    event = EventFactory()

    listed = api_client.get(WISHLIST)
    saved = api_client.post(WISHLIST, {"event": event.slug}, format="json")

    assert (listed.status_code, saved.status_code) == (401, 401)
    assert not WishlistItem.objects.exists()


def test_wishlist_save_by_slug_answers_201_then_200(api, user):
    event = EventFactory()

    first = api.post(WISHLIST, {"event": event.slug}, format="json")
    again = api.post(WISHLIST, {"event": event.slug}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["event"] == event.pk
    assert WishlistItem.objects.filter(user=user, event=event).count() == 1


@pytest.mark.parametrize("reference", ["id", "id-as-text"])
def test_wishlist_save_by_id(api, user, reference):
    event = EventFactory()
    value = event.pk if reference == "id" else str(event.pk)

    response = api.post(WISHLIST, {"event": value}, format="json")

    assert response.status_code == 201
    assert WishlistItem.objects.filter(user=user, event=event).exists()


def test_wishlist_save_prefers_a_numeric_slug_over_an_id(api, user):
    numbered = EventFactory(slug="2027")
    by_slug = api.post(WISHLIST, {"event": "2027"}, format="json")

    assert by_slug.status_code == 201
    assert WishlistItem.objects.get(user=user).event == numbered


@pytest.mark.parametrize("value", ["no-such-event", 999999, "", None, True, ["x"]])
def test_wishlist_save_refuses_an_unknown_event(api, value):
    response = api.post(WISHLIST, {"event": value}, format="json")

    assert response.status_code == 400
    assert "event" in response.json()["error"]["fields"]
    assert not WishlistItem.objects.exists()


def test_wishlist_save_refuses_someone_elses_draft(api):
    draft = EventFactory(draft=True)

    by_slug = api.post(WISHLIST, {"event": draft.slug}, format="json")
    by_id = api.post(WISHLIST, {"event": draft.pk}, format="json")

    assert (by_slug.status_code, by_id.status_code) == (400, 400)
    assert not WishlistItem.objects.exists()


def test_wishlist_save_refuses_extra_fields(api):
    event = EventFactory()

    response = api.post(WISHLIST, {"event": event.slug, "user": UserFactory().pk}, format="json")

    assert response.status_code == 400
    assert "user" in response.json()["error"]["fields"]


def test_wishlist_list_shows_my_saved_events_newest_first(api, user):
    older, newer = EventFactory(slug="older"), EventFactory(slug="newer")
    TicketTypeFactory(event=newer)
    now = timezone.now()
    WishlistItem.objects.create(user=user, event=older, created_at=now - timedelta(days=1))
    WishlistItem.objects.create(user=user, event=newer, created_at=now)
    WishlistItem.objects.create(user=UserFactory(), event=EventFactory(slug="theirs"))

    response = api.get(WISHLIST)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], [item["slug"] for item in body["results"]]) == (2, ["newer", "older"])
    assert body["results"][0]["price_from"] == "25.00"
    assert body["results"][0]["saved_at"]


def test_wishlist_list_paginates(api, user):
    for event in EventFactory.create_batch(3):
        WishlistItem.objects.create(user=user, event=event)

    response = api.get(WISHLIST, {"page_size": 2})

    assert (response.json()["count"], len(response.json()["results"])) == (3, 2)


@pytest.mark.parametrize("count", [3, 50])
def test_wishlist_list_query_count_does_not_grow(api, user, django_assert_max_num_queries, count):
    for event in EventFactory.create_batch(count):
        TicketTypeFactory(event=event)
        WishlistItem.objects.create(user=user, event=event)

    with django_assert_max_num_queries(2):  # the page and its count
        response = api.get(WISHLIST, {"page_size": 100})

    assert response.json()["count"] == count


def test_wishlist_remove_by_body(api, user):
    event = EventFactory()
    WishlistItem.objects.create(user=user, event=event)

    response = api.delete(WISHLIST, {"event": event.slug}, format="json")

    assert response.status_code == 204
    assert not WishlistItem.objects.exists()


def test_wishlist_remove_by_url_is_idempotent(api, user):
    event = EventFactory()
    WishlistItem.objects.create(user=user, event=event)

    first = api.delete(item_url(event))
    again = api.delete(item_url(event))

    assert (first.status_code, again.status_code) == (204, 204)
    assert not WishlistItem.objects.exists()


def test_wishlist_remove_leaves_other_peoples_items(api):
    event = EventFactory()
    WishlistItem.objects.create(user=UserFactory(), event=event)

    response = api.delete(item_url(event))

    assert response.status_code == 204
    assert WishlistItem.objects.count() == 1


def test_wishlist_remove_of_an_unknown_event_answers_404(api):
    response = api.delete(reverse("api-wishlist-item", args=["no-such-event"]))

    assert response.status_code == 404
