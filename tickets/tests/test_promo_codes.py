"""The promo code services for organizers and the referral program, and the discount arithmetic."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.models import AuditLogEntry
from events.errors import EventNotEditable
from events.models import Event
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.errors import PromoNotEditable
from tickets.models import PromoCode
from tickets.services.discounts import discount_spread
from tickets.services.promo_codes import (
    promo_code_create,
    promo_code_deactivate,
    promo_code_reactivate,
    promo_code_update,
    promo_codes_generate,
)
from tickets.tests.factories import PromoCodeFactory

pytestmark = pytest.mark.django_db


def create(event, **overrides):
    fields = {"kind": PromoCode.Kind.PERCENT, "value": Decimal("10"), "actor": event.organizer, "now": timezone.now()}
    return promo_code_create(event=event, **{**fields, **overrides})


def test_create_stores_the_rules_and_records_who_did_it():
    event = EventFactory()
    vip = TicketTypeFactory(event=event)

    promo = create(event, code=" vip-10 ", max_uses=5, per_user_limit=1, ticket_types=[vip], note=" Press ")

    assert (promo.code, promo.max_uses, promo.per_user_limit, promo.note) == ("VIP-10", 5, 1, "Press")
    assert list(promo.ticket_types.all()) == [vip]
    assert (promo.source, promo.created_by, promo.uses, promo.is_active) == ("organizer", event.organizer, 0, True)
    entry = AuditLogEntry.objects.get(action="promo_code.created")
    assert (entry.actor, entry.target_id) == (event.organizer, str(promo.pk))


def test_create_for_the_referral_program_makes_a_personal_single_use_code():
    event = EventFactory()
    referrer = UserFactory()

    promo = create(
        event,
        kind=PromoCode.Kind.FIXED,
        value=Decimal("5"),
        max_uses=1,
        owner=referrer,
        source="referral_reward",
        actor=None,
    )

    assert len(promo.code) == 8 and promo.code.isalnum()
    assert (promo.owner, promo.source, promo.max_uses, promo.created_by) == (referrer, "referral_reward", 1, None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": Decimal("0")}, "value"),
        ({"value": Decimal("101")}, "value"),
        ({"code": "with space"}, "code"),
        ({"code": "X" * 41}, "code"),
        ({"max_uses": 0}, "max_uses"),
        ({"per_user_limit": 0}, "per_user_limit"),
    ],
)
def test_create_refuses_bad_rules_per_field(overrides, field):
    event = EventFactory()

    with pytest.raises(ValidationError) as refused:
        create(event, **overrides)

    assert field in refused.value.message_dict
    assert not PromoCode.objects.exists()


def test_create_refuses_a_window_that_ends_before_it_starts():
    now = timezone.now()

    with pytest.raises(ValidationError) as refused:
        create(EventFactory(), valid_from=now, valid_until=now - timedelta(hours=1))

    assert "valid_until" in refused.value.message_dict


def test_create_refuses_ticket_types_of_another_event():
    with pytest.raises(ValidationError) as refused:
        create(EventFactory(), ticket_types=[TicketTypeFactory()])

    assert "ticket_types" in refused.value.message_dict


def test_create_refuses_a_code_the_event_has_in_another_case():
    event = EventFactory()
    create(event, code="spring")

    with pytest.raises(ValidationError) as refused:
        create(event, code="SPRING")

    assert "code" in refused.value.message_dict


def test_the_database_keeps_codes_unique_per_event_case_insensitively():
    event = EventFactory()
    PromoCodeFactory(event=event, code="SPRING")

    with pytest.raises(IntegrityError), transaction.atomic():
        PromoCode.objects.create(event=event, code="spring", kind="percent", value=Decimal("5"))


def test_the_database_never_lets_uses_pass_the_limit():
    promo = PromoCodeFactory(max_uses=1, uses=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        PromoCode.objects.filter(pk=promo.pk).update(uses=2)


def test_no_codes_for_a_cancelled_event():
    with pytest.raises(EventNotEditable):
        create(EventFactory(status=Event.Status.CANCELLED))


def test_generate_makes_distinct_random_codes_with_one_audit_entry():
    event = EventFactory()

    codes = promo_codes_generate(
        event=event,
        count=20,
        prefix="news",
        kind="fixed",
        value=Decimal("3"),
        actor=event.organizer,
        now=timezone.now(),
    )

    assert len({code.code for code in codes}) == 20
    assert all(code.code.startswith("NEWS") and len(code.code) == 12 and code.max_uses == 1 for code in codes)
    assert AuditLogEntry.objects.filter(action="promo_code.generated").count() == 1


def test_generate_refuses_too_many_codes_at_once():
    event = EventFactory()

    with pytest.raises(ValidationError):
        promo_codes_generate(
            event=event, count=501, kind="fixed", value=Decimal("3"), actor=event.organizer, now=timezone.now()
        )


def test_update_changes_the_rules_and_audits_the_fields():
    promo = PromoCodeFactory(value=Decimal("10"))
    actor = promo.event.organizer

    promo_code_update(promo_code=promo, data={"value": Decimal("12.5"), "note": "x"}, actor=actor, now=timezone.now())

    promo.refresh_from_db()
    assert promo.value == Decimal("12.5")
    assert AuditLogEntry.objects.get(action="promo_code.updated").data == {"fields": ["value", "note"]}


def test_deactivate_twice_records_once():
    promo = PromoCodeFactory()

    for _ in range(2):
        promo_code_deactivate(promo_code=promo, actor=promo.event.organizer, reason="leaked", now=timezone.now())

    entries = AuditLogEntry.objects.filter(action="promo_code.deactivated")
    assert entries.count() == 1 and entries.get().data == {"reason": "leaked"}


def test_a_revoked_referral_reward_cannot_be_reactivated_or_edited_by_the_organizer():
    promo = PromoCodeFactory(source=PromoCode.Source.REFERRAL_REWARD, owner=UserFactory(), is_active=False)
    organizer = promo.event.organizer

    with pytest.raises(PromoNotEditable):
        promo_code_reactivate(promo_code=promo, actor=organizer, now=timezone.now())
    with pytest.raises(PromoNotEditable):
        promo_code_update(promo_code=promo, data={"value": Decimal("50")}, actor=organizer, now=timezone.now())


@pytest.mark.parametrize(
    ("prices", "amount", "expected"),
    [
        (["10.00", "10.00", "10.00"], "10.00", ["6.66", "6.67", "6.67"]),
        (["20.00", "100.00"], "12.00", ["18.00", "90.00"]),
        (["0.01", "0.01", "0.01"], "0.02", ["0.00", "0.00", "0.01"]),
        (["5.00"], "9.00", ["0.00"]),
        (["7.00", "3.00"], "0", ["7.00", "3.00"]),
    ],
)
def test_discount_spread_adds_up_to_the_total_and_never_goes_negative(prices, amount, expected):
    spread = discount_spread(prices=[Decimal(p) for p in prices], amount=Decimal(amount))

    assert sorted(spread) == sorted(Decimal(e) for e in expected)
    total = sum(Decimal(p) for p in prices)
    assert sum(spread) == total - min(Decimal(amount), total)
