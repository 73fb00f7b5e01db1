#include "journal/libpq_library.hpp"

#include "journal/journal.hpp"

#include <dlfcn.h>

#include <string>

namespace runbook {

namespace {

/// libpq's ABI 5, the one every PostgreSQL since 8.0 ships (package libpq5).
constexpr const char* pq_soname = "libpq.so.5";

std::string pq_dl_error()
{
   const char* text = dlerror();
   return text != nullptr ? text : "unknown error";
}

template <typename Function>
void pq_look_up(void* library, const char* name, Function& slot)
{
   void* symbol = dlsym(library, name);
   if (symbol == nullptr) throw JournalError(std::string("libpq has no function ") + name + ": " + pq_dl_error());
   slot = reinterpret_cast<Function>(symbol);
}

PqLibrary open_pq()
{
   // Never closed: connections may live until the process exits.
   void* library = dlopen(pq_soname, RTLD_NOW | RTLD_LOCAL);
   if (library == nullptr) {
      throw JournalError(std::string("cannot use a PostgreSQL journal: cannot load ") + pq_soname +
                         " (install the libpq5 package): " + pq_dl_error());
   }
   PqLibrary pq{};
   pq_look_up(library, "PQconnectdb", pq.connectdb);
   pq_look_up(library, "PQfinish", pq.finish);
   pq_look_up(library, "PQstatus", pq.status);
   pq_look_up(library, "PQerrorMessage", pq.error_message);
   pq_look_up(library, "PQsetNoticeProcessor", pq.set_notice_processor);
   pq_look_up(library, "PQexec", pq.exec);
   pq_look_up(library, "PQexecParams", pq.exec_params);
   pq_look_up(library, "PQprepare", pq.prepare);
   pq_look_up(library, "PQexecPrepared", pq.exec_prepared);
   pq_look_up(library, "PQresultStatus", pq.result_status);
   pq_look_up(library, "PQresultErrorMessage", pq.result_error_message);
   pq_look_up(library, "PQresultErrorField", pq.result_error_field);
   pq_look_up(library, "PQclear", pq.clear);
   pq_look_up(library, "PQntuples", pq.ntuples);
   pq_look_up(library, "PQgetisnull", pq.getisnull);
   pq_look_up(library, "PQgetvalue", pq.getvalue);
   pq_look_up(library, "PQcmdTuples", pq.cmd_tuples);
   return pq;
}

}  // namespace

const PqLibrary& pq_library()
{
   static const PqLibrary pq = open_pq();
   return pq;
}

}  // namespace runbook
