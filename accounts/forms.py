from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import User

ALLOWED_AVATAR_FORMATS = {"JPEG", "PNG", "WEBP"}
code_field = forms.RegexField(
    label=_("6-digit code"),
    regex=r"^\s*\d{6}\s*$",
    error_messages={"invalid": _("Enter the 6 digits from the e-mail.")},
    widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6, "class": "code-input"}
    ),
)


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
    )
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[(User.Role.ATTENDEE, _("Buy tickets")), (User.Role.ORGANIZER, _("Organise events"))],
        initial=User.Role.ATTENDEE,
        widget=forms.RadioSelect,
    )


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class VerifyEmailForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = code_field


class EmailOnlyForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class NewPasswordMixin(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("Repeat the new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_new_password2(self):
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise ValidationError(_("The two passwords differ."))
        return second


class PasswordResetCodeForm(NewPasswordMixin):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    code = code_field
    field_order = ["email", "code", "new_password1", "new_password2"]


class SetPasswordForm(DjangoSetPasswordForm):
    """Django's form; saving is left to ``password_set`` so API tokens are revoked too."""


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (old password checked); saving is left to ``password_set``."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "phone", "city", "avatar", "demographics_consent", "birth_year", "gender"]
        widgets = {
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }
        help_texts = {
            "avatar": _("JPEG, PNG or WebP, at most 5 MB."),
            "demographics_consent": _("Only totals are shown to organizers, never you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("Not set")), *User.Gender.choices]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year and not (timezone.now().year - 120 <= year <= timezone.now().year - 13):
            raise ValidationError(
                _("Enter a birth year between %(low)s and %(high)s.")
                % {"low": timezone.now().year - 120, "high": timezone.now().year - 13}
            )
        return year

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if not avatar or not hasattr(avatar, "size") or avatar == self.instance.avatar:
            return avatar
        if avatar.size > settings.AVATAR_MAX_BYTES:
            raise ValidationError(_("The image is larger than 5 MB."))
        # Django's ImageField has already opened it with Pillow; check the real format, not the name.
        image = getattr(avatar, "image", None)
        if image is None or image.format not in ALLOWED_AVATAR_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG or WebP image."))
        if image.width * image.height > 40_000_000:
            raise ValidationError(_("The image has too many pixels."))
        avatar.seek(0)
        Image.open(avatar).verify()
        avatar.seek(0)
        return avatar


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password


class CodeForm(forms.Form):
    code = code_field


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."))
        return password
