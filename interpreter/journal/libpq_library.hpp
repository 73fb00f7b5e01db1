// libpq, opened the first time a PostgreSQL journal is opened.
//
// Like libcurl (io/curl_library.hpp): linking libpq made every process load
// it and OpenSSL, Kerberos and LDAP behind it, for the few commands that use
// a PostgreSQL journal. So libpq is not linked; its functions are looked up
// here, once. Only its header is used at build time.
#pragma once

#include <libpq-fe.h>

namespace runbook {

/// The libpq functions the journal calls, taken from libpq.so.5.
struct PqLibrary {
   decltype(&::PQconnectdb) connectdb;
   decltype(&::PQfinish) finish;
   decltype(&::PQstatus) status;
   decltype(&::PQerrorMessage) error_message;
   decltype(&::PQsetNoticeProcessor) set_notice_processor;
   decltype(&::PQexec) exec;
   decltype(&::PQexecParams) exec_params;
   decltype(&::PQprepare) prepare;
   decltype(&::PQexecPrepared) exec_prepared;
   decltype(&::PQresultStatus) result_status;
   decltype(&::PQresultErrorMessage) result_error_message;
   decltype(&::PQresultErrorField) result_error_field;
   decltype(&::PQclear) clear;
   decltype(&::PQntuples) ntuples;
   decltype(&::PQgetisnull) getisnull;
   decltype(&::PQgetvalue) getvalue;
   decltype(&::PQcmdTuples) cmd_tuples;
};

/// Opens libpq on the first call; later calls return the same table. Throws
/// JournalError saying which library or function is missing.
const PqLibrary& pq_library();

}  // namespace runbook
