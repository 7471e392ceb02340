"""The organizer's review pages for applications and the Django admin actions."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from tickets.models import Application, Order
from tickets.services.applications import application_approve, application_decline
from tickets.tests.helpers_applications import application_submitted, approval_event, image_bytes, upload

pytestmark = pytest.mark.django_db


# --- the organizer's review queue ----------------------------------------------------------------------


def test_the_review_queue_lists_pending_applications_first(client, django_assert_max_num_queries):
    event, ticket_type = approval_event()
    pending = [application_submitted(ticket_type=ticket_type) for _ in range(4)]
    declined = application_submitted(ticket_type=ticket_type)
    application_decline(application=declined, actor=event.organizer, reason="No.", now=timezone.now())
    client.force_login(event.organizer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("applications:organizer_list", args=[event.pk]))

    assert [row.pk for row in response.context["rows"]] == [a.pk for a in pending]
    assert response.context["counts"]["pending"] == 4 and response.context["counts"]["declined"] == 1


def test_the_review_queue_filters_by_status_and_search(client):
    event, ticket_type = approval_event()
    application_submitted(ticket_type=ticket_type, applicant=UserFactory(name="Grace Hopper"))
    declined = application_submitted(ticket_type=ticket_type, applicant=UserFactory(name="Alan Turing"))
    application_decline(application=declined, actor=event.organizer, reason="No.", now=timezone.now())
    client.force_login(event.organizer)

    by_status = client.get(reverse("applications:organizer_list", args=[event.pk]) + "?status=declined")
    by_search = client.get(reverse("applications:organizer_list", args=[event.pk]) + "?status=all&q=grace")

    assert [row.name for row in by_status.context["rows"]] == ["Alan Turing"]
    assert [row.name for row in by_search.context["rows"]] == ["Grace Hopper"]


def test_the_organizer_sees_answers_and_attachments(client):
    event, ticket_type = approval_event()
    application = application_submitted(
        ticket_type=ticket_type, answers=["A telescope"], attachments=[upload("plan.png", image_bytes())]
    )
    client.force_login(event.organizer)

    response = client.get(reverse("applications:organizer_detail", args=[event.pk, application.pk]))

    body = response.content.decode()
    assert "A telescope" in body and "plan.png" in body
    assert reverse("applications:attachment", args=[application.attachments.get().pk]) in body


def test_approving_from_the_dashboard(client):
    event, ticket_type = approval_event(price="15.00")
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(event.organizer)

    response = client.post(reverse("applications:organizer_approve", args=[event.pk, application.pk]), follow=True)

    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.order.status == Order.Status.PENDING
    assert "got a link to pay" in response.content.decode()


def test_declining_from_the_dashboard_needs_a_reason(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(event.organizer)

    empty = client.post(reverse("applications:organizer_decline", args=[event.pk, application.pk]), {"reason": ""})
    done = client.post(
        reverse("applications:organizer_decline", args=[event.pk, application.pk]), {"reason": "Full, sorry."}
    )

    application.refresh_from_db()
    assert empty.status_code == 400 and "reason" in empty.context["decline_form"].errors
    assert done.status_code == 302
    assert application.status == Application.Status.DECLINED and application.decline_reason == "Full, sorry."


def test_a_sold_out_approval_shows_a_clear_error(client):
    event, ticket_type = approval_event(capacity=1)
    first = application_submitted(ticket_type=ticket_type)
    second = application_submitted(ticket_type=ticket_type)
    application_approve(application=first, actor=event.organizer, now=timezone.now())
    client.force_login(event.organizer)

    response = client.post(reverse("applications:organizer_approve", args=[event.pk, second.pk]), follow=True)

    second.refresh_from_db()
    assert second.status == Application.Status.PENDING
    assert "no place left" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    ["applications:organizer_list", "applications:organizer_detail", "applications:organizer_approve",
     "applications:organizer_decline"],
)  # fmt: skip
def test_another_organizers_event_answers_404(client, name):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(UserFactory(organizer=True))
    args = [event.pk] if name == "applications:organizer_list" else [event.pk, application.pk]

    response = (
        client.post(reverse(name, args=args), {"reason": "x"})
        if "approve" in name or "decline" in name
        else (client.get(reverse(name, args=args)))
    )

    application.refresh_from_db()
    assert response.status_code == 404
    assert application.status == Application.Status.PENDING


def test_an_application_is_only_reachable_under_its_own_event(client):
    event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    other_event, _other_type = approval_event(organizer=event.organizer)
    client.force_login(event.organizer)

    response = client.get(reverse("applications:organizer_detail", args=[other_event.pk, application.pk]))

    assert response.status_code == 404


def test_the_event_form_saves_application_questions(client):
    event, _ticket_type = approval_event(questions=[])
    client.force_login(event.organizer)
    page = client.get(reverse("organizer:event_edit", args=[event.pk]))
    form = page.context["form"]
    data = {
        name: value
        for name, value in {**form.initial, **{f: form[f].value() for f in form.fields}}.items()
        if value is not None and name not in ("cover", "remove_cover")
    }
    data.update(
        {
            "application_questions": "Why you?\nPortfolio link (optional)",
            "starts_at": form["starts_at"].value().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": form["ends_at"].value().strftime("%Y-%m-%dT%H:%M"),
            "category": event.category_id,
            "venue": event.venue_id,
            "requires_approval": "on",
            "refund-TOTAL_FORMS": "0",
            "refund-INITIAL_FORMS": "0",
            "venue-name": "",
        }
    )

    response = client.post(reverse("organizer:event_edit", args=[event.pk]), data)

    event.refresh_from_db()
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert event.application_questions == [
        {"label": "Why you?", "required": True},
        {"label": "Portfolio link (optional)", "required": False},
    ]


def test_prices_show_in_the_decision_panel(client):
    event, ticket_type = approval_event(price="12.50")
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(event.organizer)

    response = client.get(reverse("applications:organizer_detail", args=[event.pk, application.pk]))

    assert "€12.50" in response.content.decode()
    assert Decimal(ticket_type.price) == Decimal("12.50")


def test_a_missed_payment_deadline_shows_before_the_sweep_runs(client):
    event, ticket_type = approval_event(price="20.00")
    application = application_submitted(ticket_type=ticket_type)
    approved = application_approve(application=application, actor=event.organizer, now=timezone.now())
    Order.objects.filter(pk=approved.order_id).update(expires_at=timezone.now() - timezone.timedelta(minutes=1))
    client.force_login(application.applicant)

    response = client.get(reverse("applications:detail", args=[application.pk]))

    assert response.context["pay_url"] == "" and response.context["payment_missed"]
    assert "The payment deadline passed" in response.content.decode()


# --- Django admin actions ---------------------------------------------------------------------------------------


def test_admin_approves_selected_applications_and_reports_those_it_cannot(client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    _event, ticket_type = approval_event()
    pending = application_submitted(ticket_type=ticket_type)
    declined = application_submitted(ticket_type=ticket_type)
    application_decline(application=declined, actor=None, reason="Full", now=timezone.now())
    client.force_login(UserFactory(admin=True))

    response = client.post(
        reverse("admin:tickets_application_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk, declined.pk]},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.status == Application.Status.APPROVED
    shown = [str(message) for message in response.context["messages"]]
    assert any("1 application approved" in message for message in shown)
    assert any(message.startswith(f"#{declined.pk} ") for message in shown)  # the refusal, named


def test_admin_declines_with_a_reason_from_the_confirmation_page(client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    _event, ticket_type = approval_event()
    application = application_submitted(ticket_type=ticket_type)
    client.force_login(UserFactory(admin=True))
    changelist = reverse("admin:tickets_application_changelist")
    data = {"action": "decline", ACTION_CHECKBOX_NAME: [application.pk]}

    confirm = client.post(changelist, data)
    empty = client.post(changelist, {**data, "apply": "1", "reason": ""})
    done = client.post(changelist, {**data, "apply": "1", "reason": "No places left for teams"})

    assert confirm.status_code == 200 and empty.status_code == 200  # asked again, nothing decided
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decline_reason == "No places left for teams"
