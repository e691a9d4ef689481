"""The tables of migrations/versions/0001 as SQLAlchemy Core objects (queries only; alembic owns the DDL)."""
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, func

metadata = MetaData()

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("processed_at", DateTime(timezone=True)),
)
