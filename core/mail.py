"""The embedded e-mail backend: one file per message under EMAIL_FILE_PATH, and a line on the console."""

import logging
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("eventhorizon.mail")


class FileAndConsoleBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            slug = re.sub(r"[^a-z0-9]+", "-", message.subject.lower()).strip("-")[:40] or "message"
            path = directory / f"{timezone.now():%Y%m%d-%H%M%S}-{slug}-{uuid.uuid4().hex[:6]}.eml"
            path.write_bytes(message.message().as_bytes())
            logger.info("E-mail to %s: %r → %s", ", ".join(message.to), message.subject, path)
            sent += 1
        return sent
