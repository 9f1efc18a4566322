"""Django's JSON serialization without its loss of precision (backups must restore identical rows).

Django's JSON encoder cuts datetimes and times to milliseconds (for ECMA-262); this one keeps the microseconds.
The output is ordinary Django JSON: ``loaddata`` reads it with the standard ``json`` format."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return super().default(o) if o.utcoffset() is not None else o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
