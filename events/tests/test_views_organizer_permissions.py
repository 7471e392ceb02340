"""Every organizer dashboard page at once: another organizer's event is 404 and unchanged, admins manage
any event, every form carries a CSRF token.
"""

import re

import pytest

from accounts.tests.factories import UserFactory
from events.models import CapacityPool, Event, EventStaff, TicketType, Venue
from events.tests.factories import CapacityPoolFactory, EventFactory, TicketTypeFactory
from events.tests.helpers_organizer_pages import event_post, ticket_type_post, url

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    """Everything the dashboard can change, to prove a refused request changed nothing."""
    return tuple(
        list(model.objects.order_by("pk").values()) for model in (Event, TicketType, CapacityPool, EventStaff, Venue)
    )


@pytest.fixture
def organizer(organizer, client):
    """The organizer of conftest, signed in: every test here browses the dashboard as them."""
    client.force_login(organizer)
    return organizer


# --- Permissions: another organizer's event is 404 everywhere, and nothing changes ----------------------


@pytest.fixture
def foreign_world():
    """Another organizer's event with a ticket type, a shared capacity and a gate staff member."""
    event = EventFactory(draft=True)
    pool = CapacityPoolFactory(event=event)
    ticket_type = TicketTypeFactory(event=event, pool=pool)
    staff = EventStaff.objects.create(event=event, user=UserFactory(email="gate@example.com"))
    return {"event": event, "pool": pool, "ticket_type": ticket_type, "staff": staff}


FORBIDDEN_REQUESTS = [
    ("get", "event_detail", lambda w: [w["event"].pk], {}),
    ("get", "event_edit", lambda w: [w["event"].pk], {}),
    ("post", "event_edit", lambda w: [w["event"].pk], "event"),
    ("post", "event_publish", lambda w: [w["event"].pk], {}),
    ("post", "event_unpublish", lambda w: [w["event"].pk], {}),
    ("post", "event_duplicate", lambda w: [w["event"].pk], {}),
    ("get", "event_cancel", lambda w: [w["event"].pk], {}),
    ("post", "event_cancel", lambda w: [w["event"].pk], {"reason": "Mine now", "confirm": "on"}),
    ("get", "event_delete", lambda w: [w["event"].pk], {}),
    ("post", "event_delete", lambda w: [w["event"].pk], {}),
    ("get", "event_tickets", lambda w: [w["event"].pk], {}),
    ("post", "ticket_type_create", lambda w: [w["event"].pk], "ticket_type"),
    ("get", "ticket_type_edit", lambda w: [w["event"].pk, w["ticket_type"].pk], {}),
    ("post", "ticket_type_edit", lambda w: [w["event"].pk, w["ticket_type"].pk], "ticket_type"),
    ("post", "ticket_type_delete", lambda w: [w["event"].pk, w["ticket_type"].pk], {}),
    ("post", "pool_create", lambda w: [w["event"].pk], {"pool-name": "Mine", "pool-capacity": "1"}),
    ("post", "pool_update", lambda w: [w["event"].pk, w["pool"].pk], "pool"),
    ("post", "pool_delete", lambda w: [w["event"].pk, w["pool"].pk], {}),
    ("get", "event_staff", lambda w: [w["event"].pk], {}),
    ("post", "event_staff", lambda w: [w["event"].pk], {"email": "gate@example.com"}),
    ("post", "staff_remove", lambda w: [w["event"].pk, w["staff"].user_id], {}),
]


@pytest.mark.parametrize(
    ("method", "name", "args", "data"), FORBIDDEN_REQUESTS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_another_organizer_s_event_is_404_and_unchanged(client, organizer, foreign_world, method, name, args, data):
    if data == "event":
        data = event_post(foreign_world["event"].category, title="Hijacked")
    elif data == "ticket_type":
        data = ticket_type_post(name="Hijacked", price="0")
    elif data == "pool":
        data = {f"pool-{foreign_world['pool'].pk}-name": "Hijacked", f"pool-{foreign_world['pool'].pk}-capacity": "1"}
    before = snapshot()

    response = getattr(client, method)(url(name, *args(foreign_world)), data)

    assert response.status_code == 404
    assert snapshot() == before


def test_my_ticket_type_under_another_organizer_s_event_is_404(client, organizer, foreign_world):
    mine = TicketTypeFactory(event=EventFactory(organizer=organizer))

    response = client.post(url("ticket_type_delete", foreign_world["event"].pk, mine.pk))

    assert response.status_code == 404 and TicketType.objects.filter(pk=mine.pk).exists()


def test_an_admin_can_manage_any_event(client, foreign_world):
    client.force_login(UserFactory(admin=True))
    event = foreign_world["event"]

    page = client.get(url("event_detail", event.pk))
    client.post(url("event_publish", event.pk))

    event.refresh_from_db()
    assert page.status_code == 200 and event.status == Event.Status.PUBLISHED


@pytest.mark.parametrize(
    "page",
    ["event_create", "event_edit", "event_detail", "event_tickets", "event_staff", "event_cancel", "event_delete"],
)
def test_every_form_on_the_page_carries_a_csrf_token(client, organizer, page):
    event = EventFactory(organizer=organizer, draft=True)
    pool = CapacityPoolFactory(event=event)
    TicketTypeFactory(event=event, pool=pool)
    EventStaff.objects.create(event=event, user=UserFactory())

    body = client.get(url(page) if page == "event_create" else url(page, event.pk)).content.decode()

    forms = re.findall(r'<form [^>]*method="post"[^>]*>(.*?)</form>', body, re.S)
    assert len(forms) >= 2 and all('name="csrfmiddlewaretoken"' in form for form in forms)
