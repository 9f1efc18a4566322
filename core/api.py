"""The API's side of the access policy (every viewset derives from ScopedViewSet), its pagination and the
number-checking kit's API fields and query-parameter parsers: bad input is a 400 in Chinese, never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination, serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.settings import api_settings

from core import numbers
from core.permissions import PolicyPermission
from core.policy import can_any, restrict
from core.services import ConflictError


class Pagination(pagination.LimitOffsetPagination):
    """``limit`` (1 … 1000, default 100) and ``offset`` (0 … 10^18): anything else is a 400 naming the parameter."""

    default_limit = 100
    max_limit = 1000
    max_offset_digits = 18

    def _param(self, request: Any, name: str, *, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        text = raw.strip()
        if not re.fullmatch(rf"[0-9]{{1,{self.max_offset_digits}}}", text) or not low <= int(text) <= high:
            raise ApiValidationError({name: [f"{name}：须为{low}到{high}之间的整数"]})
        return int(text)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": 10**self.max_offset_digits - 1},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def get_limit(self, request: Any) -> int:
        return self._param(
            request, self.limit_query_param, low=1, high=self.max_limit, default=self.default_limit
        )

    def get_offset(self, request: Any) -> int:
        return self._param(
            request, self.offset_query_param, low=0, high=10**self.max_offset_digits - 1, default=0
        )


class PolicySchema(AutoSchema):
    """OpenAPI: reads the policy lets the public make (published programs, projects …) need no authentication."""

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        queryset = getattr(self.view, "queryset", None)
        if (
            self.method in ("GET", "HEAD")
            and queryset is not None
            and {} not in auths
            and can_any(AnonymousUser(), "view", queryset.model)
        ):
            auths.append({})
        return auths


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "保存失败：已被其他人修改，请重新读取后再提交。"


def call_service(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """A service called from the API: its refusals as 400 / 403 / 409 with the service's Chinese messages."""
    try:
        return fn(**kwargs)
    except PermissionDenied as exc:
        raise ApiPermissionDenied(str(exc) or None) from exc
    except ValidationError as exc:
        raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
    except ConflictError as exc:
        raise Conflict() from exc


class ScopedViewSet(viewsets.GenericViewSet):
    """Lists and looks up only what core.policy lets the caller see."""

    permission_classes = [PolicyPermission]
    pagination_class = Pagination
    schema = PolicySchema()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return restrict(super().get_queryset(), self.request.user, "view")


def id_param(request: Any, name: str, label: str | None = None) -> int | None:
    """An id filter from the query string (``?project=12``): None when absent, a 400 when not a valid id."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return numbers.parse_id(raw, field_label=label or name)
    except numbers.NumberError as exc:
        raise ApiValidationError({name: [exc.message]}) from exc


def int_param(request: Any, name: str, *, low: int, high: int, label: str | None = None) -> int | None:
    """A whole-number filter (``?year=2021``) within ``low`` … ``high``: None when absent, else a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip()
    if not re.fullmatch(r"[0-9]{1,12}", text) or not low <= int(text) <= high:
        raise ApiValidationError({name: [f"{label or name}：须为{low}到{high}之间的整数"]})
    return int(text)


def id_parameters(*names: str) -> list[OpenApiParameter]:
    """OpenAPI description of id filters (so the schema, the docs and the fuzzing know them)."""
    return [
        OpenApiParameter(name, ID_SCHEMA, description=f"{name} 的编号（正整数）", required=False)
        for name in names
    ]


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
ERROR_RESPONSES = {
    "400": "请求参数有误（各字段的中文说明）",
    "401": "未登录",
    "403": "无权进行该操作",
    "404": "不存在或无权查看",
    "429": "请求过于频繁",
}


def not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    """Any other URL under /api/: a JSON 404 (not the HTML page)."""
    from django.http import JsonResponse

    return JsonResponse({"detail": "未找到。"}, status=404)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the error answers it can give."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {
                            "application/json": {"schema": {}}  # an object or a list of messages
                        },
                    },
                )
    return result


class DecimalField(serializers.DecimalField):
    """The API's DecimalField: input checked by core.numbers (no NaN/Infinity, digits and range of the stored
    field); output never raises on an abnormal stored value (shown as its plain text, e.g. "NaN")."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str) and len(data) > numbers.MAX_INPUT_CHARS * 4:
            self.fail("max_string_length")
        try:
            value = numbers.parse_decimal(
                data,
                field_label=str(self.label or self.field_name or ""),
                max_digits=self.max_digits or numbers.QUANTITY["max_digits"],
                decimal_places=self.decimal_places
                if self.decimal_places is not None
                else numbers.QUANTITY["decimal_places"],
                min_value=self.min_value,
                max_value=self.max_value,
            )
        except numbers.NumberError as exc:
            raise serializers.ValidationError(exc.message, code="invalid") from exc
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value: Any) -> Any:
        if isinstance(value, Decimal) and (
            not value.is_finite()
            or abs(value) >= Decimal(10) ** ((self.max_digits or 28) - (self.decimal_places or 0))
        ):
            coerce = getattr(self, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
            return str(value) if coerce else None
        return super().to_representation(value)


def install_decimal_field() -> None:
    """Every ModelSerializer maps the models' core.numbers.DecimalField to the API DecimalField above."""
    serializers.ModelSerializer.serializer_field_mapping[numbers.DecimalField] = DecimalField
