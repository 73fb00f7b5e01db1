// The PostgreSQL journal's tables, created and migrated on first use. The
// same tables as the SQLite journal's (schema.cpp), in PostgreSQL's types,
// plus the fencing epoch of a run's lease; the version is a row of
// runbook_schema_version rather than a pragma.
#pragma once

#include "journal/pg.hpp"

namespace runbook {

/// The schema version this build writes.
int pg_journal_schema_version();

/// Brings the database's schema up to date, under an advisory lock so that
/// processes opening it at once migrate it once. Refuses a newer schema.
void migrate_pg_journal(pg::Connection& db);

}  // namespace runbook
