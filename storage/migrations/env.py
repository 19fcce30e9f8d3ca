"""Alembic environment: modbot passes its own connection in; see storage/db.py."""

from __future__ import annotations

from alembic import context

from storage import models_community, models_metrics, models_web  # noqa: F401 - register the tables
from storage.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
