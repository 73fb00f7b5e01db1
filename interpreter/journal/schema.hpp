// The journal's tables and their migrations.
//
// The schema version lives in PRAGMA user_version. Each migration takes the
// database from version N to N+1 inside one BEGIN IMMEDIATE transaction, so a
// crash mid-migration leaves the previous version intact. A journal written by
// a newer runbook is refused rather than misread.
#pragma once

#include "journal/sqlite.hpp"

namespace runbook {

/// The schema version this build writes.
int journal_schema_version();

/// Creates or upgrades the schema of `db`. Throws JournalError when the file
/// was written by a newer runbook or is some other SQLite database.
void migrate_journal(sqlite::Database& db);

}  // namespace runbook
