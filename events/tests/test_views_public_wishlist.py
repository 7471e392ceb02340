"""The wishlist through its URLs: the heart button on event pages and the wishlist page."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from events.models import Event, WishlistItem
from events.tests.factories import EventFactory
from events.tests.helpers_public_pages import LIST_URL, detail_url, make_catalogue

pytestmark = pytest.mark.django_db


def toggle_url(event: Event) -> str:
    return reverse("events:wishlist_toggle", args=[event.slug])


# --- wishlist -----------------------------------------------------------------------------------------


def test_wishlist_toggle_anonymous_goes_to_login_and_back(client):
    event = EventFactory()

    response = client.post(toggle_url(event))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?{urlencode({'next': detail_url(event)})}"
    assert not WishlistItem.objects.exists()


def test_wishlist_toggle_anonymous_htmx_redirects_the_page(client):
    event = EventFactory()

    response = client.post(toggle_url(event), headers={"HX-Request": "true"})

    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_wishlist_toggle_adds_and_removes(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    client.post(toggle_url(event))
    saved = WishlistItem.objects.filter(user=user, event=event).exists()
    client.post(toggle_url(event))

    assert saved
    assert not WishlistItem.objects.filter(user=user, event=event).exists()


def test_wishlist_toggle_explicit_action_is_idempotent(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    client.post(toggle_url(event), {"action": "add"})
    response = client.post(toggle_url(event), {"action": "add", "next": LIST_URL})

    assert WishlistItem.objects.filter(user=user, event=event).count() == 1
    assert response["Location"] == LIST_URL


def test_wishlist_toggle_refuses_foreign_next_urls(client):
    client.force_login(UserFactory())
    event = EventFactory()

    response = client.post(toggle_url(event), {"action": "add", "next": "https://evil.example/"})

    assert response["Location"] == detail_url(event)


def test_wishlist_toggle_htmx_returns_the_button(client):
    user, event = UserFactory(), EventFactory()
    client.force_login(user)

    response = client.post(toggle_url(event), {"action": "add", "compact": "1"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in body and 'value="remove"' in body and "<html" not in body


def test_wishlist_toggle_is_post_only_and_404_for_drafts(client):
    client.force_login(UserFactory())
    event, draft = EventFactory(), EventFactory(draft=True)

    assert client.get(toggle_url(event)).status_code == 405
    assert client.post(toggle_url(draft)).status_code == 404


def test_wishlist_cannot_add_a_cancelled_event(client):
    user = UserFactory()
    client.force_login(user)
    event = EventFactory(status=Event.Status.CANCELLED)

    client.post(toggle_url(event), {"action": "add"})

    assert not WishlistItem.objects.exists()


def test_wishlist_page_requires_login(client):
    response = client.get(reverse("events:wishlist"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_wishlist_page_lists_saved_events_with_remove_buttons(client):
    user = UserFactory()
    saved = EventFactory(title="Saved Show")
    EventFactory(title="Other Show")
    WishlistItem.objects.create(user=user, event=saved)
    client.force_login(user)

    body = client.get(reverse("events:wishlist")).content.decode()

    assert "Saved Show" in body and "Other Show" not in body
    assert 'name="action" value="remove"' in body
    assert f'name="next" value="{reverse("events:wishlist")}"' in body


def test_wishlist_page_empty_state(client):
    client.force_login(UserFactory())

    assert "Nothing saved yet" in client.get(reverse("events:wishlist")).content.decode()


def test_wishlist_page_shows_saved_state_on_cards_elsewhere(client):
    user = UserFactory()
    event = EventFactory()
    WishlistItem.objects.create(user=user, event=event)
    client.force_login(user)

    body = client.get(LIST_URL).content.decode()

    assert 'aria-pressed="true"' in body


@pytest.mark.parametrize("count", [3, 50])
def test_wishlist_page_query_budget(client, django_assert_max_num_queries, count):
    user = UserFactory()
    for event in make_catalogue(count):
        WishlistItem.objects.create(user=user, event=event)
    client.force_login(user)

    with django_assert_max_num_queries(4):  # session, user, count, page
        response = client.get(reverse("events:wishlist"))

    assert response.status_code == 200
