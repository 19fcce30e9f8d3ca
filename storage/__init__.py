"""The audit log: SQLAlchemy models, the database engine, migrations and queries."""
