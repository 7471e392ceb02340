from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest

from accounts.errors import InvalidCredentials
from accounts.models import User
from accounts.services.lockout import attempt_reserve, attempt_succeeded


def user_authenticate(
    *, request: HttpRequest | None, email: str, password: str, ip_address: str | None, now: datetime
) -> User:
    """Check an e-mail and password, counting the attempt against the account+IP lockout.

    Used by the login page and the API token endpoint alike. Deactivated accounts fail like a
    wrong password.
    Raises: AccountLocked, InvalidCredentials.
    """
    attempt_reserve(scope="login", email=email, ip_address=ip_address, now=now)
    user = authenticate(request, email=email.strip(), password=password)
    if user is None:
        raise InvalidCredentials()
    attempt_succeeded(scope="login", email=email, ip_address=ip_address)
    return user
