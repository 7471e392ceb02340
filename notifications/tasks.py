from celery import shared_task
from django.utils import timezone

from notifications import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=30, retry_backoff_max=1800, max_retries=7)
def send_email(self, email_id: int) -> bool:
    """Send one outbox e-mail; repeats and duplicates are harmless."""
    return services.email_send(email_id=email_id, now=timezone.now())


@shared_task
def send_pending_emails() -> int:
    """Publish every e-mail whose task was lost (broker outage, crashed worker)."""
    due = services.email_list_due(now=timezone.now())
    for email_id in due:
        send_email.delay(email_id)
    return len(due)
