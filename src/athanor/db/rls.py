"""Row-level security for PostgreSQL, used by migrations.

The app connects as a role without BYPASSRLS, and every table that holds tenant rows has
ENABLE + FORCE ROW LEVEL SECURITY with policies reading the per-transaction settings that
`db/scope.py` sets: `app.tenant_id`, `app.user_id` and `app.platform`.
"""

from __future__ import annotations

from alembic import op

CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
CURRENT_USER = "NULLIF(current_setting('app.user_id', true), '')::uuid"
PLATFORM = "current_setting('app.platform', true) = 'on'"
TENANT_MATCH = f"(tenant_id = {CURRENT_TENANT} OR {PLATFORM})"


def is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def app_role_statement(role: str, password: str) -> str:
    """SQL that creates the app's login role, or resets it to what the settings say.

    Run by the first migration and again by every `athanor migrate`, so a changed secret
    key (from which the password derives) never locks the app out.
    """
    quoted = '"' + role.replace('"', '""') + '"'
    literal = password.replace("'", "''")
    name = role.replace("'", "''")
    return f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
            CREATE ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{literal}';
          ELSE
            ALTER ROLE {quoted} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{literal}';
          END IF;
        END $$;
        """


def ensure_app_role(role: str, password: str) -> None:
    """Create the app's login role and give it the DML it needs."""
    bind = op.get_bind()
    quoted = bind.dialect.identifier_preparer.quote(role)
    op.execute(app_role_statement(role, password))
    database = bind.exec_driver_sql("SELECT current_database()").scalar()
    op.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {quoted}')
    op.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}"
    )


def protect(table: str, *, select: str = TENANT_MATCH, write: str = TENANT_MATCH) -> None:
    """Enable and force RLS on `table` with one policy for reads and one for writes."""
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({select})")
    op.execute(f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK ({write})")
    op.execute(f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})")
    op.execute(f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({write})")


def unprotect(table: str) -> None:
    for action in ("read", "insert", "update", "delete"):
        op.execute(f"DROP POLICY IF EXISTS {table}_{action} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def app_role() -> tuple[str, str]:
    """The app role's name and password, from the settings the migration runs with."""
    from alembic import context

    from athanor.settings import Settings, get_settings

    settings = context.config.attributes.get("settings")
    if not isinstance(settings, Settings):
        settings = get_settings()
    return settings.database_app_role, settings.app_role_password


# Shared rows (tenant_id null) are readable by every tenant; writing them takes the platform scope.
SHARED_READ = f"(tenant_id IS NULL OR {TENANT_MATCH})"
