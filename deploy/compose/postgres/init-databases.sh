#!/bin/bash
# Runs once, on an empty data directory (docker-entrypoint-initdb.d): one role and database per
# owner. Temporal's two databases are filled by the temporal-schema service; finance, dashboard
# and the coordinators' patient key vault migrate their own at start, under an advisory lock.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_pw="$TEMPORAL_DB_PASSWORD" -v finance_pw="$FINANCE_DB_PASSWORD" -v dashboard_pw="$DASHBOARD_DB_PASSWORD" -v vault_pw="$VAULT_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_pw';
CREATE ROLE finance LOGIN PASSWORD :'finance_pw';
CREATE ROLE dashboard LOGIN PASSWORD :'dashboard_pw';
CREATE ROLE vault LOGIN PASSWORD :'vault_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE DATABASE finance OWNER finance;
CREATE DATABASE dashboard OWNER dashboard;
CREATE DATABASE vault OWNER vault;
REVOKE ALL ON DATABASE temporal, temporal_visibility, finance, dashboard, vault FROM PUBLIC;
SQL
