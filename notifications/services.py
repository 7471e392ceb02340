import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_TIMEOUT = timedelta(minutes=5)
REDACTED = "[erased after sending: it contained a one-time secret]"
REDACTED_PERSONAL = "[erased: the recipient deleted their account]"


def email_queue(
    *, to: str, template: str, context: dict, sensitive: bool = False, attachments: list[dict] | None = None
) -> OutboundEmail:
    """Render an e-mail into the outbox and schedule its sending after the caller's commit.

    Templates: notifications/email/<template>_subject.txt, <template>.txt and <template>.html.
    ``attachments`` are references ({"kind": ..., "ticket_id": ...}), rendered when the message is sent
    by settings.EMAIL_ATTACHMENT_RENDERER; the outbox never stores file contents.
    """
    from notifications.tasks import send_email

    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "code_ttl_minutes": int(settings.OTP_TTL.total_seconds() // 60),
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
        body_text = render_to_string(f"notifications/email/{template}.txt", context)
        body_html = render_to_string(f"notifications/email/{template}.html", context)
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        template=template,
        sensitive=sensitive,
        attachments=list(attachments or []),
    )
    send_email.delay_on_commit(email.pk)
    return email


def email_send(*, email_id: int, now: datetime) -> bool:
    """Send one queued e-mail if nobody else is sending it. Returns True when this call sent it.

    The claim is a conditional UPDATE, so duplicate tasks deliver once; no lock is held while the
    SMTP server is talked to.
    """
    claimable = Q(status=OutboundEmail.Status.PENDING) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = OutboundEmail.objects.filter(claimable, pk=email_id).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to])
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        for filename, content, mimetype in _render_attachments(email.attachments):
            message.attach(filename, content, mimetype)
        message.send()
    except Exception as exc:
        attempts = email.attempts + 1
        status = OutboundEmail.Status.FAILED if attempts >= MAX_ATTEMPTS else OutboundEmail.Status.PENDING
        OutboundEmail.objects.filter(pk=email_id).update(status=status, attempts=attempts, last_error=str(exc)[:2000])
        logger.warning("Sending e-mail %s failed (attempt %s): %s", email_id, attempts, exc)
        raise
    done = {"status": OutboundEmail.Status.SENT, "sent_at": timezone.now(), "attempts": email.attempts + 1}
    if email.sensitive:
        done.update(body_text=REDACTED, body_html="")
    OutboundEmail.objects.filter(pk=email_id).update(**done)
    return True


def _render_attachments(references: list[dict]) -> list[tuple[str, bytes, str]]:
    """Render the e-mail's attachment references; those the renderer declines (None) are left out.

    The renderer is looked up by dotted path so this app does not depend on the apps whose files it sends.
    """
    if not references:
        return []
    render = import_string(getattr(settings, "EMAIL_ATTACHMENT_RENDERER", "tickets.files.render_attachment"))
    files = []
    for reference in references:
        rendered = render(reference["kind"], reference["ticket_id"])
        if rendered is not None:
            files.append(rendered)
    return files


def email_list_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of e-mails that should be (re)published: pending for a minute, or stuck in a dead claim."""
    due = Q(status=OutboundEmail.Status.PENDING, updated_at__lt=now - timedelta(minutes=1)) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return list(OutboundEmail.objects.filter(due).order_by("created_at").values_list("pk", flat=True)[:limit])


def email_erase_recipient(*, to: str) -> int:
    """Erase a person's address and message bodies from the outbox once those messages are done."""
    done = [OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED]
    return OutboundEmail.objects.filter(to__iexact=to, status__in=done).update(
        to="erased@deleted.invalid", body_text=REDACTED_PERSONAL, body_html=""
    )
