import json

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from accounts import forms
from accounts.errors import AccountLocked, AlreadyVerified
from accounts.models import User
from accounts.selectors import user_export_data
from accounts.services.authentication import user_authenticate
from accounts.services.passwords import password_reset_request, password_reset_with_code, password_set
from accounts.services.profile import (
    email_change_confirm,
    email_change_request,
    user_delete_account,
    user_update_profile,
)
from accounts.services.registration import user_register, user_verify_email, verification_resend
from core.errors import DomainError
from core.http import client_ip

VERIFY_EMAIL_SESSION_KEY = "accounts:verify_email"
RESET_EMAIL_SESSION_KEY = "accounts:reset_email"
NEXT_SESSION_KEY = "accounts:next"  # where a new account goes once verified (e.g. back to a ticket transfer)


def safe_next(request) -> str:
    """The ``next`` of the request when it points into this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def initial_email(request) -> dict:
    """Prefill the e-mail field from ``?email=`` (links in e-mails say which address to use)."""
    email = request.GET.get("email", "").strip()
    return {"email": email} if email and len(email) <= 254 else {}


def add_error(form, exc: Exception, field: str | None = None) -> None:
    """Put a service error next to the field it concerns (or at the top of the form)."""
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            form.add_error(field, message)
    else:
        form.add_error(None, exc.message)


class SignupView(FormView):
    template_name = "accounts/signup.html"
    form_class = forms.SignupForm

    def get_initial(self):
        role = self.request.GET.get("role")
        initial = {"role": role} if role in (User.Role.ATTENDEE, User.Role.ORGANIZER) else {}
        return {**initial, **initial_email(self.request)}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("core:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = user_register(
                email=data["email"], password=data["password"], name=data["name"], role=data["role"], now=timezone.now()
            )
        except ValidationError as exc:
            add_error(form, exc, "password")
            return self.form_invalid(form)
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        self.request.session[VERIFY_EMAIL_SESSION_KEY] = user.email
        if next_url := safe_next(self.request):
            self.request.session[NEXT_SESSION_KEY] = next_url
        messages.success(self.request, _("Welcome! We sent a 6-digit code to %(email)s.") % {"email": user.email})
        return redirect("accounts:verify")


class VerifyEmailView(FormView):
    template_name = "accounts/verify.html"
    form_class = forms.VerifyEmailForm

    def get_initial(self):
        email = self.request.session.get(VERIFY_EMAIL_SESSION_KEY)
        if not email and self.request.user.is_authenticated:
            email = self.request.user.email
        return {"email": email or ""}

    def form_valid(self, form):
        try:
            user = user_verify_email(
                email=form.cleaned_data["email"],
                code=form.cleaned_data["code"],
                ip_address=client_ip(self.request),
                now=timezone.now(),
            )
        except AlreadyVerified:
            messages.info(self.request, _("Your e-mail address is already verified. Please sign in."))
            return redirect("accounts:login")
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        self.request.session.pop(VERIFY_EMAIL_SESSION_KEY, None)
        if not self.request.user.is_authenticated or self.request.user.pk == user.pk:
            login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Your e-mail address is verified. You're all set!"))
        return redirect(self.request.session.pop(NEXT_SESSION_KEY, None) or "core:home")


class VerifyEmailResendView(View):
    def post(self, request):
        form = forms.EmailOnlyForm(request.POST)
        if form.is_valid():
            try:
                verification_resend(email=form.cleaned_data["email"], now=timezone.now())
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("If that address is waiting for verification, a new code is on its way."))
            request.session[VERIFY_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
        else:
            messages.error(request, _("Enter a valid e-mail address."))
        return redirect("accounts:verify")


class LoginView(FormView):
    template_name = "accounts/login.html"
    form_class = forms.LoginForm

    def get_initial(self):
        return initial_email(self.request)

    def form_valid(self, form):
        try:
            user = user_authenticate(
                request=self.request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip_address=client_ip(self.request),
                now=timezone.now(),
            )
        except AccountLocked as exc:
            minutes = max(1, round((exc.retry_after or 60) / 60))
            form.add_error(
                None, _("Too many failed attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes}
            )
            return self.form_invalid(form)
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        login(self.request, user)
        if not user.is_verified:
            messages.warning(self.request, _("Please verify your e-mail address to book tickets."))
        else:
            messages.success(self.request, _("Welcome back, %(name)s!") % {"name": user.get_short_name()})
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return safe_next(self.request) or reverse("core:home")


class LogoutView(View):
    def post(self, request):
        next_url = safe_next(request)
        logout(request)
        messages.info(request, _("You are signed out."))
        return redirect(next_url or "core:home")


class PasswordResetView(FormView):
    template_name = "accounts/password_reset.html"
    form_class = forms.EmailOnlyForm

    def form_valid(self, form):
        password_reset_request(email=form.cleaned_data["email"], now=timezone.now())
        messages.success(self.request, _("If an account uses that address, we sent it a link and a code."))
        self.request.session[RESET_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
        return redirect("accounts:password_reset_code")


class PasswordResetCodeView(FormView):
    template_name = "accounts/password_reset_code.html"
    form_class = forms.PasswordResetCodeForm

    def get_initial(self):
        return {"email": self.request.session.get(RESET_EMAIL_SESSION_KEY, "")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            password_reset_with_code(
                email=data["email"],
                code=data["code"],
                password=data["new_password1"],
                ip_address=client_ip(self.request),
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_error(form, exc, "new_password1")
            return self.form_invalid(form)
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your password is changed. Sign in with the new one."))
        return redirect("accounts:login")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's link check; the new password is set through ``password_set``."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            ip_address=client_ip(self.request),
            now=timezone.now(),
            reason="reset",
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is changed. Sign in with the new one."))
        return HttpResponseRedirect(self.success_url)


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = forms.ProfileForm

    def get_form_kwargs(self):
        # The form validates a copy: ModelForm writes cleaned values onto its instance, and the
        # signed-in user must keep the stored values until the service saves them.
        return {**super().get_form_kwargs(), "instance": User.objects.get(pk=self.request.user.pk)}

    def form_valid(self, form):
        data = {field: form.cleaned_data[field] for field in form.changed_data if field != "avatar"}
        if "avatar" in form.changed_data:
            data["avatar"] = form.cleaned_data["avatar"] or ""
        user_update_profile(user=self.request.user, data=data, ip_address=client_ip(self.request), now=timezone.now())
        messages.success(self.request, _("Your profile is saved."))
        return redirect("accounts:profile")


class EmailChangeView(LoginRequiredMixin, FormView):
    template_name = "accounts/email_change.html"
    form_class = forms.EmailChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            email_change_request(user=self.request.user, new_email=form.cleaned_data["new_email"], now=timezone.now())
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("We sent a code to %(email)s.") % {"email": form.cleaned_data["new_email"]})
        return redirect("accounts:email_change_confirm")


class EmailChangeConfirmView(LoginRequiredMixin, FormView):
    template_name = "accounts/email_change_confirm.html"
    form_class = forms.CodeForm

    def form_valid(self, form):
        try:
            email_change_confirm(
                user=self.request.user,
                code=form.cleaned_data["code"],
                ip_address=client_ip(self.request),
                now=timezone.now(),
            )
        except DomainError as exc:
            add_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Your e-mail address is now %(email)s.") % {"email": self.request.user.email})
        return redirect("accounts:profile")


class PasswordChangeView(LoginRequiredMixin, FormView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = password_set(
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
            ip_address=client_ip(self.request),
            now=timezone.now(),
            reason="changed",
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password is changed. Other devices have been signed out."))
        return redirect("accounts:profile")


class DataExportView(LoginRequiredMixin, View):
    def get(self, request):
        payload = json.dumps(user_export_data(user=request.user), indent=2, ensure_ascii=False)
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="eventhorizon-my-data-{timezone.now():%Y%m%d}.json"'
        return response


class DeleteAccountView(LoginRequiredMixin, FormView):
    template_name = "accounts/delete.html"
    form_class = forms.DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user_delete_account(user=self.request.user, ip_address=client_ip(self.request), now=timezone.now())
        logout(self.request)
        messages.success(self.request, _("Your account is deleted. Your personal data has been erased."))
        return redirect("core:home")
