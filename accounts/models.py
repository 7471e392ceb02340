from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from core.models import TimeStampedModel

phone_validator = RegexValidator(r"^\+?[0-9 ()\-]{6,20}$", _("Enter a phone number such as +44 20 7946 0958."))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Gate staff is per event, not a role."""

    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        ORGANIZER = "organizer", _("Organizer")
        ADMIN = "admin", _("Admin")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ATTENDEE, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    city = models.CharField(_("city"), max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    demographics_consent = models.BooleanField(
        _("use my birth year and gender in aggregated statistics"), default=False
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=Q(role__in=["attendee", "organizer", "admin"]), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        """Django admin access follows the admin role."""
        return self.is_active and (self.role == self.Role.ADMIN or self.is_superuser)

    @property
    def is_admin(self) -> bool:
        return self.is_staff

    @property
    def is_organizer(self) -> bool:
        return self.role in (self.Role.ORGANIZER, self.Role.ADMIN)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and self.role == self.Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and self.role == self.Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class OneTimeCode(TimeStampedModel):
    """A 6-digit code e-mailed to prove control of an address. Only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        VERIFY_EMAIL = "verify_email", _("Verify e-mail")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGE = "email_change", _("E-mail change")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    sent_to = models.EmailField(_("sent to"))
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(attempts__lte=5), name="otp_attempts_at_most_5")]

    def __str__(self) -> str:
        return f"{self.purpose} for {self.user_id}"


class AuthFailureCounter(models.Model):
    """Failed credential attempts for one account from one IP address (login, OTP).

    Attempts are reserved with a conditional UPDATE before the secret is checked, so concurrent
    guesses can never exceed the limit.
    """

    class Scope(models.TextChoices):
        LOGIN = "login", _("Login")
        OTP = "otp", _("One-time code")

    scope = models.CharField(max_length=8, choices=Scope.choices)
    email = models.CharField(max_length=254)
    ip_address = models.CharField(max_length=45)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "email", "ip_address"], name="auth_failure_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.email} from {self.ip_address}: {self.failures}"
