"""Organizer API: changing and deleting my events, their life cycle (publish, unpublish, duplicate,
cancel), covers, and the rules the services keep.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditLogEntry
from events.models import Event, TicketType
from events.tests.factories import CapacityPoolFactory, CategoryFactory, EventFactory, TicketTypeFactory
from events.tests.helpers_api_organizer import error_fields, event_url, ticket_type_url

pytestmark = pytest.mark.django_db


# --- events: change -----------------------------------------------------------------------------------------


def test_event_patch_changes_only_what_was_sent_and_records_it(api, organizer, draft):
    response = api.patch(event_url(draft), {"title": "Summer Gala", "category": CategoryFactory().slug}, format="json")

    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.title == "Summer Gala"
    assert draft.slug != "summer-gala"  # links keep working
    entry = AuditLogEntry.objects.get(action="event.updated", target_id=str(draft.pk))
    assert (entry.actor, entry.data) == (organizer, {"fields": ["title", "category"]})


def test_event_patch_refuses_an_end_before_the_stored_start(api, draft):
    response = api.patch(
        event_url(draft), {"ends_at": (draft.starts_at - timedelta(minutes=5)).isoformat()}, format="json"
    )

    assert response.status_code == 400
    assert "ends_at" in error_fields(response)
    assert Event.objects.get(pk=draft.pk).ends_at == draft.ends_at


def test_event_patch_cannot_remove_the_venue_of_an_in_person_event(api, draft):
    response = api.patch(event_url(draft), {"venue": None}, format="json")

    assert response.status_code == 400
    assert "venue" in error_fields(response)


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "published"),
        ("featured", True),
        ("organizer", 1),
        ("slug", "taken-over"),
        ("cancelled_at", "2030-01-01T00:00:00Z"),
    ],
)
def test_event_patch_refuses_protected_fields_and_changes_nothing(api, draft, field, value):
    response = api.patch(event_url(draft), {field: value, "title": "Changed"}, format="json")

    assert response.status_code == 400
    assert field in error_fields(response)
    stored = Event.objects.get(pk=draft.pk)
    assert (stored.status, stored.featured, stored.title, stored.organizer_id) == (
        Event.Status.DRAFT,
        False,
        "Spring Gala",
        draft.organizer_id,
    )


def test_event_patch_of_another_organizers_event_answers_404_and_changes_nothing(api, other_organizer):
    event = EventFactory(organizer=other_organizer, title="Theirs")

    response = api.patch(event_url(event), {"title": "Mine now"}, format="json")

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).title == "Theirs"


def test_event_patch_of_a_cancelled_event_answers_409(api, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.CANCELLED)

    response = api.patch(event_url(event), {"title": "Back again"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "event_not_editable"


def test_event_delete_removes_an_unsold_event(api, organizer, draft):
    response = api.delete(event_url(draft))

    assert response.status_code == 204
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert AuditLogEntry.objects.filter(action="event.deleted", actor=organizer).exists()


def test_event_delete_refuses_an_event_with_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, sold=1).event

    response = api.delete(event_url(event))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "event_has_orders"
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_delete_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer, draft=True)

    response = api.delete(event_url(event))

    assert response.status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()


# --- events: lifecycle --------------------------------------------------------------------------------------


def test_event_publish_puts_a_draft_on_sale(api, organizer, draft):
    TicketTypeFactory(event=draft)

    response = api.post(event_url(draft, "api-organizer-event-publish"))

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert AuditLogEntry.objects.filter(action="event.published", actor=organizer).exists()


def test_event_publish_without_ticket_types_answers_422(api, draft):
    response = api.post(event_url(draft, "api-organizer-event-publish"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "event_not_publishable"
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT


def test_event_publish_of_another_organizers_draft_answers_404(api, other_organizer):
    event = TicketTypeFactory(event__organizer=other_organizer, event__draft=True).event

    response = api.post(event_url(event, "api-organizer-event-publish"))

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_unpublish_takes_an_unsold_event_back_to_draft(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer).event

    response = api.post(event_url(event, "api-organizer-event-unpublish"))

    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).status == Event.Status.DRAFT


def test_event_unpublish_refuses_an_event_with_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, held=2).event

    response = api.post(event_url(event, "api-organizer-event-unpublish"))

    assert response.status_code == 409
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_duplicate_copies_it_as_a_draft_without_sales(api, organizer):
    event = EventFactory(organizer=organizer, title="Opening Night", featured=True)
    pool = CapacityPoolFactory(event=event, sold=3)
    TicketTypeFactory(event=event, name="Stalls", sold=3, pool=pool)

    response = api.post(event_url(event, "api-organizer-event-duplicate"))

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["status"], body["featured"]) == ("Opening Night (copy)", "draft", False)
    assert [(tt["name"], tt["sold"]) for tt in body["ticket_types"]] == [("Stalls", 0)]
    assert body["ticket_types"][0]["pool"] == body["capacity_pools"][0]["id"] != pool.pk


def test_event_cancel_records_the_reason(api, organizer):
    event = EventFactory(organizer=organizer, featured=True)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "  Storm warning "}, format="json")

    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.status, event.cancellation_reason, event.featured) == ("cancelled", "Storm warning", False)
    assert AuditLogEntry.objects.get(action="event.cancelled").data == {"reason": "Storm warning"}


def test_event_cancel_needs_a_reason(api, organizer):
    event = EventFactory(organizer=organizer)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": " "}, format="json")

    assert response.status_code == 400
    assert "reason" in error_fields(response)
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


def test_event_cancel_twice_answers_409(api, organizer):
    event = EventFactory(organizer=organizer, status=Event.Status.CANCELLED)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "Again"}, format="json")

    assert response.status_code == 409


def test_event_cancel_of_another_organizers_event_answers_404(api, other_organizer):
    event = EventFactory(organizer=other_organizer)

    response = api.post(event_url(event, "api-organizer-event-cancel"), {"reason": "Mine"}, format="json")

    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED


# --- covers and rules the services keep -----------------------------------------------------------------------


def png_upload(name="cover.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "#4f46e5").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_event_cover_is_uploaded_as_multipart_and_removed_with_null(api, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    uploaded = api.patch(event_url(draft), {"cover": png_upload()}, format="multipart")
    removed = api.patch(event_url(draft), {"cover": None}, format="json")

    assert uploaded.status_code == 200, uploaded.content
    assert uploaded.json()["cover"].startswith("http://testserver/media/covers/")
    assert removed.json()["cover"] is None
    assert not Event.objects.get(pk=draft.pk).cover


def test_event_cover_must_be_an_image(api, draft):
    response = api.patch(
        event_url(draft), {"cover": SimpleUploadedFile("cover.png", b"not an image")}, format="multipart"
    )

    assert response.status_code == 400
    assert "cover" in error_fields(response)


def test_event_currency_cannot_change_after_sales(api, organizer):
    event = TicketTypeFactory(event__organizer=organizer, sold=1).event

    response = api.patch(event_url(event), {"currency": "USD"}, format="json")

    assert response.status_code == 400
    assert "currency" in error_fields(response)
    assert Event.objects.get(pk=event.pk).currency == "EUR"


def test_ticket_type_with_sales_cannot_move_to_another_shared_capacity(api, organizer):
    ticket_type = TicketTypeFactory(event__organizer=organizer, sold=2)
    pool = CapacityPoolFactory(event=ticket_type.event)

    response = api.patch(ticket_type_url(ticket_type), {"pool": pool.pk}, format="json")

    assert response.status_code == 409
    assert TicketType.objects.get(pk=ticket_type.pk).pool is None
