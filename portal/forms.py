from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from disclosure.models import Feedback
from disclosure.services import FEEDBACK_TOKEN_SPENT

MIN_SECONDS = 3
MAX_AGE = 86400
SALT = "portal.feedback"


def feedback_token(started: float | None = None) -> str:
    """A signed render time plus a random nonce; the nonce is spent by the first submission that passes."""
    return signing.dumps(
        {"t": time.time() if started is None else started, "n": secrets.token_urlsafe(16)}, salt=SALT
    )


class FeedbackForm(forms.Form):
    """Anonymous. Spam resistance without personal data: a hidden honeypot field and a signed render time."""

    satisfaction = forms.TypedChoiceField(
        label=_("您对这个项目满意吗"),
        coerce=int,
        choices=Feedback._meta.get_field("satisfaction").choices,
        widget=forms.RadioSelect,
    )
    aware = forms.TypedChoiceField(
        label=_("实施前您知道这个项目吗"),
        coerce=lambda v: v == "1",
        choices=[("1", _("知道")), ("0", _("不知道"))],
        widget=forms.RadioSelect,
        initial="1",
    )
    text = forms.CharField(
        label=_("意见建议（请勿填写姓名、电话等个人信息）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = feedback_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("提交失败。"))
        try:
            token = signing.loads(data.get("token", ""), salt=SALT, max_age=MAX_AGE)
            started, nonce = float(token["t"]), str(token["n"])
        except (signing.BadSignature, TypeError, KeyError, ValueError) as exc:
            raise forms.ValidationError(_("页面已过期，请刷新后再提交。")) from exc
        if time.time() - started < MIN_SECONDS:
            raise forms.ValidationError(_("提交过快，请稍后再试。"))
        if Feedback.objects.filter(token_nonce=nonce).exists():
            raise forms.ValidationError(FEEDBACK_TOKEN_SPENT)
        data["nonce"] = nonce  # spent by disclosure.services.feedback_submit (unique column)
        return data
