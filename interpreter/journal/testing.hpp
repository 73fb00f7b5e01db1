// Knobs for tests and benchmarks only: they let a test provoke what is hard
// to provoke for real (a full disk, a lock held past the timeout) on the very
// connection the journal writes through. Production code never calls them.
#pragma once

#include "journal/journal.hpp"

namespace runbook::journal_testing {

/// PRAGMA max_page_count: once the database would grow past `pages` pages,
/// writes fail with SQLITE_FULL exactly as on a full disk.
void limit_pages(Journal& journal, int pages);

/// The current size of the database in pages.
int page_count(Journal& journal);

/// Shortens the busy timeout (default 5 s) so a lock test need not wait.
void set_busy_timeout(Journal& journal, int milliseconds);

/// PRAGMA synchronous = FULL (true) or OFF (false). OFF only fills a journal
/// fast for a benchmark: the rows written are the same, only the flushes go.
void set_flushes(Journal& journal, bool flush);

/// PRAGMA synchronous of the journal's connection: 2 (FULL) normally, 1
/// (NORMAL) while defer_flushes(true) is in force.
int synchronous(Journal& journal);

}  // namespace runbook::journal_testing
