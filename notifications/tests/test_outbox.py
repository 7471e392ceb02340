from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from notifications.models import OutboundEmail
from notifications.services import REDACTED, email_list_due, email_queue, email_send
from notifications.tasks import send_email, send_pending_emails

pytestmark = pytest.mark.django_db


def queue_welcome(*, sensitive: bool = False) -> OutboundEmail:
    return email_queue(
        to="ada@example.com", template="verify_email", context={"name": "Ada", "code": "314159"}, sensitive=sensitive
    )


def pending_for(email: OutboundEmail, *, minutes: int) -> None:
    """Pretend the row has waited this long since it was last touched (its task was lost)."""
    OutboundEmail.objects.filter(pk=email.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing to Redis fails, as when the broker is unreachable."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(send_email, "apply_async", refuse)


def test_email_queue_writes_a_rendered_pending_row():
    email = queue_welcome()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.subject
    assert "314159" in email.body_text
    assert "314159" in email.body_html


def test_email_queue_sends_nothing_before_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_welcome()

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_email_queue_sends_once_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_welcome()

    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT


def test_email_queue_sends_a_text_and_an_html_part(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_welcome()

    message = mail.outbox[0]
    assert "314159" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_send_email_twice_delivers_once():
    email = queue_welcome()

    first = send_email.delay(email.pk).get()
    second = send_email.delay(email.pk).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_email_send_erases_the_body_of_a_sensitive_email():
    email = queue_welcome(sensitive=True)

    email_send(email_id=email.pk, now=timezone.now())

    email.refresh_from_db()
    assert (email.body_text, email.body_html) == (REDACTED, "")
    assert "314159" in mail.outbox[0].body


def test_email_send_keeps_the_body_of_an_ordinary_email():
    email = queue_welcome(sensitive=False)

    email_send(email_id=email.pk, now=timezone.now())

    assert "314159" in OutboundEmail.objects.get(pk=email.pk).body_text


def test_email_send_takes_over_a_claim_whose_worker_died():
    email = queue_welcome()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now - timedelta(minutes=6)
    )

    sent = email_send(email_id=email.pk, now=now)

    assert sent
    assert len(mail.outbox) == 1


def test_email_send_leaves_a_fresh_claim_alone():
    email = queue_welcome()
    now = timezone.now()
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENDING, claimed_at=now)

    sent = email_send(email_id=email.pk, now=now)

    assert not sent
    assert mail.outbox == []


def test_send_pending_emails_republishes_an_email_pending_for_over_a_minute():
    email = queue_welcome()
    pending_for(email, minutes=2)

    published = send_pending_emails()

    assert published == 1
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_send_pending_emails_leaves_a_just_queued_email_to_its_own_task():
    queue_welcome()

    published = send_pending_emails()

    assert published == 0
    assert mail.outbox == []


def test_send_pending_emails_skips_sent_emails():
    email = queue_welcome()
    email_send(email_id=email.pk, now=timezone.now())
    pending_for(email, minutes=2)

    published = send_pending_emails()

    assert published == 0
    assert len(mail.outbox) == 1


def test_email_queue_with_the_broker_down_keeps_the_email_pending(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_welcome()

    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    assert email.pk in email_list_due(now=timezone.now() + timedelta(minutes=2))


@pytest.mark.django_db(transaction=True)
def test_register_api_with_the_broker_down_still_creates_the_account(api_client, broker_down, caplog):
    # A real commit, so the failing publish runs inside the request, as in production.
    payload = {"email": "ada@example.com", "password": "orbit-lantern-quietly-73", "name": "Ada", "role": "attendee"}

    response = api_client.post(reverse("auth-register"), payload, format="json")

    assert response.status_code == 201
    assert "Could not publish" in caplog.text
    assert User.objects.filter(email="ada@example.com").exists()
    assert OutboundEmail.objects.get(to="ada@example.com").status == OutboundEmail.Status.PENDING


# --- attachments ---------------------------------------------------------------------------------------


def fake_renderer(kind: str, ticket_id: int):
    """Stands in for tickets.files.render_attachment; declines ticket 0 (as for a refunded ticket)."""
    if ticket_id == 0:
        return None
    return f"{kind}-{ticket_id}.bin", f"{kind}:{ticket_id}".encode(), "application/octet-stream"


def test_attachments_are_stored_as_references_and_rendered_when_sent(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_ATTACHMENT_RENDERER = "notifications.tests.test_outbox.fake_renderer"
    references = [{"kind": "ticket_pdf", "ticket_id": 7}, {"kind": "ticket_pdf", "ticket_id": 0}]

    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            to="ada@example.com",
            template="verify_email",
            context={"name": "Ada", "code": "314159"},
            attachments=references,
        )

    assert OutboundEmail.objects.get(pk=email.pk).attachments == references
    [message] = mail.outbox
    assert message.attachments == [("ticket_pdf-7.bin", b"ticket_pdf:7", "application/octet-stream")]


def test_an_attachment_that_fails_to_render_leaves_the_email_pending_for_a_retry(settings):
    settings.EMAIL_ATTACHMENT_RENDERER = "notifications.tests.test_outbox.broken_renderer"
    email = email_queue(
        to="ada@example.com",
        template="verify_email",
        context={"name": "Ada", "code": "314159"},
        attachments=[{"kind": "ticket_pdf", "ticket_id": 7}],
    )

    with pytest.raises(RuntimeError):
        email_send(email_id=email.pk, now=timezone.now())

    email.refresh_from_db()
    assert (email.status, email.attempts, mail.outbox) == (OutboundEmail.Status.PENDING, 1, [])


def broken_renderer(kind: str, ticket_id: int):
    raise RuntimeError("the PDF renderer is broken")
