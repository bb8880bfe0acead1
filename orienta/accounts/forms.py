from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from orienta.accounts import twofactor
from orienta.core.types import AuthedRequest

CODE_FORMAT = RegexValidator(r"^\s*\d{3}\s?\d{3}\s*$", _("Enter the 6 digits shown by the app."))


class CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label=_("Code from the authenticator app"),
            max_length=7,
            validators=[CODE_FORMAT],
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "pattern": r"\d{3} ?\d{3}",
                    "autofocus": True,
                }
            ),
            **kwargs,
        )


class CodeForm(forms.Form):
    """One code, checked by the view against the user's device."""

    code = CodeField()


class ReauthForm(forms.Form):
    """The password again, and a code when the user has a device.

    A wrong password or code counts towards the lockout like a failed sign-in.
    """

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request: AuthedRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.device = twofactor.confirmed_device(request.user)
        if self.device is not None:
            self.fields["code"] = CodeField()
            self.fields["code"].widget.attrs.pop("autofocus")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        user = self.request.user
        password = cleaned.get("password")
        if password is None or (self.device is not None and "code" not in cleaned):
            return cleaned
        signed = authenticate(self.request, username=user.get_username(), password=password)
        if signed is None or signed.pk != user.pk:
            raise forms.ValidationError(_("The password is not correct."), code="password")
        if self.device is not None and not twofactor.code_check(
            self.request, user, self.device, cleaned["code"]
        ):
            raise forms.ValidationError(_("The code is not correct, or was already used."))
        return cleaned
