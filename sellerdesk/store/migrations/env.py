"""Alembic environment: always run on the connection SellerDesk hands in, inside its
transaction, so a migration lands whole or not at all."""

from alembic import context

from sellerdesk.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
context.run_migrations()
