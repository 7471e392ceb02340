"""Demo applications (SPEC §1) for the approval-required demo event, sent and decided through the real
services so counters, orders, tickets and e-mails are consistent. Idempotent: an event that already has
applications is left alone."""

from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from fpdf import FPDF

from accounts.models import User
from events.models import Event
from tickets.models import Application
from tickets.services.applications import (
    ApplicationDetails,
    application_approve,
    application_decline,
    application_submit,
)

DEMO_EVENT = "open-source-hack-weekend"
# name, team name, team members, answers, decision ("approve", "decline: reason" or "" to leave pending)
DEMO_APPLICANTS = [
    ("Priya Nair", "Null Pointers", ["Kasia Nowak", "Olu Adeyemi"],
     ["An offline-first map of public drinking fountains.", "Python, Django, Leaflet", "github.com/priya"],
     "approve"),
    ("Hiro Tanaka", "", [],
     ["Accessibility fixes for a screen-reader friendly timetable app.", "TypeScript, React", ""], "approve"),
    ("Quentin Dubois", "Les Forkeurs", ["Rosa Jiménez"],
     ["A CLI that finds abandoned dependencies in a repository.", "Rust, Go", "github.com/qdubois"], ""),
    ("Elif Yilmaz", "", [], ["Translating the docs of a small GIS library into Turkish.", "Markdown, Sphinx", ""], ""),
    ("Luca Romano", "", [], ["Not sure yet.", "Excel", ""],
     "decline: Thanks for applying! This weekend is for people contributing code or docs; tell us a concrete "
     "project next time."),
]  # fmt: skip


def _cv(name: str) -> SimpleUploadedFile:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=20)
    pdf.cell(text=name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(w=0, text="Open-source contributor. Curriculum vitae for the demo application.")
    slug = name.lower().replace(" ", "-").encode("ascii", "ignore").decode()
    return SimpleUploadedFile(f"{slug}-cv.pdf", bytes(pdf.output()), content_type="application/pdf")


def _applicant(name: str, now: datetime) -> User:
    email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() + "@demo.test"
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "email_verified_at": now, "phone": "+49 30 5550 1234"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def seed_applications(*, now: datetime) -> int:
    """Send the demo applications and decide some of them. Returns how many were added."""
    event = Event.objects.filter(slug=DEMO_EVENT, requires_approval=True).first()
    if event is None or Application.objects.filter(event=event).exists():
        return 0
    ticket_type = event.ticket_types.order_by("position", "id").first()
    added = 0
    for name, team_name, members, answers, decision in DEMO_APPLICANTS:
        user = _applicant(name, now)
        application = application_submit(
            applicant=user,
            event=event,
            ticket_type=ticket_type,
            details=ApplicationDetails(
                name=name, email=user.email, phone=user.phone or "+49 30 5550 1234", team_name=team_name,
                team_members=tuple(members),
            ),
            answers=answers,
            attachments=[_cv(name)] if members else [],
            now=now,
        )  # fmt: skip
        if decision == "approve":
            application_approve(application=application, actor=event.organizer, now=now)
        elif decision.startswith("decline: "):
            application_decline(
                application=application, actor=event.organizer, reason=decision.removeprefix("decline: "), now=now
            )
        added += 1
    return added
