"""Dynamic pricing in Chromium: the organizer sets up rules and watches the live preview, then a visitor sees
the price and what moves it on the event page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.models import PriceChange, TicketType
from events.tests.factories import EventFactory
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_organizer_sets_up_dynamic_pricing_with_a_live_preview(page: Page, live_server, screenshot):
    organizer = UserFactory(organizer=True, email="olga@example.com", name="Olga Organizer")
    event = EventFactory(organizer=organizer, title="Harbour Lights Festival", timezone="Europe/Berlin")
    sign_in(page, organizer.email)

    page.goto(f"/dashboard/events/{event.pk}/tickets/")
    form = page.get_by_role("region", name="Add a ticket type")
    form.get_by_label("Name").fill("Festival pass")
    form.get_by_label("Price", exact=True).fill("40")
    form.get_by_label("Capacity", exact=True).fill("200")
    rules_body = page.locator("[data-pricing-body]")
    expect(rules_body).to_be_hidden()
    form.get_by_label("Use dynamic pricing").check()
    expect(rules_body).to_be_visible()
    form.get_by_label("Lowest price").fill("30")
    form.get_by_label("Highest price").fill("70")
    page.get_by_label("Rule 1: when").select_option("sell_through")
    expect(page.get_by_label("Rule 1: early-bird price until")).to_be_hidden()
    page.get_by_label("Rule 1: threshold").fill("50")
    page.get_by_label(re.compile("Rule 1: change of the price")).fill("10")
    preview = page.locator("#pricing-preview")
    expect(preview).to_contain_text("from 100 sold: €44.00")
    page.get_by_role("button", name="Add a rule").click()
    page.get_by_label("Rule 2: when").select_option("last_minute")
    page.get_by_label("Rule 2: threshold").fill("48")
    page.get_by_label(re.compile("Rule 2: change of the price")).fill("5")
    page.get_by_label("Rule 2: percent or amount").select_option("amount")
    expect(preview.locator(".price-chart__list").nth(1)).to_contain_text("€45.00")
    page.get_by_role("button", name="Add a rule").click()
    expect(page.locator("[data-rule-row]:visible")).to_have_count(3)
    page.locator("[data-rule-remove]:visible").last.click()
    expect(page.locator("[data-rule-row]:visible")).to_have_count(2)
    screenshot(page, "pricing-organizer-form")

    page.get_by_role("button", name="Add ticket type").click()

    expect(page.locator(".toast").first).to_contain_text("“Festival pass” is saved.")
    ticket_type = TicketType.objects.get()
    assert ticket_type.dynamic_pricing and len(ticket_type.pricing_rules) == 2
    assert PriceChange.objects.get().price == Decimal("40.00")
    expect(page.get_by_text("base €40.00")).to_be_visible()
    page.get_by_role("link", name="Edit Festival pass").click()
    expect(page.get_by_role("heading", name=re.compile("Price history"))).to_be_visible()
    expect(page.locator("#pricing-preview svg")).to_have_count(2)
    screenshot(page, "pricing-organizer-edit")


def test_visitor_sees_the_price_now_and_when_it_rises(page: Page, live_server, screenshot):
    event = EventFactory(title="Harbour Lights Festival")
    TicketType.objects.create(
        event=event, name="Festival pass", price=Decimal("40.00"), capacity=100, sold=38, dynamic_pricing=True,
        price_floor=Decimal("30.00"), price_ceiling=Decimal("70.00"),
        pricing_rules=[{"kind": "sell_through", "threshold": 50, "adjust": "percent", "value": "10.00"}],
    )  # fmt: skip

    page.goto(f"/events/{event.slug}/")

    row = page.locator(".ticket-row").first
    expect(row).to_contain_text("€40.00")
    expect(row).to_contain_text("Price rises to €44.00 after 12 more tickets")
    screenshot(page, "pricing-event-page")
