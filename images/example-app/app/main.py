"""The web app: health, config, notes (database), jobs (database + cache), uploads (bucket).

FastAPI 0.92 (Debian bookworm) predates the lifespan= argument, hence on_event("startup").
Handlers are plain `def` where they block on a driver: Starlette runs them in its thread pool.
"""
import asyncio
import logging
import os
import re
import sys
import time

from botocore.exceptions import BotoCoreError
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from redis.exceptions import RedisError
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from . import parts, settings
from .tables import jobs, notes

log = logging.getLogger("app")
app = FastAPI(title="portable-backend example app", version="0.1.0")

# keys stay flat and unambiguous: no "/", no "..", no control characters
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def _fail_start(message: str) -> None:
    log.error("refusing to start: %s", message)
    # uvicorn would turn an exception here into two tracebacks around this message and exit 3;
    # nothing is listening or open yet, so exit at once and leave the message as the last line.
    sys.stderr.flush()
    os._exit(1)


@app.on_event("startup")
def startup() -> None:
    try:
        cfg = parts.config()
    except settings.ConfigError as e:
        settings.setup_logging(None)
        _fail_start(str(e))
    settings.setup_logging(cfg.log_level)
    log.info(
        "configured parts: database=%s bucket=%s cache=%s; APP_MODE=%s PORT=%s",
        cfg.database_url is not None, cfg.s3 is not None, cfg.redis_url is not None, cfg.app_mode, cfg.port,
    )
    if parts.engine() is None:
        return
    # The release command (alembic upgrade head) must have run before any replica serves.
    head = parts.head_revision()
    deadline = time.monotonic() + 30
    while True:
        try:
            current = parts.current_revision()
            break
        except Exception as e:  # noqa: BLE001 - the database may still be starting
            if time.monotonic() > deadline:
                _fail_start(f"database unreachable for 30s: {parts._error(e)}")
            log.warning("database not reachable yet (%s); retrying", parts._error(e))
            time.sleep(2)
    if current != head:
        _fail_start(
            f"database schema is at revision {current or 'none (no alembic_version table)'}, "
            f"this release needs {head}: run the release command `alembic upgrade head` first"
        )
    log.info("database schema at head revision %s", head)


# A part that is configured but down answers 503 (like /healthz), not a bare 500.
def _unreachable(part: str):
    async def handler(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"{part} unreachable: {parts._error(exc)}"}, status_code=503)

    return handler


app.add_exception_handler(OperationalError, _unreachable("database"))
app.add_exception_handler(BotoCoreError, _unreachable("bucket"))  # connection errors, not S3 error replies
app.add_exception_handler(RedisError, _unreachable("cache"))


def need(part: str):
    """The client of a part, or 503 saying which variables would configure it."""
    client = {"database": parts.engine, "bucket": parts.s3, "cache": parts.cache}[part]()
    if client is None:
        hint = {"database": "DATABASE_URL", "bucket": "S3_* variables", "cache": "REDIS_URL"}[part]
        raise HTTPException(503, f"no {part} configured ({hint} not set)")
    return client


@app.get("/healthz")
@app.get("/api/health")
def health() -> JSONResponse:
    result = parts.check()
    errors = result.pop("errors")
    ok = all(v is not False for v in result.values())
    body = {"status": "ok" if ok else "unavailable", **result}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=200 if ok else 503)


@app.get("/config")
def config() -> dict:
    cfg = parts.config()
    revision = None
    if parts.engine() is not None:
        try:
            revision = parts.current_revision()
        except Exception:  # noqa: BLE001 - unreachable: reported by /healthz
            pass
    return {
        "app_mode": cfg.app_mode,
        "log_level": cfg.log_level,
        "secret_key_sha256": cfg.secret_key_sha256,  # never the secret itself
        "schema_revision": revision,
        "port": cfg.port,
        "parts": {"database": cfg.database_url is not None, "bucket": cfg.s3 is not None, "cache": cfg.redis_url is not None},
    }


@app.get("/slow")
async def slow(seconds: float = 2.0) -> dict:
    """Answers after a delay (at most 30s): lets tests check that a stop drains in-flight requests."""
    seconds = max(0.0, min(seconds, 30.0))
    await asyncio.sleep(seconds)
    return {"slept": seconds}


class NoteIn(BaseModel):
    body: str


@app.post("/notes", status_code=201)
def create_note(note: NoteIn) -> dict:
    with need("database").begin() as conn:
        row = conn.execute(insert(notes).values(body=note.body).returning(*notes.c)).one()
    return dict(row._mapping)


@app.get("/notes")
def list_notes() -> dict:
    with need("database").connect() as conn:
        rows = conn.execute(select(notes).order_by(notes.c.id)).all()
    return {"notes": [dict(r._mapping) for r in rows]}


class JobIn(BaseModel):
    payload: str


@app.post("/jobs", status_code=201)
def create_job(job: JobIn) -> dict:
    db, queue = need("database"), need("cache")
    # Committed before the push: a worker popping the id must find the row.
    with db.begin() as conn:
        job_id = conn.execute(insert(jobs).values(payload=job.payload, status="queued").returning(jobs.c.id)).scalar_one()
    try:
        queue.rpush("jobs", job_id)
    except Exception as e:  # noqa: BLE001
        with db.begin() as conn:
            conn.execute(delete(jobs).where(jobs.c.id == job_id))
        raise HTTPException(503, f"cache unreachable, job not queued: {parts._error(e)}")
    log.info("job %s queued", job_id)
    return {"id": job_id}


@app.get("/jobs/{job_id}")
def get_job(job_id: int) -> dict:
    with need("database").connect() as conn:
        row = conn.execute(select(jobs).where(jobs.c.id == job_id)).one_or_none()
    if row is None:
        raise HTTPException(404, f"no job {job_id}")
    return dict(row._mapping)


def _upload_key(name: str) -> str:
    if not UPLOAD_NAME.match(name):
        raise HTTPException(400, "name: 1-200 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
    return f"uploads/{name}"


@app.put("/uploads/{name}", status_code=201)
async def put_upload(name: str, request: Request) -> dict:
    client, key = need("bucket"), _upload_key(name)
    data = await request.body()
    content_type = request.headers.get("content-type", "application/octet-stream")
    await run_in_threadpool(
        client.put_object, Bucket=parts.config().s3.bucket, Key=key, Body=data, ContentType=content_type
    )
    return {"key": key, "size": len(data)}


@app.get("/uploads/{name}")
def get_upload(name: str) -> Response:
    client, key = need("bucket"), _upload_key(name)
    try:
        obj = client.get_object(Bucket=parts.config().s3.bucket, Key=key)
    except client.exceptions.NoSuchKey:
        raise HTTPException(404, f"no upload {name}")
    return Response(obj["Body"].read(), media_type=obj.get("ContentType") or "application/octet-stream")


@app.get("/uploads")
def list_uploads() -> dict:
    client = need("bucket")
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=parts.config().s3.bucket, Prefix="uploads/"):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {"keys": keys}
