"""Login throttling glue for django-axes: the client address, the Chinese lockout answer, audit rows."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry that the last of MINSHENG_PROXY_COUNT proxies added.

    Only addresses added by our own proxies are trusted; anything a client puts in front of them is ignored.
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    count = settings.MINSHENG_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or ""


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "登录失败次数过多，该账号或本机已被暂时锁定，请 %(minutes)d 分钟后再试，或联系系统管理员解锁。"
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """429 with a Chinese message: JSON (``detail``) for the API, the login page with the message otherwise."""
    message = lockout_message()
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=settings.AXES_HTTP_RESPONSE_CODE)
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(request, data=None, initial={"username": (credentials or {}).get("username")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """One audit row per lockout (the failure that reached the limit), on the account when it exists."""
    from axes.models import AccessAttempt

    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return  # an attempt refused while already locked out

    from core.services import audit_record

    user = get_user_model().objects.filter(username=username).first() if username else None
    obj = user or AccessAttempt.objects.filter(ip_address=ip_address).order_by("-attempt_time").first()
    if obj is None:
        return
    audit_record(
        actor=None,
        action="state",
        obj=obj,
        after={"locked_out": True, "username": username or "", "ip_address": ip_address or ""},
        reason=_("登录失败次数过多，已锁定"),
    )


#: Session key of the last time a signed-in user's session end was pushed back.
IDLE_KEY = "_idle_refreshed"
#: Push the end back at most once a minute: a session write on every page view would serialise SQLite.
IDLE_REFRESH_SECONDS = 60


class SessionIdleMiddleware:
    """Sliding idle timeout: a signed-in session ends SESSION_COOKIE_AGE after the last request.

    Saving the session stores a new expiry (now + SESSION_COOKIE_AGE); this does so at most once a
    minute instead of on every request (SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and session.get("_auth_user_id"):
            now = int(time.time())
            if now - int(session.get(IDLE_KEY, 0)) >= IDLE_REFRESH_SECONDS:
                session[IDLE_KEY] = now
        return response


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = int(time.time())


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in

    receiver(user_locked_out, dispatch_uid="core.security.locked_out")(_locked_out)
    receiver(user_logged_in, dispatch_uid="core.security.logged_in")(_logged_in)
