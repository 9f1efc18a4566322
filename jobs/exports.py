"""Large exports (Excel tables, PDF renders) as background jobs: the file is made by a worker, kept through
Django's storage API (``Job.output``) and downloaded from the job's page through the policy.

An app marks an export with ``@export`` on a module-level function ``make(user, args) -> (bytes, filename)``
(named by its dotted path, as job handlers are); the function itself decides access (``PermissionDenied`` or ``Http404`` for a user who may not see
the table), so it is checked three times with the same code: in the request, in the worker (as the job's
starter, whose access may have changed meanwhile) and again at download (``export_check``: the same function
with ``check_only=True``). Below ``settings.EXPORT_BACKGROUND_ROWS`` rows an export stays in the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jobs.models import Job


class Maker(Protocol):
    def __call__(self, user: Any, args: dict[str, Any], *, check_only: bool = False) -> tuple[bytes, str]: ...


def export(make: Callable[..., tuple[bytes, str]]) -> Maker:
    """Mark ``make(user, args, *, check_only=False) -> (bytes, filename)`` as an export. With ``check_only`` it
    only checks access (raising PermissionDenied/Http404) and may return ``(b"", "")``."""
    make.is_export = True  # type: ignore[attr-defined]
    return make  # type: ignore[return-value]


def _maker(path: Any) -> Maker:
    """The export at ``path``; Http404 for anything else (a job's params are ours, but never trust a path)."""
    try:
        make = import_string(str(path))
    except ImportError as exc:
        raise Http404 from exc
    if not getattr(make, "is_export", False):
        raise Http404
    return make


def is_large(rows: int) -> bool:
    return rows > int(settings.EXPORT_BACKGROUND_ROWS)


def export_start(
    *, actor: Any, maker: str, args: dict[str, Any], title: str, rows: int, return_url: str
) -> Job:
    """Start the export at dotted path ``maker`` as a job of ``actor`` (who must be allowed to see it now)."""
    from jobs.services import job_start

    _maker(maker)(actor, args, check_only=True)
    return job_start(
        actor=actor,
        kind="export",
        title=title,
        handler="jobs.exports.run_export",
        total=rows,
        params={"export": maker, "args": args, "language": translation.get_language() or ""},
        return_url=return_url,
        idempotent=True,  # it only reads: a re-queued export just makes the file again
    )


def run_export(job: Job, progress: Any) -> dict[str, Any]:
    """The job's handler: make the file as the job's starter and keep it with the job."""
    if job.created_by is None:
        raise PermissionDenied(_("发起人账号已不存在"))
    with translation.override(job.params.get("language") or None):  # the file in the asker's language
        data, filename = _maker(job.params["export"])(job.created_by, job.params["args"])
    if job.output:
        job.output.delete(save=False)  # an earlier, interrupted attempt's file
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    job.output.save(f"{job.pk}/export.{extension}", ContentFile(data), save=False)
    Job.objects.filter(pk=job.pk).update(output=job.output.name)
    progress(job.total, job.total)
    return {
        "message": _("文件已生成：%(name)s") % {"name": filename},
        "filename": filename,
        "link": {"url": reverse("jobs:job_file", args=[job.pk]), "label": _("下载文件")},
    }


def export_check(*, user: Any, job: Job) -> str:
    """Whether ``user`` may download the job's file now: only its starter, still allowed to see the table
    (PermissionDenied/Http404 otherwise). Returns the file's name for the download."""
    if not job.output or job.status != Job.Status.SUCCEEDED or job.created_by_id != getattr(user, "pk", None):
        raise Http404
    _maker(job.params.get("export"))(user, job.params.get("args") or {}, check_only=True)
    return str(job.result.get("filename") or job.output.name.rsplit("/", 1)[-1])
