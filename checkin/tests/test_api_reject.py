"""POST checkin/reject/: a code the gate turned away after verify is logged too, and admits nobody."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from checkin.models import CheckIn, Scan
from checkin.tests.conftest import new_scan_id
from checkin.tests.factories import code_of

pytestmark = pytest.mark.django_db


# --- reject: a code turned away after verify is logged too ------------------------------------------------

REJECT = reverse("checkin-reject")


def reject_body(event, code, reason, **extra):
    return {"event": event.pk, "code": code, "reason": reason, "gate": "North", "scan_id": new_scan_id(), **extra}


def test_reject_logs_the_turn_away_admits_nobody_and_replays(scanner, event, ticket):
    from tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)
    body = reject_body(event, ticket.serial, "refunded")

    first = scanner.post(REJECT, body, format="json")
    again = scanner.post(REJECT, body, format="json")

    assert first.status_code == 200 and first.json()["reason"] == "refunded"
    assert again.json()["replayed"] is True
    scan = Scan.objects.get(scan_id=body["scan_id"])
    assert (scan.result, scan.gate, scan.offline, scan.ticket_id) == ("refunded", "North", False, ticket.pk)
    assert not CheckIn.objects.exists()


def test_reject_never_admits_even_when_the_ticket_became_admissible(scanner, event, ticket):
    body = reject_body(event, code_of(ticket), "not_yet_valid")

    response = scanner.post(REJECT, body, format="json")

    assert response.status_code == 200
    assert Scan.objects.get(scan_id=body["scan_id"]).result == "not_yet_valid"
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("reason", ["ok", "maybe", ""])
def test_reject_refuses_ok_or_unknown_reasons(scanner, event, ticket, reason):
    response = scanner.post(REJECT, reject_body(event, ticket.serial, reason), format="json")

    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert not Scan.objects.exists()


def test_reject_needs_event_staff(api_client, event, ticket):
    api_client.force_authenticate(UserFactory())

    response = api_client.post(REJECT, reject_body(event, ticket.serial, "invalid"), format="json")

    assert response.status_code == 403
    assert not Scan.objects.exists()
