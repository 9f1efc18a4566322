"""The one task the engine carries: run a job by its id (everything else about it lives on the ``Job`` row).

The job's runner is the worker id the backend reports when it is a heartbeat of ours (the database backend:
``run_worker``'s id); any other backend's id means nothing to the sweeper, so this process's own heartbeat is used
(``jobs.workers.runner_id``)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from jobs import workers
from jobs.services import job_execute


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    worker_ids = getattr(context.task_result, "worker_ids", None) or []
    job_execute(job_id, worker_id=workers.runner_id(worker_ids[-1] if worker_ids else ""))
