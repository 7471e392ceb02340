"""The referral program's rules, through the booking services: who may use a link, the friend's discount, the
referrer's reward (once), and its revocation when the referred order is refunded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.models import Event
from notifications.models import OutboundEmail
from tickets.errors import (
    OneDiscountOnly,
    ReferralInvalid,
    ReferralNotEligible,
    ReferralNotNewCustomer,
    ReferralSelf,
)
from tickets.models import Order, PromoCode, Referral, ReferralLink
from tickets.services.holds import LineRequest, hold_create
from tickets.services.orders import order_checkout, order_mark_paid, order_mark_refunded
from tickets.services.promo_codes import promo_code_create
from tickets.services.referrals import (
    ReferralSettings,
    canonical_email,
    referral_link_get_or_create,
    referral_settings_update,
)
from tickets.tests.factories import order_booked
from tickets.tests.helpers_referrals import referral_ticket_type, referred_checkout, referrer_with_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_type():
    return referral_ticket_type(price="25.00", discount=("percent", "10"), reward=("fixed", "5.00"))


@pytest.fixture
def referrer_link(ticket_type):
    return referrer_with_link(ticket_type, email="ada@example.com", name="Ada Lovelace")


@pytest.fixture
def friend():
    return UserFactory(email="bob@example.com", name="Bob Friend")


def reward_codes():
    return PromoCode.objects.filter(source=PromoCode.Source.REFERRAL_REWARD)


# --- the friend's discount ---------------------------------------------------------------------------------------


def test_a_new_customer_booking_through_a_link_gets_the_discount(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link

    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code.lower(), quantity=2)

    assert (order.subtotal, order.discount, order.total) == (Decimal("50.00"), Decimal("5.00"), Decimal("45.00"))
    assert order.discount_label == "Referral from Ada"
    assert sorted(order.tickets.values_list("price", flat=True)) == [Decimal("22.50"), Decimal("22.50")]
    referral = Referral.objects.get(order=order)
    assert (referral.link, referral.referred_user, referral.status) == (link, friend, Referral.Status.PENDING)
    assert referral.discount == Decimal("5.00")


def test_a_fixed_discount_never_exceeds_the_order():
    ticket_type = referral_ticket_type(price="4.00", discount=("fixed", "10.00"))
    _referrer, link = referrer_with_link(ticket_type)
    friend = UserFactory()

    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code, quantity=1)

    assert (order.discount, order.total, order.status) == (Decimal("4.00"), Decimal("0.00"), Order.Status.PAID)
    assert Referral.objects.get(order=order).status == Referral.Status.REWARDED


def test_using_ones_own_link_is_refused(ticket_type, referrer_link):
    referrer, link = referrer_link

    with pytest.raises(ReferralSelf):
        referred_checkout(ticket_type=ticket_type, buyer=referrer, code=link.code)

    assert not Referral.objects.exists()
    assert Order.objects.filter(buyer=referrer).count() == 1  # only the ticket they already held


def test_a_second_account_with_the_same_email_in_other_case_is_refused(ticket_type, referrer_link):
    _referrer, link = referrer_link
    same_person = UserFactory(email="ADA+Tickets@Example.COM")

    with pytest.raises(ReferralSelf):
        referred_checkout(ticket_type=ticket_type, buyer=same_person, code=link.code)

    assert not Order.objects.filter(buyer=same_person).exists()


def test_an_existing_customer_of_the_event_is_refused(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    order_booked(ticket_type=ticket_type, buyer=friend)

    with pytest.raises(ReferralNotNewCustomer):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    assert not Referral.objects.exists()


def test_a_customer_whose_earlier_order_was_refunded_is_not_new(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    earlier = order_booked(ticket_type=ticket_type, buyer=friend)
    order_mark_refunded(order_id=earlier.pk, now=timezone.now())

    with pytest.raises(ReferralNotNewCustomer):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)


def test_an_unpaid_earlier_order_does_not_count(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    order_booked(ticket_type=ticket_type, buyer=friend, paid=False)

    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    assert order.discount == Decimal("5.00")


@pytest.mark.parametrize("code", ["NOSUCHCODE42", ""])
def test_an_unknown_code_is_refused_or_ignored(ticket_type, friend, code):
    if code:
        with pytest.raises(ReferralInvalid):
            referred_checkout(ticket_type=ticket_type, buyer=friend, code=code)
    else:
        assert referred_checkout(ticket_type=ticket_type, buyer=friend, code=code).discount == 0


def test_a_link_of_another_event_is_refused(ticket_type, friend):
    other = referral_ticket_type()
    _referrer, link = referrer_with_link(other)

    with pytest.raises(ReferralInvalid):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)


def test_a_link_stops_working_when_its_owner_no_longer_holds_a_ticket(ticket_type, referrer_link, friend):
    referrer, link = referrer_link
    order_mark_refunded(order_id=Order.objects.get(buyer=referrer).pk, now=timezone.now())

    with pytest.raises(ReferralInvalid):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)


def test_with_the_program_off_a_link_is_ignored(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    Event.objects.filter(pk=ticket_type.event_id).update(referral_enabled=False)

    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    assert (order.discount, order.total, order.discount_label) == (0, Decimal("50.00"), "")
    assert not Referral.objects.exists()


def test_a_promo_code_and_a_referral_together_are_refused(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    event = ticket_type.event
    promo_code_create(event=event, code="SPRING", kind="percent", value=Decimal(20), actor=event.organizer,
                      now=timezone.now())  # fmt: skip

    with pytest.raises(OneDiscountOnly):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code, promo_code="SPRING")

    assert not Order.objects.filter(buyer=friend).exists()


# --- the referrer's reward --------------------------------------------------------------------------------------


def test_paying_the_referred_order_rewards_the_referrer_with_a_personal_single_use_code(
    ticket_type, referrer_link, friend
):
    referrer, link = referrer_link
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    order_mark_paid(order_id=order.pk, now=timezone.now())

    referral = Referral.objects.get(order=order)
    reward = referral.reward_code
    assert referral.status == Referral.Status.REWARDED and referral.rewarded_at is not None
    assert (reward.event_id, reward.owner, reward.max_uses) == (ticket_type.event_id, referrer, 1)
    assert (reward.kind, reward.value, reward.source) == ("fixed", Decimal("5.00"), "referral_reward")
    email = OutboundEmail.objects.get(template="referral_reward")
    assert email.to == "ada@example.com" and reward.code in email.body_text
    assert friend.email not in email.body_text  # the friend stays anonymous


def test_a_payment_confirmed_twice_rewards_once(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    order_mark_paid(order_id=order.pk, now=timezone.now())
    order_mark_paid(order_id=order.pk, now=timezone.now())

    assert reward_codes().count() == 1
    assert OutboundEmail.objects.filter(template="referral_reward").count() == 1


def test_a_customer_earns_their_referrer_one_reward_however_many_referred_orders(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    first = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code, quantity=1)
    second = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code, quantity=1)

    order_mark_paid(order_id=first.pk, now=timezone.now())
    order_mark_paid(order_id=second.pk, now=timezone.now())

    statuses = dict(Referral.objects.values_list("order_id", "status"))
    assert statuses == {first.pk: Referral.Status.REWARDED, second.pk: Referral.Status.INELIGIBLE}
    assert reward_codes().count() == 1


def test_two_friends_earn_two_rewards(ticket_type, referrer_link):
    _referrer, link = referrer_link

    for friend in (UserFactory(), UserFactory()):
        order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)
        order_mark_paid(order_id=order.pk, now=timezone.now())

    assert reward_codes().count() == 2
    assert link.referrals.filter(status=Referral.Status.REWARDED).count() == 2


def test_an_unpaid_referred_order_earns_nothing(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link

    referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)

    assert not reward_codes().exists()


def test_the_reward_code_works_only_for_the_referrer(ticket_type, referrer_link, friend):
    referrer, link = referrer_link
    order_mark_paid(order_id=referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code).pk,
                    now=timezone.now())  # fmt: skip
    code = reward_codes().get().code
    now = timezone.now()
    stranger = UserFactory()
    hold = hold_create(buyer=stranger, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)

    with pytest.raises(Exception, match="personal"):
        order_checkout(hold=hold, buyer=stranger, attendee_names=["S"], now=now, promo_code=code)
    hold = hold_create(buyer=referrer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
    order = order_checkout(hold=hold, buyer=referrer, attendee_names=["A"], now=now, promo_code=code)

    assert order.discount == Decimal("5.00")


# --- refunds ---------------------------------------------------------------------------------------------------


def test_refunding_the_referred_order_revokes_the_unused_reward(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())

    order_mark_refunded(order_id=order.pk, now=timezone.now())

    referral = Referral.objects.select_related("reward_code").get(order=order)
    assert referral.status == Referral.Status.REVOKED and referral.revoked_at is not None
    assert not referral.reward_code.is_active and not referral.reward_was_used


def test_a_reward_used_before_the_refund_is_recorded_and_the_referrers_order_kept(ticket_type, referrer_link, friend):
    referrer, link = referrer_link
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    now = timezone.now()
    hold = hold_create(buyer=referrer, event=ticket_type.event, lines=[LineRequest(ticket_type.pk, 1)], now=now)
    bought_with_reward = order_checkout(
        hold=hold, buyer=referrer, attendee_names=["A"], now=now, promo_code=reward_codes().get().code
    )
    order_mark_paid(order_id=bought_with_reward.pk, now=now)

    order_mark_refunded(order_id=order.pk, now=timezone.now())

    referral = Referral.objects.get(order=order)
    bought_with_reward.refresh_from_db()
    assert referral.status == Referral.Status.REVOKED and referral.reward_was_used
    assert bought_with_reward.status == Order.Status.PAID and bought_with_reward.discount == Decimal("5.00")


def test_a_revoked_reward_still_counts_as_the_customers_one_reward(ticket_type, referrer_link, friend):
    _referrer, link = referrer_link
    order = referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)
    order_mark_paid(order_id=order.pk, now=timezone.now())
    order_mark_refunded(order_id=order.pk, now=timezone.now())

    with pytest.raises(ReferralNotNewCustomer):
        referred_checkout(ticket_type=ticket_type, buyer=friend, code=link.code)


def test_refunding_an_order_without_referral_changes_no_referral(ticket_type, referrer_link):
    referrer, _link = referrer_link

    order_mark_refunded(order_id=Order.objects.get(buyer=referrer).pk, now=timezone.now())

    assert not Referral.objects.exists()


# --- links -------------------------------------------------------------------------------------------------------


def test_paying_an_order_gives_the_buyer_their_own_link(ticket_type, friend):
    order = order_booked(ticket_type=ticket_type, buyer=friend)

    assert ReferralLink.objects.filter(event=order.event, referrer=friend).count() == 1


def test_no_link_is_made_while_the_program_is_off():
    ticket_type = referral_ticket_type(enabled=False)
    buyer = UserFactory()
    order_booked(ticket_type=ticket_type, buyer=buyer)

    with pytest.raises(ReferralNotEligible):
        referral_link_get_or_create(event=ticket_type.event, referrer=buyer, now=timezone.now())

    assert not ReferralLink.objects.exists()


def test_only_ticket_holders_get_a_link(ticket_type):
    with pytest.raises(ReferralNotEligible):
        referral_link_get_or_create(event=ticket_type.event, referrer=UserFactory(), now=timezone.now())


def test_a_ticket_holder_has_one_link_per_event(ticket_type, referrer_link):
    referrer, link = referrer_link

    again = referral_link_get_or_create(event=ticket_type.event, referrer=referrer, now=timezone.now())

    assert again == link and len(link.code) == 12 and link.code.isalnum()


@pytest.mark.parametrize(
    ("email", "canonical"),
    [("Ada@Example.com", "ada@example.com"), ("ada+x@example.com", "ada@example.com"), ("odd", "odd")],
)
def test_canonical_email(email, canonical):
    assert canonical_email(email) == canonical


# --- settings ----------------------------------------------------------------------------------------------------


def settings(**changes) -> ReferralSettings:
    values = {"enabled": True, "discount_kind": "percent", "discount_value": Decimal(15), "reward_kind": "fixed",
              "reward_value": Decimal("3.50")}  # fmt: skip
    return ReferralSettings(**{**values, **changes})


def test_the_organizer_turns_the_program_on_and_it_is_audited():
    event = referral_ticket_type(enabled=False).event

    referral_settings_update(event=event, values=settings(), actor=event.organizer, now=timezone.now())

    event.refresh_from_db()
    assert event.referral_enabled and event.referral_discount_value == Decimal(15)
    assert (event.referral_reward_kind, event.referral_reward_value) == ("fixed", Decimal("3.50"))
    entry = AuditLogEntry.objects.get(action="event.referral_settings_updated")
    assert entry.actor == event.organizer and entry.data["after"]["enabled"] is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discount_value": Decimal(101)}, "referral_discount_value"),
        ({"reward_kind": "percent", "reward_value": Decimal(150)}, "referral_reward_value"),
        ({"discount_value": Decimal(-1)}, "referral_discount_value"),
        ({"reward_value": Decimal(0)}, "referral_reward_value"),
        ({"discount_kind": "bogus"}, "referral_discount_kind"),
    ],
)
def test_invalid_settings_are_refused_and_change_nothing(changes, field):
    event = referral_ticket_type(enabled=False).event

    with pytest.raises(ValidationError) as caught:
        referral_settings_update(event=event, values=settings(**changes), actor=event.organizer, now=timezone.now())

    assert field in caught.value.message_dict
    event.refresh_from_db()
    assert not event.referral_enabled and not AuditLogEntry.objects.exists()


def test_turning_the_program_off_keeps_zero_values_allowed():
    event = referral_ticket_type().event

    referral_settings_update(
        event=event,
        values=settings(enabled=False, discount_value=Decimal(0), reward_value=Decimal(0)),
        actor=event.organizer,
        now=timezone.now(),
    )

    event.refresh_from_db()
    assert not event.referral_enabled
