"""The live gate dashboard and the audit pages, through their URLs: access, content, query budgets, filters."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from checkin.models import Scan
from checkin.services.scans import ScanInput, scan_redeem, scans_sync
from checkin.tests.factories import code_of, event_soon, gate_staff, ticket_issued
from core.models import AuditLogEntry
from core.services import audit_record
from events.tests.factories import TicketTypeFactory

pytestmark = pytest.mark.django_db

EVENT_PAGES = ["checkin:event_checkin", "checkin:event_checkin_live", "checkin:event_audit"]


def admit(event, ticket, *, staff=None, gate="North"):
    return scan_redeem(
        staff=staff or event.organizer,
        event=event,
        code=code_of(ticket),
        gate=gate,
        device_id="phone",
        scan_id=f"s-{Scan.objects.count()}-{ticket.pk}-{gate}",
        now=timezone.now(),
    )


@pytest.fixture
def organizer_client(client, event):
    client.force_login(event.organizer)
    return client


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EVENT_PAGES)
@pytest.mark.parametrize("who", ["another_organizer", "attendee", "gate_staff"])
def test_event_pages_of_someone_elses_event_answer_404(client, event, name, who):
    user = {"another_organizer": lambda: UserFactory(organizer=True), "attendee": UserFactory}.get(
        who, lambda: gate_staff(event)
    )()
    client.force_login(user)

    response = client.get(reverse(name, args=[event.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, event, name):
    response = client.get(reverse(name, args=[event.pk]))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_an_htmx_poll_after_signing_out_reloads_the_page(client, event):
    response = client.get(reverse("checkin:event_checkin_live", args=[event.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and response["HX-Refresh"] == "true"


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_admins_see_any_event(client, event, name):
    client.force_login(UserFactory(admin=True))

    assert client.get(reverse(name, args=[event.pk])).status_code == 200


@pytest.mark.parametrize("who", ["organizer", "attendee"])
def test_the_admin_audit_log_is_for_admins_only(client, who):
    client.force_login(UserFactory(organizer=who == "organizer"))

    assert client.get(reverse("checkin:admin_audit")).status_code == 404


# --- live dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_shows_admitted_vs_expected_gates_and_recent_scans(organizer_client, event):
    tickets = [ticket_issued(event=event, name=f"Guest {i}") for i in range(4)]
    admit(event, tickets[0], gate="North")
    admit(event, tickets[1], gate="South")
    admit(event, tickets[1], gate="South")  # rejected: already used

    response = organizer_client.get(reverse("checkin:event_checkin", args=[event.pk]))

    html = response.content.decode()
    stats = response.context["stats"]
    assert (stats["admitted"], stats["expected"], stats["rejected"]) == (2, 4, 1)
    assert '<progress class="eh-progress checkin-admitted__bar" value="2" max="4"' in html
    assert 'hx-trigger="every 5s"' in html
    assert "North" in html and "South" in html and "Guest 1" in html
    assert html.count("<rect ") == 1  # one minute with check-ins in the chart
    assert "style=" not in html.split('id="checkin-live"')[1]  # CSP: no inline styles


def test_the_live_partial_is_the_live_part_alone(organizer_client, event):
    response = organizer_client.get(reverse("checkin:event_checkin_live", args=[event.pk]))

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="checkin-live"') and "<html" not in html


def _dashboard_queries(client, event, django_assert_max_num_queries, budget):
    """Session, user, event, three for the numbers, two for the scan lists."""
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(reverse("checkin:event_checkin_live", args=[event.pk])).status_code == 200
    return len(captured)


def test_the_live_partial_query_count_does_not_grow_with_the_data(
    organizer_client, event, django_assert_max_num_queries
):
    ticket_type = TicketTypeFactory(event=event)
    ticket_issued(ticket_type=ticket_type)
    baseline = _dashboard_queries(organizer_client, event, django_assert_max_num_queries, 8)
    staff = [gate_staff(event) for _ in range(3)]
    for i in range(30):
        ticket = ticket_issued(ticket_type=ticket_type)
        admit(event, ticket, staff=staff[i % 3], gate=f"Gate {i % 4}")
        if i % 5 == 0:
            admit(event, ticket, staff=staff[0], gate="Gate 0")
    scans_sync(
        staff=staff[1],
        event=event,
        scans=[ScanInput(scan_id="o-1", code="junk", device_time=timezone.now() - timedelta(minutes=3))],
        now=timezone.now(),
    )

    assert _dashboard_queries(organizer_client, event, django_assert_max_num_queries, 8) == baseline


def test_the_full_dashboard_page_has_a_fixed_query_budget(organizer_client, event, django_assert_max_num_queries):
    for _ in range(5):
        admit(event, ticket_issued(event=event))

    with django_assert_max_num_queries(8):
        organizer_client.get(reverse("checkin:event_checkin", args=[event.pk]))


# --- audit pages ------------------------------------------------------------------------------------------


@pytest.fixture
def audit_world(event):
    """Entries about the event, one of its ticket types, another event, and a user."""
    ticket_type = TicketTypeFactory(event=event)
    other = event_soon()
    admin = UserFactory(admin=True, email="boss@example.com")
    audit_record(actor=event.organizer, action="event.published", target=event)
    audit_record(actor=event.organizer, action="ticket_type.updated", target=ticket_type)
    audit_record(actor=other.organizer, action="event.published", target=other)
    audit_record(actor=admin, action="account.role_changed", target=event.organizer)
    old = audit_record(actor=admin, action="event.updated", target=event)
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    return {"ticket_type": ticket_type, "other": other, "admin": admin}


def rows(response):
    return response.context["rows"]


def test_the_event_log_holds_entries_about_the_event_and_its_ticket_types_only(organizer_client, event, audit_world):
    response = organizer_client.get(reverse("checkin:event_audit", args=[event.pk]))

    assert {(e.action, e.target_type) for e in rows(response)} == {
        ("event.published", "events.event"),
        ("ticket_type.updated", "events.tickettype"),
        ("event.updated", "events.event"),
    }


def test_the_event_log_filters_by_action_and_date(organizer_client, event, audit_world):
    url = reverse("checkin:event_audit", args=[event.pk])
    since = (timezone.now() - timedelta(days=1)).date().isoformat()

    by_action = organizer_client.get(url, {"action": "ticket_type.updated"})
    by_date = organizer_client.get(url, {"date_from": since})

    assert [e.action for e in rows(by_action)] == ["ticket_type.updated"]
    assert {e.action for e in rows(by_date)} == {"event.published", "ticket_type.updated"}


def test_the_event_scan_tab_lists_its_scans_filtered_by_result_and_staff(organizer_client, event):
    ticket = ticket_issued(event=event)
    staff = gate_staff(event, email="door@example.com")
    admit(event, ticket, staff=staff)
    admit(event, ticket)  # already used, by the organizer
    admit(event_soon(), ticket)  # at another event: wrong_event, not shown here
    url = reverse("checkin:event_audit", args=[event.pk])

    everything = organizer_client.get(url, {"tab": "scans"})
    rejected = organizer_client.get(url, {"tab": "scans", "result": "already_used"})
    by_staff = organizer_client.get(url, {"tab": "scans", "staff": "door@"})

    assert len(rows(everything)) == 2
    assert [s.result for s in rows(rejected)] == ["already_used"]
    assert [s.staff for s in rows(by_staff)] == [staff]


def test_the_admin_log_filters_by_action_actor_target_type_and_dates(client, audit_world):
    client.force_login(audit_world["admin"])
    url = reverse("checkin:admin_audit")
    today = timezone.now().date().isoformat()

    everything = client.get(url)
    by_action = client.get(url, {"action": "event.published"})
    by_actor = client.get(url, {"actor": "BOSS@"})
    by_type = client.get(url, {"target_type": "accounts.user"})
    by_dates = client.get(url, {"date_from": today, "date_to": today, "actor": "boss"})

    assert len(rows(everything)) == 5
    assert len(rows(by_action)) == 2
    assert {e.action for e in rows(by_actor)} == {"account.role_changed", "event.updated"}
    assert [e.action for e in rows(by_type)] == ["account.role_changed"]
    assert [e.action for e in rows(by_dates)] == ["account.role_changed"]


def test_an_invalid_filter_is_shown_and_ignored(client, audit_world):
    client.force_login(audit_world["admin"])

    response = client.get(reverse("checkin:admin_audit"), {"action": "no.such", "date_from": "yesterday"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"action", "date_from"}
    assert len(rows(response)) == 5


def test_the_admin_scan_tab_filters_by_event_result_and_staff(client, event):
    admin = UserFactory(admin=True)
    other = event_soon(title="Harbour Jazz")
    admit(event, ticket_issued(event=event))
    admit(other, ticket_issued(event=other))
    scan_redeem(
        staff=other.organizer, event=other, code="junk", gate="", device_id="", scan_id="junk-1", now=timezone.now()
    )
    client.force_login(admin)
    url = reverse("checkin:admin_audit")

    by_title = client.get(url, {"tab": "scans", "event": "harbour"})
    by_id = client.get(url, {"tab": "scans", "event": str(event.pk)})
    by_result = client.get(url, {"tab": "scans", "result": "invalid"})
    by_staff = client.get(url, {"tab": "scans", "staff": event.organizer.email})

    assert {s.event for s in rows(by_title)} == {other}
    assert {s.event for s in rows(by_id)} == {event}
    assert [s.scan_id for s in rows(by_result)] == ["junk-1"]
    assert {s.event for s in rows(by_staff)} == {event}


def test_the_audit_log_pages_by_50_with_a_fixed_query_budget(client, django_assert_max_num_queries):
    admin = UserFactory(admin=True)
    AuditLogEntry.objects.bulk_create(
        AuditLogEntry(created_at=timezone.now(), actor=admin, action="event.updated") for _ in range(120)
    )
    client.force_login(admin)

    with django_assert_max_num_queries(9):
        first = client.get(reverse("checkin:admin_audit"))
    last = client.get(reverse("checkin:admin_audit"), {"page": 3})

    assert len(rows(first)) == 50 and len(rows(last)) == 20


def test_the_admin_scan_tab_has_a_fixed_query_budget(client, event, django_assert_max_num_queries):
    admin = UserFactory(admin=True)
    for _ in range(10):
        admit(event, ticket_issued(event=event))
    client.force_login(admin)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("checkin:admin_audit"), {"tab": "scans"})

    assert len(rows(response)) == 10


def test_the_dashboard_sidebar_links_admins_to_the_audit_log(client):
    client.force_login(UserFactory(admin=True))

    response = client.get(reverse("core:admin_dashboard"))

    assert reverse("checkin:admin_audit").encode() in response.content


def test_the_event_tabs_link_to_check_in(organizer_client, event):
    response = organizer_client.get(reverse("organizer:event_detail", args=[event.pk]))

    assert reverse("checkin:event_checkin", args=[event.pk]).encode() in response.content


# --- Django admin -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["scan", "checkin"])
def test_django_admin_lists_and_searches_scans_and_check_ins(client, event, model):
    ticket = ticket_issued(event=event)
    admit(event, ticket)
    client.force_login(UserFactory(admin=True))
    url = reverse(f"admin:checkin_{model}_changelist")

    listed = client.get(url, {"q": ticket.serial})
    filtered = client.get(url, {"offline__exact": "0"} if model == "scan" else {"source__exact": "online"})
    add = client.get(reverse(f"admin:checkin_{model}_add"))

    assert listed.status_code == filtered.status_code == 200
    assert ticket.serial.encode() in listed.content
    assert add.status_code == 403


def test_the_dashboard_shows_times_in_the_events_time_zone(organizer_client):
    event = event_soon(timezone="Asia/Tokyo")
    organizer_client.force_login(event.organizer)
    ticket = ticket_issued(event=event)
    moment = timezone.now().replace(microsecond=0)
    scan_redeem(
        staff=event.organizer, event=event, code=ticket.serial, gate="A", device_id="", scan_id="tz-1", now=moment
    )

    response = organizer_client.get(reverse("checkin:event_checkin_live", args=[event.pk]))

    tokyo = moment.astimezone(event.tz).strftime("%H:%M:%S")
    assert f">{tokyo}</time>" in response.content.decode()
