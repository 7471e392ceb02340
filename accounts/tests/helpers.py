"""Small helpers shared by the accounts tests."""

import re

from django.core import mail
from django.urls import reverse

CODE_LINE = re.compile(r"^\s*(\d{6})\s*$", re.MULTILINE)


def code_sent_to(address: str) -> str:
    """The 6-digit code in the last e-mail delivered to this address."""
    message = [message for message in mail.outbox if address in message.to][-1]
    return CODE_LINE.search(message.body).group(1)


def wrong_code(code: str) -> str:
    """Another 6-digit code than ``code``."""
    return f"{(int(code) + 1) % 10**6:06d}"


def token_pair(api_client, *, email: str, password: str) -> dict:
    """Sign in through the API and return {"access", "refresh"}."""
    response = api_client.post(reverse("auth-token"), {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()
