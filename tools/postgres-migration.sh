#!/usr/bin/env bash
# Regenerates the PostgreSQL migrations (src/CeasefireWatch.Web/Data/Migrations/Postgres) from the current model.
#
#   tools/postgres-migration.sh            rebuild them as one "Initial" migration (while no PostgreSQL database is
#                                          deployed yet: after a schema change on main, this is the whole step)
#   tools/postgres-migration.sh NAME       add one migration NAME on top (once PostgreSQL databases exist)
#
# No server is needed: the app's host is built (not started) with Database:Provider=Postgres and a placeholder
# connection string, so EF Core finds PostgresAppDbContext in its services. SQLite migrations are made as before:
#   dotnet ef migrations add NAME --project src/CeasefireWatch.Web --context AppDbContext --output-dir Data/Migrations
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-}"
dotnet tool restore >/dev/null
if [ -z "$name" ]; then
  rm -rf src/CeasefireWatch.Web/Data/Migrations/Postgres
  name=Initial
fi
# Built after the old migrations are gone, so EF Core does not find them in the assembly.
dotnet build src/CeasefireWatch.Web -nologo -v q
Database__Provider=Postgres \
ConnectionStrings__CeasefireWatch="Host=localhost;Database=ceasefirewatch_design" \
  dotnet ef migrations add "$name" --no-build --project src/CeasefireWatch.Web \
    --context PostgresAppDbContext --output-dir Data/Migrations/Postgres
