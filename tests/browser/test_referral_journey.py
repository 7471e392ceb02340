"""Buying through a referral link in Chromium: a friend follows Ada's link, sees the invitation and the discount
at checkout, pays; Ada finds her reward code under "Your rewards"; the organizer sees the conversion. And Ada
trying her own link gets a clear refusal she can remove."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from events.models import Event
from events.tests.factories import TicketTypeFactory
from tests.browser.helpers import sign_in, sign_out
from tickets.models import Order, PromoCode, Referral, ReferralLink
from tickets.tests.factories import order_booked

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def referral_setup():
    """Ada holds a ticket for an event whose program gives friends 10% off and referrers €5.00 off."""
    ticket_type = TicketTypeFactory(
        name="Standing",
        price=Decimal("24.00"),
        capacity=80,
        event__title="Harbour Lights Festival",
        event__currency="EUR",
    )
    Event.objects.filter(pk=ticket_type.event_id).update(
        referral_enabled=True,
        referral_discount_kind="percent",
        referral_discount_value=Decimal(10),
        referral_reward_kind="fixed",
        referral_reward_value=Decimal("5.00"),
    )
    ada = UserFactory(email="ada@example.com", name="Ada Lovelace")
    order_booked(ticket_type=ticket_type, buyer=ada, names=["Ada Lovelace"])
    return ticket_type, ada, ReferralLink.objects.get(referrer=ada)


def pay(page: Page) -> None:
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/29")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=re.compile("^Pay ")).click()


def test_buying_through_a_referral_link(page: Page, live_server, screenshot, referral_setup):
    ticket_type, ada, link = referral_setup
    friend = UserFactory(email="bola@example.com", name="Bola Adeyemi")
    organizer = ticket_type.event.organizer

    page.goto(f"/r/{link.code}/")
    expect(page).to_have_url(re.compile(rf"/events/{ticket_type.event.slug}/$"))
    expect(page.get_by_role("status").filter(has_text="You were invited by Ada")).to_be_visible()
    screenshot(page, "referral-invitation")

    sign_in(page, friend.email)
    page.goto(f"/events/{ticket_type.event.slug}/")
    expect(page.get_by_text("You were invited by Ada")).to_be_visible()
    page.get_by_label("Number of Standing tickets").select_option("2")
    page.get_by_role("button", name="Get tickets").click()
    expect(page).to_have_url(re.compile(r"/tickets/checkout/"))
    referral = page.locator("#referral")
    expect(referral).to_contain_text("Referral from Ada")
    expect(referral).to_contain_text("€4.80")
    expect(referral).to_contain_text("€43.20")
    page.get_by_label(re.compile("ticket 1")).fill("Bola Adeyemi")
    page.get_by_label(re.compile("ticket 2")).fill("Tunde Adeyemi")
    screenshot(page, "referral-checkout")
    page.get_by_role("button", name="Continue to payment").click()

    expect(page).to_have_url(re.compile(r"/pay/"))
    pay(page)
    expect(page.locator(".toast").first).to_contain_text(re.compile("Payment received", re.I))
    expect(page.get_by_role("row", name=re.compile("Referral from Ada"))).to_contain_text("4.80")
    screenshot(page, "referral-order")
    order = Order.objects.get(buyer=friend)
    assert (order.status, order.discount, order.total) == (Order.Status.PAID, Decimal("4.80"), Decimal("43.20"))
    reward = PromoCode.objects.get(owner=ada, source=PromoCode.Source.REFERRAL_REWARD)
    assert Referral.objects.get(order=order).status == Referral.Status.REWARDED

    sign_out(page)
    sign_in(page, ada.email)
    page.goto("/tickets/")
    share = page.get_by_role("region", name="Share and save")
    expect(share).to_be_visible()
    expect(share.get_by_label("Your invitation link")).to_have_value(re.compile(rf"/r/{link.code}/$"))
    expect(share).to_contain_text("1 friend booked through your link")
    screenshot(page, "referral-share")
    page.get_by_role("link", name="Rewards", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tickets/rewards/$"))
    expect(page.get_by_text(reward.code)).to_be_visible()
    expect(page.get_by_text("Ready to use")).to_be_visible()
    expect(page.get_by_text("€5.00 off")).to_be_visible()
    screenshot(page, "referral-rewards")

    sign_out(page)
    sign_in(page, organizer.email)
    page.goto(f"/dashboard/events/{ticket_type.event_id}/")
    page.get_by_role("link", name="Referrals").click()
    expect(page).to_have_url(re.compile(r"/referrals/$"))
    expect(page.get_by_role("table", name="Referred orders")).to_contain_text(order.code)
    expect(page.get_by_role("table", name="Top referrers")).to_contain_text("Ada Lovelace")
    screenshot(page, "referral-organizer")


def test_ones_own_link_is_refused_at_checkout_until_removed(page: Page, live_server, screenshot, referral_setup):
    _ticket_type, ada, link = referral_setup
    sign_in(page, ada.email)

    page.goto(f"/r/{link.code}/")
    expect(page.get_by_text("This is your invitation link")).to_be_visible()
    page.get_by_label("Number of Standing tickets").select_option("1")
    page.get_by_role("button", name="Get tickets").click()
    expect(page.locator("#referral")).to_contain_text("You can't use your own invitation")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.locator(".alert-danger, [role=alert]").first).to_contain_text("own invitation")
    screenshot(page, "referral-self-refused")
    assert Order.objects.filter(buyer=ada).count() == 1

    page.get_by_role("button", name="Remove").click()
    expect(page.locator("#referral")).to_have_count(0)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/pay/"))
    assert Order.objects.filter(buyer=ada).latest("created_at").discount == 0
