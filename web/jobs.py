"""Uploaded files are ingested one at a time on a worker thread, so the page that receives
the upload can answer at once and show progress while the file is read and tagged."""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from indexer.model import ReadError
from web.state import AppState

KEEP_JOBS = 100
log = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    owner: str                     # the session that uploaded it; nobody else sees it
    name: str
    state: str = "queued"          # queued, working, done, failed
    queued_at: float = field(default_factory=time.monotonic)
    finished_at: float | None = None
    outcome: str | None = None     # added, replaced, unchanged
    doc_id: str | None = None
    error: str | None = None

    @property
    def elapsed(self) -> int:
        return int((self.finished_at or time.monotonic()) - self.queued_at)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


class UploadJobs:
    def __init__(self, state: AppState):
        self._state = state
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, data: bytes, name: str, owner: str) -> Job:
        job = Job(secrets.token_urlsafe(16), owner, name)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job, data)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def wait(self, job: Job, timeout: float) -> bool:
        """Block until `job` finishes or `timeout` seconds pass; True if it finished."""
        deadline = time.monotonic() + timeout
        while not job.finished and time.monotonic() < deadline:
            time.sleep(0.05)
        return job.finished

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)

    def _run(self, job: Job, data: bytes) -> None:
        job.state = "working"
        state = self._state
        try:
            # Reading, segmenting and tagging take most of an ingest and write nothing: they
            # run before the write lock, which is then held for one short store and index
            # commit, so that corrections and other uploads wait no longer than that.
            kb = state.kb()
            loaded = kb.prepare_bytes(data, job.name)
            with state.writing() as change:
                job.outcome, job.doc_id = kb.store_prepared(loaded, wait=False)
                change.doc_ids.add(job.doc_id)
            state.tidy_index()
        except ReadError as e:
            job.error = str(e)
        except Exception:
            log.exception("ingesting upload %s", job.name)
            job.error = (f"{job.name} could not be added because of an unexpected problem. "
                         "The problem has been logged; try again or ask for help.")
        job.state = "failed" if job.error else "done"
        job.finished_at = time.monotonic()
