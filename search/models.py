"""The search index: one row per searchable object, its text cut into words by jieba.

The words are matched by the database's full-text index — SQLite: an FTS5 table over ``tokens`` kept in step by
triggers; PostgreSQL: a GIN index over ``array_to_tsvector(string_to_array(tokens, ' '))`` (migration 0001).
Rows are written after commit by ``search.services`` (never on a page view); ``manage.py search_rebuild`` rewrites
them all. What a user may find is decided on the source rows by ``core.policy.restrict``, not here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    kind = models.CharField(_("类别"), max_length=20)
    object_id = models.BigIntegerField(_("对象ID"))
    tokens = models.TextField(_("分词"), help_text=_("jieba 分词结果，以空格分隔，去重、小写"))

    class Meta:
        db_table = "search_entry"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
