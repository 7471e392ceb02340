"""The e-mails of applications: received, approved (with the tickets), payment link, declined."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from notifications.services import email_queue
from tickets.files import ticket_attachments
from tickets.models import Application, Order


def _context(application: Application) -> dict:
    event = application.event
    starts = timezone.localtime(event.starts_at, event.tz)
    return {
        "name": application.name,
        "event_title": event.title,
        "event_starts": f"{formats.date_format(starts, 'DATETIME_FORMAT')} ({event.timezone})",
        "venue": f"{event.venue.name}, {event.venue.city}" if event.venue_id else "",
        "ticket_type": application.ticket_type.name,
        "places": application.quantity,
        "team_name": application.team_name,
        "application_url": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
    }


def application_approved_queue(*, application: Application, applicant: User, order: Order) -> None:
    tickets = list(order.tickets.select_related("ticket_type").order_by("id"))
    context = {
        **_context(application),
        "order_code": order.code,
        "order_url": settings.SITE_URL + reverse("tickets:order_detail", args=[order.code]),
        "tickets": [{"serial": t.serial, "attendee_name": t.attendee_name} for t in tickets],
    }
    email_queue(
        to=applicant.email, template="application_approved", context=context, attachments=ticket_attachments(tickets)
    )


def application_payment_link_queue(*, application: Application, applicant: User, order: Order) -> None:
    event = application.event
    deadline = timezone.localtime(order.expires_at, event.tz)
    context = {
        **_context(application),
        "order_code": order.code,
        "total": order.total,
        "currency": order.currency,
        "pay_url": settings.SITE_URL + reverse("tickets:pay", args=[order.code]),
        "deadline": f"{formats.date_format(deadline, 'DATETIME_FORMAT')} ({event.timezone})",
    }
    email_queue(to=applicant.email, template="application_payment_link", context=context)


def application_received_queue(*, application: Application, applicant: User) -> None:
    email_queue(to=applicant.email, template="application_received", context=_context(application))


def application_declined_queue(*, application: Application, applicant: User, reason: str) -> None:
    email_queue(
        to=applicant.email, template="application_declined", context={**_context(application), "reason": reason}
    )
