"""Issue 3 end to end in Chromium: an organizer creates and publishes an event with two ticket types,
an attendee finds it by search and a filter, opens it and saves it to the wishlist."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.models import Event, TicketType, WishlistItem
from events.tests.factories import CategoryFactory, EventFactory
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_organizer_publishes_and_attendee_finds_and_saves(page: Page, live_server, screenshot):
    organizer = UserFactory(organizer=True, email="olivia@example.com", name="Olivia Organizer")
    attendee = UserFactory(email="arjun@example.com", name="Arjun Attendee")
    music = CategoryFactory(name="Music", slug="music")
    CategoryFactory(name="Theatre", slug="theatre")
    EventFactory(title="Quiet Poetry Evening", category=music)  # a neighbour the search must leave out

    sign_in(page, organizer.email)
    page.goto("/dashboard/events/new/")
    page.get_by_label("Title").fill("Aurora Synth Night")
    page.get_by_label("Category").select_option(label="Music")
    page.get_by_label("Online link").fill("https://stream.example.org/aurora")
    page.get_by_label("Starts").fill("2030-05-01T20:00")
    page.get_by_label("Ends").fill("2030-05-01T23:30")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Aurora Synth Night")).to_be_visible()
    event = Event.objects.get(title="Aurora Synth Night")

    for name, price, capacity in (("Early bird", "20.00", "100"), ("Regular", "30.00", "200")):
        page.goto(f"/dashboard/events/{event.pk}/tickets/")
        form = page.locator("form", has=page.get_by_role("button", name="Add ticket type"))
        form.get_by_label("Name", exact=True).fill(name)
        form.get_by_label("Price", exact=True).fill(price)
        form.get_by_label("Capacity", exact=True).fill(capacity)
        form.get_by_role("button", name="Add ticket type").click()
        expect(page.get_by_role("cell", name=name, exact=True).first).to_be_visible()
    assert list(TicketType.objects.filter(event=event).values_list("name", flat=True).order_by("price")) == [
        "Early bird",
        "Regular",
    ]

    page.goto(f"/dashboard/events/{event.pk}/")
    page.get_by_role("button", name="Publish").first.click()
    expect(page.locator(".toast").first).to_contain_text(re.compile("publish", re.I))
    screenshot(page, "catalogue-dashboard-event")
    page.goto("/dashboard/events/")
    screenshot(page, "catalogue-dashboard-list")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    sign_out(page)
    sign_in(page, attendee.email)
    page.goto("/")
    screenshot(page, "catalogue-home")
    page.get_by_role("searchbox").first.fill("aurora synth")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=re.compile("Aurora Synth Night")).first).to_be_visible()
    expect(page.get_by_text("Quiet Poetry Evening")).to_have_count(0)
    page.goto("/events/?search=&category=theatre")
    expect(page.get_by_text("Aurora Synth Night")).to_have_count(0)
    page.goto("/events/")
    page.locator("#f-category").select_option("music")
    page.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(re.compile(r"category=music"))
    expect(page.get_by_role("link", name=re.compile("Aurora Synth Night")).first).to_be_visible()
    screenshot(page, "catalogue-list")

    page.get_by_role("link", name=re.compile("Aurora Synth Night")).first.click()
    expect(page.get_by_role("heading", name="Aurora Synth Night", level=1)).to_be_visible()
    expect(page.get_by_text("Early bird", exact=True)).to_be_visible()
    page.locator(".ticket-panel__actions").get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator(".ticket-panel__actions .wishlist-btn")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "catalogue-detail")
    assert WishlistItem.objects.filter(user=attendee, event=event).exists()

    page.goto("/events/wishlist/")
    expect(page.get_by_role("link", name="Aurora Synth Night")).to_be_visible()
    screenshot(page, "catalogue-wishlist")
