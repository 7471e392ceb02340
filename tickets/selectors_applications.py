"""Reads of applications: the applicant's own, an organizer's (scoped to their events; admins see all), and
the attachments, which only the applicant, the event's organizer and admins may open."""

from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from core.errors import NotFound
from events.models import Event, TicketType
from tickets.models import Application, ApplicationAttachment


def ticket_types_open_for_applications(*, event: Event, now: datetime) -> list[TicketType]:
    """The ticket types one may apply for now: not hidden, inside their sales window."""
    return list(
        TicketType.objects.filter(event=event, is_hidden=False)
        .filter(Q(sales_start__isnull=True) | Q(sales_start__lte=now))
        .filter(Q(sales_end__isnull=True) | Q(sales_end__gt=now))
        .order_by("position", "price", "id")
    )


def application_get_open(*, applicant: User, event: Event) -> Application | None:
    """The person's pending or approved application for the event, if any (None for anonymous visitors)."""
    if not getattr(applicant, "is_authenticated", False):
        return None
    return (
        Application.objects.filter(applicant=applicant, event=event, status__in=Application.OPEN_STATUSES)
        .select_related("order")
        .first()
    )


def _with_details(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related("event", "event__venue", "ticket_type", "order", "applicant").prefetch_related(
        Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("id"))
    )


def application_list_for_applicant(*, applicant: User) -> QuerySet[Application]:
    """The person's applications, newest first."""
    return _with_details(Application.objects.filter(applicant=applicant)).order_by("-created_at", "-id")


def application_get_for_applicant(*, applicant: User, pk: int) -> Application:
    """Raises: NotFound for someone else's application."""
    application = application_list_for_applicant(applicant=applicant).filter(pk=pk).first()
    if application is None:
        raise NotFound()
    return application


def application_list_for_event(*, event: Event, status: str = "", search: str = "") -> QuerySet[Application]:
    """The event's applications, oldest pending first (the review queue), narrowed by status and search."""
    applications = _with_details(Application.objects.filter(event=event))
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    if search:
        applications = applications.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(team_name__icontains=search)
            | Q(applicant__email__icontains=search)
        )
    return applications.order_by("created_at", "id")


def application_counts_for_event(*, event: Event) -> dict[str, int]:
    """How many applications the event has in each status, and ``all``, in one query."""
    counts = {value: Count("pk", filter=Q(status=value)) for value in Application.Status.values}
    return Application.objects.filter(event=event).aggregate(all=Count("pk"), **counts)


def application_get_for_organizer(*, organizer: User, pk: int) -> Application:
    """An application to one of the organizer's events (any event for admins).

    Raises: NotFound — also for another organizer's application, so its existence is not revealed.
    """
    applications = Application.objects.all()
    if not organizer.is_admin:
        applications = applications.filter(event__organizer=organizer)
    application = _with_details(applications).filter(pk=pk).first()
    if application is None:
        raise NotFound()
    return application


def application_attachment_get_for_viewer(*, viewer: User, pk: int) -> ApplicationAttachment:
    """An attachment the viewer may open: their own, one sent to their event, or any for admins.

    Raises: NotFound for everyone else.
    """
    if not getattr(viewer, "is_authenticated", False):
        raise NotFound()
    attachments = ApplicationAttachment.objects.select_related("application")
    if not viewer.is_admin:
        attachments = attachments.filter(Q(application__applicant=viewer) | Q(application__event__organizer=viewer))
    attachment = attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment
