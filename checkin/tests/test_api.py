"""The gate staff API through its URLs: statuses, the error shape, permissions, bundle, stats, throttling."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.api.views import CheckinRedeemApi
from checkin.models import CheckIn, Scan
from checkin.tests.conftest import new_scan_id
from checkin.tests.factories import code_of, event_soon, gate_staff, ticket_issued
from events.models import EventStaff
from events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

VERIFY = reverse("checkin-verify")
REDEEM = reverse("checkin-redeem")
SYNC = reverse("checkin-sync")
EVENTS = reverse("checkin-event-list")


def redeem_body(event, code, **extra):
    return {"event": event.pk, "code": code, "gate": "North", "scan_id": new_scan_id(), "device_id": "p1", **extra}


def bundle_url(event, **query):
    url = reverse("checkin-offline-bundle", args=[event.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- redeem / verify --------------------------------------------------------------------------------------


def test_redeem_admits_with_200(scanner, event, ticket):
    response = scanner.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["reason"] == "ok" and body["replayed"] is False
    assert body["ticket"]["serial"] == ticket.serial and body["ticket"]["holder"] == ticket.attendee_name
    assert body["checked_in"]["gate"] == "North"


def test_a_second_redeem_is_409_with_the_error_shape_ticket_and_first_use(scanner, event, ticket):
    scanner.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    response = scanner.post(REDEEM, redeem_body(event, ticket.serial, gate="South"), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "already_used" and body["error"]["fields"] == {}
    assert body["error"]["message"]
    assert body["reason"] == "already_used"
    assert body["ticket"]["holder"] == ticket.attendee_name
    assert body["first_used"]["gate"] == "North" and body["first_used"]["at"].endswith("Z")


@pytest.mark.parametrize("status", ["unpaid", "cancelled", "refunded"])
def test_other_rejections_are_422_with_the_reason_as_error_code(scanner, event, status):
    ticket = ticket_issued(event=event, status=status)

    response = scanner.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == status == response.json()["reason"]


def test_an_invalid_code_is_422_invalid(scanner, event):
    response = scanner.post(REDEEM, redeem_body(event, "not a ticket"), format="json")

    assert response.status_code == 422
    assert response.json()["reason"] == "invalid" and response.json()["ticket"] is None


def test_a_ticket_of_event_b_scanned_at_event_a_is_wrong_event(scanner, event):
    other = ticket_issued(event=event_soon())

    response = scanner.post(REDEEM, redeem_body(event, code_of(other)), format="json")

    assert response.status_code == 422 and response.json()["reason"] == "wrong_event"


def test_a_retried_redeem_replays_the_first_answer(scanner, event, ticket):
    body = redeem_body(event, code_of(ticket))
    first = scanner.post(REDEEM, body, format="json")

    again = scanner.post(REDEEM, body, format="json")

    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert Scan.objects.count() == 1


def test_a_scan_id_of_another_scan_is_409_scan_id_reused(scanner, scanner_for, event, ticket):
    body = redeem_body(event, code_of(ticket))
    scanner.post(REDEEM, body, format="json")

    response = scanner_for(gate_staff(event)).post(REDEEM, body, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "scan_id_reused" and "reason" not in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [("scan_id", ""), ("scan_id", "has spaces"), ("scan_id", "x" * 65), ("event", "abc"), ("code", ["a"])],
)
def test_malformed_requests_are_400_and_record_nothing(scanner, event, field, value):
    response = scanner.post(REDEEM, {**redeem_body(event, "x"), field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Scan.objects.exists()


def test_verify_answers_200_with_the_reason_and_writes_nothing(scanner, event, ticket):
    response = scanner.post(VERIFY, {"event": event.pk, "code": code_of(ticket)}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["reason"] == "ok" and body["admissible"] is True
    assert body["ticket"]["ticket_type"] == ticket.ticket_type.name and body["ticket"]["seat"] is None
    assert body["ticket"]["event"] == {"id": event.pk, "title": event.title}
    assert not Scan.objects.exists()


def test_verify_of_an_early_scan_says_when_check_in_opens(scanner_for):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=2))
    ticket = ticket_issued(event=event)

    response = scanner_for(gate_staff(event)).post(VERIFY, {"event": event.pk, "code": code_of(ticket)}, format="json")

    assert response.json()["reason"] == "not_yet_valid" and response.json()["opens_at"]


# --- permissions ------------------------------------------------------------------------------------------


def test_anonymous_is_401(api_client, event, ticket):
    response = api_client.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    assert response.status_code == 401
    assert not Scan.objects.exists()


def test_an_attendee_is_403(scanner_for, event, ticket):
    response = scanner_for(UserFactory()).post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    assert response.status_code == 403 and response.json()["error"]["code"] == "not_event_staff"


@pytest.mark.parametrize("url", [VERIFY, REDEEM])
def test_staff_of_event_a_at_event_b_is_403_and_nothing_is_recorded(scanner, url):
    event_b = event_soon()
    ticket_b = ticket_issued(event=event_b)

    response = scanner.post(url, redeem_body(event_b, code_of(ticket_b)), format="json")

    assert response.status_code == 403
    assert not Scan.objects.exists() and not CheckIn.objects.exists()


def test_an_unknown_event_is_403_like_a_foreign_one(scanner):
    response = scanner.post(REDEEM, {"event": 999999, "code": "x", "scan_id": "s-1"}, format="json")

    assert response.status_code == 403


def test_revoked_staff_are_refused_on_their_next_request(scanner, gate, event):
    first, second = ticket_issued(event=event), ticket_issued(event=event)
    assert scanner.post(REDEEM, redeem_body(event, code_of(first)), format="json").status_code == 200

    EventStaff.objects.filter(user=gate, event=event).delete()
    response = scanner.post(REDEEM, redeem_body(event, code_of(second)), format="json")

    assert response.status_code == 403
    assert not CheckIn.objects.filter(ticket=second).exists()


def test_the_organizer_and_admins_can_scan(scanner_for, event, ticket):
    organizer = scanner_for(event.organizer).post(VERIFY, {"event": event.pk, "code": ticket.serial}, format="json")
    admin = scanner_for(UserFactory(admin=True)).post(VERIFY, {"event": event.pk, "code": ticket.serial}, format="json")

    assert organizer.status_code == admin.status_code == 200


def test_check_in_has_its_own_generous_throttle():
    assert CheckinRedeemApi.throttle_scope == "checkin"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["checkin"] == "1200/min"


# --- sync -------------------------------------------------------------------------------------------------


def test_sync_records_each_scan_and_answers_per_scan(scanner, event):
    tickets = [ticket_issued(event=event) for _ in range(2)]
    scans = [
        {"scan_id": "o-1", "code": code_of(tickets[0]), "device_time": timezone.now().isoformat()},
        {"scan_id": "o-2", "code": tickets[1].serial, "gate": "East"},
        {"scan_id": "o-3", "code": "garbage", "result": "invalid"},
        {"code": "missing scan id"},
        "not even an object",
    ]

    response = scanner.post(
        SYNC, {"event": event.pk, "gate": "North", "device_id": "p9", "scans": scans}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert [r["reason"] for r in body["results"]] == ["ok", "ok", "invalid", None, None]
    assert body["results"][3]["error"]["fields"]["scan_id"]
    assert body["summary"] == {
        "received": 5,
        "admitted": 2,
        "rejected": 1,
        "conflicts": 0,
        "replayed": 0,
        "errors": 2,
    }
    assert sorted(Scan.objects.values_list("gate", flat=True)) == ["East", "North", "North"]
    assert set(Scan.objects.values_list("device_id", flat=True)) == {"p9"}


def test_sync_uploaded_three_times_is_idempotent(scanner, event):
    tickets = [ticket_issued(event=event) for _ in range(3)]
    body = {"event": event.pk, "scans": [{"scan_id": f"b-{t.pk}", "code": code_of(t)} for t in tickets]}

    responses = [scanner.post(SYNC, body, format="json") for _ in range(3)]

    assert [r.json()["summary"]["replayed"] for r in responses] == [0, 3, 3]
    assert CheckIn.objects.count() == 3 and Scan.objects.count() == 3


def test_sync_takes_at_most_500_scans(scanner, event):
    scans = [{"scan_id": f"s-{i}", "code": "x"} for i in range(501)]

    response = scanner.post(SYNC, {"event": event.pk, "scans": scans}, format="json")

    assert response.status_code == 400 and "scans" in response.json()["error"]["fields"]
    assert not Scan.objects.exists()


def test_sync_at_a_foreign_event_is_403(scanner):
    event_b = event_soon()

    response = scanner.post(SYNC, {"event": event_b.pk, "scans": [{"scan_id": "a", "code": "x"}]}, format="json")

    assert response.status_code == 403 and not Scan.objects.exists()


# --- events, offline bundle, stats ------------------------------------------------------------------------


def test_my_events_lists_running_and_upcoming_first_with_counts(scanner_for, django_assert_max_num_queries):
    user = UserFactory()
    now = timezone.now()
    past = EventFactory(starts_at=now - timedelta(days=3))
    later = EventFactory(starts_at=now + timedelta(days=5))
    running = EventFactory(starts_at=now - timedelta(hours=1))
    not_mine = event_soon()
    for event in (past, later, running):
        EventStaff.objects.create(event=event, user=user)
    for _ in range(2):
        ticket_issued(event=running)
    ticket_issued(event=running, status="refunded")
    client = scanner_for(user)

    with django_assert_max_num_queries(4):
        response = client.get(EVENTS)

    results = response.json()["results"]
    assert [row["id"] for row in results] == [running.pk, later.pk, past.pk]
    assert not_mine.pk not in [row["id"] for row in results]
    assert (results[0]["expected"], results[0]["admitted"]) == (2, 0)


def test_the_offline_bundle_has_the_key_revocations_and_tickets(scanner, event, ticket):
    reissued = ticket_issued(event=event, version=3)
    refunded = ticket_issued(event=event, status="refunded")
    scanner.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    response = scanner.get(bundle_url(event))

    assert response.status_code == 200
    body = response.json()
    assert body["key"]["algorithm"] == "Ed25519" and len(body["key"]["public_key"]) == 43
    assert body["revoked"] == [{"ticket_id": reissued.pk, "min_version": 3}]
    assert body["blocked"]["refunded"] == [refunded.pk]
    by_id = {row["id"]: row for row in body["tickets"]}
    assert by_id[ticket.pk]["checked_in_at"] and by_id[ticket.pk]["checked_in_gate"] == "North"
    assert by_id[refunded.pk]["status"] == "refunded" and by_id[reissued.pk]["version"] == 3
    assert response["ETag"] and response["Last-Modified"]


def test_the_offline_bundle_can_leave_the_tickets_out(scanner, event, ticket):
    response = scanner.get(bundle_url(event, tickets="false"))

    assert response.json()["tickets"] is None and response.json()["key"]["public_key"]


def test_the_offline_bundle_answers_304_until_something_changes(scanner, event, ticket):
    etag = scanner.get(bundle_url(event))["ETag"]

    unchanged = scanner.get(bundle_url(event), HTTP_IF_NONE_MATCH=etag)
    ticket.__class__.objects.filter(pk=ticket.pk).update(status="refunded")  # as the refund service does
    changed = scanner.get(bundle_url(event), HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_check_in_changes_the_bundle_etag(scanner, event, ticket):
    etag = scanner.get(bundle_url(event))["ETag"]

    scanner.post(REDEEM, redeem_body(event, code_of(ticket)), format="json")

    assert scanner.get(bundle_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_offline_bundle_of_a_foreign_event_is_403(scanner):
    assert scanner.get(bundle_url(event_soon())).status_code == 403


def test_stats_count_admitted_expected_gates_and_minutes(scanner, event, django_assert_max_num_queries):
    tickets = [ticket_issued(event=event) for _ in range(3)]
    ticket_issued(event=event, status="cancelled")
    scanner.post(REDEEM, redeem_body(event, code_of(tickets[0]), gate="North"), format="json")
    scanner.post(REDEEM, redeem_body(event, code_of(tickets[1]), gate="South"), format="json")
    scanner.post(REDEEM, redeem_body(event, code_of(tickets[1]), gate="South"), format="json")

    with django_assert_max_num_queries(8):
        response = scanner.get(reverse("checkin-stats", args=[event.pk]))

    body = response.json()
    assert (body["expected"], body["admitted"], body["remaining"]) == (3, 2, 1)
    assert [(g["gate"], g["admitted"], g["rejected"]) for g in body["gates"]] == [("North", 1, 0), ("South", 1, 1)]
    assert len(body["per_minute"]) == 60 and sum(m["admitted"] for m in body["per_minute"]) == 2
    assert body["per_minute"][-1]["admitted"] == 2


def test_stats_of_a_foreign_event_is_403(scanner):
    assert scanner.get(reverse("checkin-stats", args=[event_soon().pk])).status_code == 403


def test_the_api_schema_documents_the_check_in_endpoints(client):
    response = client.get(reverse("schema"))

    assert response.status_code == 200
    assert b"/api/v1/checkin/redeem/" in response.content
