"""The worker: `python3 -m app.worker`.

BLPOPs job ids from the Redis list `jobs` and marks each row done. SIGTERM lets
the current job finish, then exits 0. Connection errors (database or cache) are
logged and retried instead of crashing, so the worker rides out restarts.
"""
import logging
import signal
import sys
import time

import redis
from sqlalchemy import func, update
from sqlalchemy.exc import OperationalError

from . import parts, settings
from .tables import jobs

log = logging.getLogger("app.worker")
POP_TIMEOUT = 2  # seconds; also bounds how long a SIGTERM waits while idle
RETRY_DELAY = 2

stopping = False


def _stop(signum, _frame) -> None:
    global stopping
    log.info("received %s: finishing the current job, then exiting", signal.Signals(signum).name)
    stopping = True


def process(job_id: int) -> None:
    """Mark the job done; a database outage is retried, or the id goes back to the queue on stop."""
    while True:
        try:
            with parts.engine().begin() as conn:
                payload = conn.execute(
                    update(jobs)
                    .where(jobs.c.id == job_id)
                    .values(status="done", processed_at=func.now())
                    .returning(jobs.c.payload)
                ).scalar_one_or_none()
            if payload is None:
                log.warning("job %s: no such row, skipped", job_id)
            else:
                log.info("job %s done (payload %r)", job_id, payload)
            return
        except OperationalError as e:
            if stopping:
                parts.cache().lpush("jobs", job_id)  # put it back at the head for the next worker
                log.warning("job %s: database unreachable while stopping, requeued", job_id)
                return
            log.warning("job %s: database unreachable (%s); retrying in %ss", job_id, parts._error(e), RETRY_DELAY)
            time.sleep(RETRY_DELAY)


def main() -> int:
    try:
        cfg = parts.config()
    except settings.ConfigError as e:
        settings.setup_logging(None)
        log.error("refusing to start: %s", e)
        return 1
    settings.setup_logging(cfg.log_level)
    missing = [n for n, v in (("DATABASE_URL", cfg.database_url), ("REDIS_URL", cfg.redis_url)) if v is None]
    if missing:
        log.error("refusing to start: the worker needs %s", " and ".join(missing))
        return 1
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started: waiting for job ids on the redis list 'jobs'")
    while not stopping:
        try:
            item = parts.cache().blpop(["jobs"], timeout=POP_TIMEOUT)
        except (redis.ConnectionError, redis.TimeoutError) as e:
            log.warning("cache unreachable (%s); retrying in %ss", parts._error(e), RETRY_DELAY)
            time.sleep(RETRY_DELAY)
            continue
        if item is None:
            continue
        raw = item[1].decode(errors="replace")
        if not raw.isdigit():
            log.warning("ignoring queue entry %r: not a job id", raw)
            continue
        log.info("job %s picked up", raw)
        try:
            process(int(raw))
        except redis.RedisError as e:  # the requeue itself failed
            log.error("job %s lost while stopping: %s", raw, parts._error(e))
    log.info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
