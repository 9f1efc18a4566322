"""POST /api/token/: username + password → an expiring API token (django-rest-knox keeps only its hash)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.settings import knox_settings
from knox.views import LogoutView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.security import lockout_message
from orgs.rules import must_change_password


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), max_length=128, style={"input_type": "password"})


class TokenObtainView(APIView):
    """Exchange a username and password for a token (header ``Authorization: Token <token>``).

    The token is shown once; the server stores only its hash. It expires ``expiry``; ask for a new one then.
    Wrong passwords count towards the login lockout like the login page (429 while locked).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            )
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # The plain HttpRequest, so that django-axes records the attempt and its lockout flag where it looks.
        http_request = request._request
        user = authenticate(
            http_request, username=form.validated_data["username"], password=form.validated_data["password"]
        )
        if getattr(http_request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None or not user.is_active:
            return Response({"detail": _("用户名或密码不正确。")}, status=status.HTTP_400_BAD_REQUEST)
        if must_change_password(user):  # a one-time password set by the office opens nothing but its change
            return Response({"detail": _("请先在网页上修改初始密码。")}, status=status.HTTP_403_FORBIDDEN)
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        return Response({"token": token, "expiry": instance.expiry})


class TokenRevokeView(LogoutView):
    """Revoke the token this request is authenticated with (``Authorization: Token <token>``)."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)
