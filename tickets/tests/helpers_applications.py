"""Worlds for the application tests: an approval-required event, real files made on the spot, applications
sent through the service."""

import io
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from fpdf import FPDF
from PIL import Image

from accounts.tests.factories import UserFactory
from events.models import Event, TicketType
from events.tests.factories import EventFactory, TicketTypeFactory
from tickets.models import Application
from tickets.services.applications import ApplicationDetails, application_submit

QUESTIONS = [
    {"label": "What do you want to build?", "required": True},
    {"label": "GitHub profile (optional)", "required": False},
]


def pdf_bytes(text: str = "My CV") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (79, 70, 229)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def approval_event(
    *, price: str = "0.00", capacity: int = 10, questions: list | None = None, **event_fields
) -> tuple[Event, TicketType]:
    """A published approval-required event a week away with one ticket type."""
    event = EventFactory(
        requires_approval=True,
        application_questions=QUESTIONS if questions is None else questions,
        **event_fields,
    )
    ticket_type = TicketTypeFactory(event=event, name="Hacker", price=Decimal(price), capacity=capacity)
    return event, ticket_type


def details(**overrides) -> ApplicationDetails:
    values = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0958"}
    values.update(overrides)
    return ApplicationDetails(**values)


def application_submitted(
    *,
    ticket_type: TicketType,
    applicant=None,
    team_members: Sequence[str] = (),
    team_name: str = "",
    answers: Sequence[str] = ("A robot that waters plants",),
    attachments: Sequence = (),
    now: datetime | None = None,
) -> Application:
    applicant = applicant or UserFactory(name="Ada Lovelace")
    return application_submit(
        applicant=applicant,
        event=ticket_type.event,
        ticket_type=ticket_type,
        details=details(
            name=applicant.name,
            email=applicant.email,
            team_name=team_name or ("Team Ada" if team_members else ""),
            team_members=tuple(team_members),
        ),
        answers=list(answers),
        attachments=list(attachments),
        now=now or timezone.now(),
    )
