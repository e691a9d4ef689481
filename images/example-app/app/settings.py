"""Configuration from the environment: the backend's contract and the app's own variables."""
import hashlib
import logging
import os
from dataclasses import dataclass
from typing import Optional

log = logging.getLogger("app")

S3_REQUIRED = ("S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")


class ConfigError(Exception):
    """A misconfiguration the process cannot run with; the message says what to fix."""


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name, "")
    return value if value != "" else None


def sqlalchemy_url(url: str) -> str:
    """The contract gives postgres://...; SQLAlchemy 1.4 only knows the postgresql:// scheme."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    raise ConfigError("DATABASE_URL must start with postgres:// or postgresql://")


@dataclass(frozen=True)
class S3Settings:
    endpoint: str
    region: str
    bucket: str
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Settings:
    database_url: Optional[str]  # already in SQLAlchemy form
    s3: Optional[S3Settings]
    redis_url: Optional[str]
    port: Optional[int]
    app_mode: Optional[str]
    log_level: Optional[str]
    secret_key: Optional[str]

    @property
    def secret_key_sha256(self) -> Optional[str]:
        if self.secret_key is None:
            return None
        return hashlib.sha256(self.secret_key.encode()).hexdigest()


def _s3() -> Optional[S3Settings]:
    # All of S3_* or none: a partial set is a deployment bug, not "no bucket".
    present = [n for n in S3_REQUIRED if _env(n)]
    if not present:
        return None
    missing = [n for n in S3_REQUIRED if not _env(n)]
    if missing:
        raise ConfigError(f"{', '.join(present)} set but {', '.join(missing)} missing: set all S3_* variables or none")
    return S3Settings(
        endpoint=os.environ["S3_ENDPOINT"],
        region=_env("S3_REGION") or "us-east-1",
        bucket=os.environ["S3_BUCKET"],
        access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
    )


def load() -> Settings:
    db = _env("DATABASE_URL")
    port = _env("PORT")
    if port is not None and not port.isdigit():
        raise ConfigError(f"PORT must be a number, not {port!r}")
    return Settings(
        database_url=sqlalchemy_url(db) if db else None,
        s3=_s3(),
        redis_url=_env("REDIS_URL"),
        port=int(port) if port else None,
        app_mode=_env("APP_MODE"),
        log_level=_env("LOG_LEVEL"),
        secret_key=_env("SECRET_KEY"),
    )


def setup_logging(level: Optional[str]) -> None:
    """LOG_LEVEL (debug, info, warning, error) sets the app's own loggers; uvicorn keeps its --log-level."""
    name = (level or "info").upper()
    if not isinstance(logging.getLevelName(name), int):
        name = "INFO"
    # A handler of its own, not the root logger's: uvicorn 0.17's loggers propagate to root,
    # so a root handler would print each of their lines twice.
    logger = logging.getLogger("app")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(name)
    if level and name != level.upper():
        log.warning("LOG_LEVEL=%r is not a level; using info", level)
