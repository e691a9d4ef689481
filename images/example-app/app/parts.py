"""Clients of the optional parts (database, bucket, cache) and their cheap reachability checks.

Every client is created lazily and only when its variables are set; timeouts are
short so a health check answers even when a part is down.
"""
import functools
from pathlib import Path
from typing import Dict, Optional

import boto3
import redis
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from botocore.config import Config as BotoConfig
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from . import settings

# alembic.ini sits next to the package (the image's WORKDIR)
ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


@functools.lru_cache(maxsize=None)
def config() -> settings.Settings:
    return settings.load()


@functools.lru_cache(maxsize=None)
def engine() -> Optional[Engine]:
    url = config().database_url
    if url is None:
        return None
    # pre_ping: a restarted database must not leave dead connections in the pool
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 3})


@functools.lru_cache(maxsize=None)
def s3():
    c = config().s3
    if c is None:
        return None
    return boto3.client(
        "s3",
        endpoint_url=c.endpoint,
        region_name=c.region,
        aws_access_key_id=c.access_key_id,
        aws_secret_access_key=c.secret_access_key,
        config=BotoConfig(
            s3={"addressing_style": "path"},  # the contract's stores (VersityGW, ...) are path-style
            connect_timeout=3,
            read_timeout=10,
            retries={"max_attempts": 2, "mode": "standard"},
        ),
    )


@functools.lru_cache(maxsize=None)
def cache() -> Optional[redis.Redis]:
    url = config().redis_url
    if url is None:
        return None
    # socket_timeout must exceed the worker's BLPOP timeout
    return redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10, health_check_interval=30)


def head_revision() -> str:
    return ScriptDirectory.from_config(Config(str(ALEMBIC_INI))).get_current_head()


def current_revision() -> Optional[str]:
    """The database's alembic revision; None when alembic_version is missing or empty."""
    with engine().connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _error(e: Exception) -> str:
    # first line only: driver messages can be long; none of them carries a password
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


def check() -> Dict[str, object]:
    """{part: True/False/None (not configured)} plus "errors" {part: message} for the failing ones."""
    result: Dict[str, object] = {"database": None, "bucket": None, "cache": None}
    errors: Dict[str, str] = {}
    if engine() is not None:
        try:
            with engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            result["database"] = True
        except Exception as e:  # noqa: BLE001 - any failure means unreachable
            result["database"], errors["database"] = False, _error(e)
    if s3() is not None:
        try:
            s3().head_bucket(Bucket=config().s3.bucket)
            result["bucket"] = True
        except Exception as e:  # noqa: BLE001
            result["bucket"], errors["bucket"] = False, _error(e)
    if cache() is not None:
        try:
            cache().ping()
            result["cache"] = True
        except Exception as e:  # noqa: BLE001
            result["cache"], errors["cache"] = False, _error(e)
    result["errors"] = errors
    return result
