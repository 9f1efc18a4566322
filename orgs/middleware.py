"""Send a user whose password was set by the office (reset, new account, import) to change it first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from orgs.models import Membership


class PasswordChangeRequiredMiddleware:
    """After AuthenticationMiddleware: while the membership says ``must_change_password``, every page but the
    password change, logging out, the language switch and static files redirects to the password change page
    (the API answers 403 in Chinese)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_change(user):
            allowed = (
                reverse("orgs:password_change"),
                reverse("orgs:password_change_done"),
                reverse("logout"),
                reverse("set_language"),
                settings.STATIC_URL,
            )
            if not request.path.startswith(allowed):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先在网页上修改初始密码"}, status=403)
                return redirect("orgs:password_change")
        return self.get_response(request)

    @staticmethod
    def _must_change(user: object) -> bool:
        try:
            membership = user.membership  # type: ignore[attr-defined]  # cached for the rest of the request
        except Membership.DoesNotExist:
            return False
        return bool(membership.must_change_password)
