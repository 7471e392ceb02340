from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services.profile import user_set_active, user_set_role
from core.http import client_ip
from core.services import audit_record


class VerifiedFilter(admin.SimpleListFilter):
    title = _("e-mail verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Not verified"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_verified_at__isnull=True)
        return queryset


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["email", "name", "role"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = user.email.lower()
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Moderation of accounts. Role and active-state changes go through the services (audited)."""

    ordering = ["-date_joined"]
    list_display = ["email", "name", "role", "verified", "is_active", "date_joined", "last_login"]
    list_filter = ["role", VerifiedFilter, "is_active"]
    search_fields = ["email", "name", "phone", "city"]
    readonly_fields = ["date_joined", "last_login", "email_verified_at", "anonymised_at"]
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    actions = ["make_attendee", "make_organizer", "deactivate", "reactivate", "mark_verified"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "phone", "city", "birth_year", "gender", "demographics_consent", "avatar"]}),
        (_("Access"), {"fields": ["role", "is_active", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login", "email_verified_at", "anonymised_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "role", "password"]})]
    filter_horizontal = ["groups"]

    @admin.display(boolean=True, description=_("verified"), ordering="email_verified_at")
    def verified(self, obj: User) -> bool:
        return obj.is_verified

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user, action="account.created_by_admin", target=obj, ip_address=client_ip(request)
            )
            return
        stored = User.objects.get(pk=obj.pk)
        new_role, new_active = obj.role, obj.is_active
        obj.role, obj.is_active = stored.role, stored.is_active
        super().save_model(request, obj, form, change)
        now = timezone.now()
        user_set_role(user=obj, role=new_role, actor=request.user, ip_address=client_ip(request), now=now)
        user_set_active(user=obj, active=new_active, actor=request.user, ip_address=client_ip(request), now=now)
        other = [field for field in form.changed_data if field not in ("role", "is_active", "password")]
        if other:
            audit_record(
                actor=request.user,
                action="account.edited_by_admin",
                target=obj,
                data={"fields": other},
                ip_address=client_ip(request),
                now=now,
            )

    def _set_role(self, request, queryset, role):
        now = timezone.now()
        for user in queryset:
            user_set_role(user=user, role=role, actor=request.user, ip_address=client_ip(request), now=now)
        self.message_user(request, _("%(count)d account(s) updated.") % {"count": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Make attendee"))
    def make_attendee(self, request, queryset):
        self._set_role(request, queryset, User.Role.ATTENDEE)

    @admin.action(description=_("Make organizer"))
    def make_organizer(self, request, queryset):
        self._set_role(request, queryset, User.Role.ORGANIZER)

    def _set_active(self, request, queryset, active: bool):
        now = timezone.now()
        for user in queryset.exclude(pk=request.user.pk):
            user_set_active(user=user, active=active, actor=request.user, ip_address=client_ip(request), now=now)
        self.message_user(request, _("Accounts updated."), messages.SUCCESS)

    @admin.action(description=_("Deactivate (signs them out everywhere)"))
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    @admin.action(description=_("Reactivate"))
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description=_("Mark e-mail as verified"))
    def mark_verified(self, request, queryset):
        now = timezone.now()
        for user in queryset.filter(email_verified_at__isnull=True):
            user.email_verified_at = now
            user.save(update_fields=["email_verified_at"])
            audit_record(
                actor=request.user,
                action="account.verified_by_admin",
                target=user,
                ip_address=client_ip(request),
                now=now,
            )
        self.message_user(request, _("Accounts marked as verified."), messages.SUCCESS)
