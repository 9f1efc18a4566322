from __future__ import annotations

from rest_framework import mixins, serializers

from core.api import ScopedViewSet
from disclosure.models import Disclosure, Publicity


class PublicitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Publicity
        fields = ["id", "program", "project", "unit", "date", "kind", "title", "reach"]


class DisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disclosure
        fields = ["id", "program", "project", "unit", "title", "place", "due", "start", "end", "summary"]


class PublicityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Publicity.objects.order_by("-date", "id")
    serializer_class = PublicitySerializer


class DisclosureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Disclosure.objects.order_by("-due", "id")
    serializer_class = DisclosureSerializer
