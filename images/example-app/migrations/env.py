"""Alembic environment: the database comes from DATABASE_URL (postgres:// converted like the app does)."""
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from app import settings

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name)

url = settings.load().database_url
if url is None:
    # the app runs without a database too (no DATABASE_URL): a release command then has nothing to do
    print("alembic: DATABASE_URL is not set (no database): nothing to migrate", file=sys.stderr)
    sys.exit(0)

if context.is_offline_mode():
    # `alembic upgrade head --sql`: print the SQL instead of running it
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
