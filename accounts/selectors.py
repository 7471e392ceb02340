from django.db.models import Count, QuerySet

from accounts.models import User
from core.selectors import audit_entry_list_for_actor


def user_get_by_email(email: str) -> User | None:
    """The account with this address, whatever its case."""
    return User.objects.filter(email__iexact=email.strip()).first()


def user_list_recent(*, limit: int = 8) -> QuerySet[User]:
    return User.objects.filter(anonymised_at__isnull=True).order_by("-date_joined")[:limit]


def user_counts_by_role() -> dict[str, int]:
    """Active accounts per role, every role present."""
    counts = dict.fromkeys(User.Role.values, 0)
    rows = User.objects.filter(is_active=True).values("role").annotate(n=Count("pk")).order_by()
    counts.update({row["role"]: row["n"] for row in rows})
    return counts


def user_export_data(*, user: User) -> dict:
    """Everything we hold about a person, for "download my data" (GDPR art. 15/20)."""
    return {
        "profile": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "phone": user.phone,
            "city": user.city,
            "birth_year": user.birth_year,
            "gender": user.gender,
            "demographics_consent": user.demographics_consent,
            "avatar": user.avatar.url if user.avatar else None,
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "activity": [
            {
                "when": entry.created_at.isoformat(),
                "action": entry.action,
                "target": entry.target_repr,
                "ip_address": entry.ip_address,
            }
            for entry in audit_entry_list_for_actor(actor=user)
        ],
    }
