from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin

from . import devices

CODE_HELP = _("The six-digit code from your authenticator app, or one of your recovery codes.")


class AdminLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login: password, then the code of the person's second factor if they have
    one. Someone without one yet logs in with the password alone; when a second factor is
    required, SecondFactorRequiredMiddleware then lets them do nothing but set one up."""

    otp_token = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=16,
        help_text=CODE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _(
            "Enter the six-digit code from your authenticator app, or one of your recovery codes."
        ),
        "invalid_token": _("This code is not valid. Codes change every 30 seconds: try again."),
        "device_required": _("This code is not valid. Codes change every 30 seconds: try again."),
    }

    def clean(self):
        super().clean()
        user = self.get_user()
        if user is not None and devices.has_second_factor(user):
            try:
                self.clean_otp(user)
            except ValidationError as error:
                if error.code != "token_required":
                    # A wrong code counts as a failed login, for the lockout and the log.
                    user_login_failed.send(
                        sender=type(self),
                        credentials={"username": user.get_username()},
                        request=self.request,
                    )
                raise
        return self.cleaned_data

    def _chosen_device(self, user):
        code = (self.cleaned_data.get("otp_token") or "").strip()
        return devices.device_for_code(user, code, for_verify=True)


class ConfirmAuthenticatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not (code.isdigit() and self.device.verify_token(code)):
            raise ValidationError(
                _("This code is not valid. Check the clock of your phone, then try again."),
                code="invalid_code",
            )
        return code
