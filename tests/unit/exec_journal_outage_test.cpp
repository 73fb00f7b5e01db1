// The journal's server going away mid-run (issue 16): the journal tells its
// listener (or stderr), the interpreter turns that into events for the
// people watching, never into journal records, and the live view shows the
// hold until the server is back.
#include "exec_test_support.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "exec/exit_codes.hpp"
#include "journal_test_support.hpp"
#include "view/live_view.hpp"
#include "view/observers.hpp"

namespace {

using runbook::Journal;
using runbook::JournalOutage;
using runbook::RunEvent;

/// A SQLite journal that plays a PostgreSQL server going away: its `away_at`th
/// step start holds (unreachable), then the server is back, then the start
/// is written. Its name is a URL whose password is already redacted, as
/// PgJournal::path() says it.
class AwayJournal final : public Journal {
public:
   explicit AwayJournal(std::unique_ptr<Journal> inner) : inner_(std::move(inner)) {}

   int away_at = 2;        ///< The step start that meets the outage (1, 2, ...).
   int unreachable_calls = 2;   ///< How often the backend says it, as retries would.
   std::string reason = "journaling an event failed in the journal postgresql://ann:***@db/runbook: server closed "
                        "the connection unexpectedly\n\tThis probably means the server terminated abnormally\n";

   /// Tells the listener directly, as PgJournal::retry does.
   void go_away(const std::string& why, double retry_for_ms) { journal_unreachable(why, retry_for_ms); }
   void come_back() { journal_back(); }

   const std::string& path() const override { return name_; }
   std::string file_problem() const override { return inner_->file_problem(); }
   std::string create_run(const runbook::NewRun& run) override { return inner_->create_run(run); }
   void acquire_lease(const std::string& run_id) override { inner_->acquire_lease(run_id); }
   void heartbeat(const std::string& run_id) override { inner_->heartbeat(run_id); }
   void release_lease(const std::string& run_id) override { inner_->release_lease(run_id); }
   void set_status(const std::string& run_id, const std::string& status, const std::string& detail) override
   {
      inner_->set_status(run_id, status, detail);
   }
   void enter_rollback(const std::string& run_id, const std::string& rollback_name) override
   {
      inner_->enter_rollback(run_id, rollback_name);
   }
   std::optional<runbook::RunInfo> run(const std::string& run_id) override { return inner_->run(run_id); }
   std::vector<runbook::RunInfo> runs() override { return inner_->runs(); }
   std::vector<runbook::RunInfo> find_runs(const runbook::RunFilter& filter) override { return inner_->find_runs(filter); }
   std::optional<runbook::RunInfo> latest_resumable() override { return inner_->latest_resumable(); }
   std::vector<runbook::JournalSource> sources(const std::string& run_id) override { return inner_->sources(run_id); }
   void adopt_sources(const std::string& run_id, const std::vector<runbook::JournalSource>& sources) override
   {
      inner_->adopt_sources(run_id, sources);
   }
   int step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                    const std::string& def_hash, const std::string& inputs_json, std::optional<double> deadline_ms,
                    double at) override
   {
      if (++starts_ == away_at) {
         for (int i = 0; i < unreachable_calls; ++i) journal_unreachable(reason, 300'000);
         journal_back();
      }
      return inner_->step_started(run_id, step_id, kind, def_hash, inputs_json, deadline_ms, at);
   }
   void step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                      const std::string& result_json, double at) override
   {
      inner_->step_finished(run_id, step_id, outcome, result_json, at);
   }
   std::vector<runbook::StepRecord> steps(const std::string& run_id) override { return inner_->steps(run_id); }
   void defer_flushes(bool deferred) override { inner_->defer_flushes(deferred); }
   void record(const std::string& run_id, const std::string& kind, const std::string& step_id,
               const std::string& data_json, double at) override
   {
      inner_->record(run_id, kind, step_id, data_json, at);
   }
   using Journal::events;
   std::vector<runbook::JournalEvent> events(const std::string& run_id, std::int64_t after_seq) override
   {
      return inner_->events(run_id, after_seq);
   }
   void post_request(const std::string& run_id, const std::string& kind, const std::string& data_json) override
   {
      inner_->post_request(run_id, kind, data_json);
   }
   std::vector<std::pair<std::string, std::string>> take_requests(const std::string& run_id) override
   {
      return inner_->take_requests(run_id);
   }

private:
   std::unique_ptr<Journal> inner_;
   std::string name_ = "postgresql://ann:***@db/runbook";
   int starts_ = 0;
};

struct HeardOutage {
   std::string what;   ///< "unreachable" or "back".
   JournalOutage outage;
};

class OutageListener final : public runbook::JournalListener {
public:
   std::vector<HeardOutage> heard;
   void journal_unreachable(const JournalOutage& outage) override { heard.push_back({"unreachable", outage}); }
   void journal_back(const JournalOutage& outage) override { heard.push_back({"back", outage}); }
};

/// Everything written to stderr while `body` runs.
template <typename Body>
std::string stderr_of(Body&& body)
{
   char path[] = "/tmp/runbook-outage-stderr-XXXXXX";
   const int file = ::mkstemp(path);
   REQUIRE(file >= 0);
   std::fflush(stderr);
   const int saved = ::dup(STDERR_FILENO);
   ::dup2(file, STDERR_FILENO);
   body();
   std::fflush(stderr);
   ::dup2(saved, STDERR_FILENO);
   ::close(saved);
   ::close(file);
   std::ifstream in(path);
   std::stringstream text;
   text << in.rdbuf();
   ::unlink(path);
   return text.str();
}

const char* const outage_runbook = R"(runbook "Through an outage"
phase "One" {
  sh "echo first"
  sh "echo second"
  sh "echo third"
}
)";

}  // namespace

TEST_CASE("journal outage: the listener hears it once per outage and when it is back", "[journal][outage]")
{
   runbook::testing::TempDir dir;
   AwayJournal journal(Journal::open(dir.file("journal.db")));
   OutageListener listener;
   CHECK(journal.set_listener(&listener) == nullptr);

   journal.come_back();   // Nothing was told: nothing to say.
   CHECK(listener.heard.empty());
   journal.go_away(journal.reason, 300'000);
   journal.go_away("a later retry's error", 300'000);   // The same outage: not told again.
   journal.come_back();
   journal.come_back();
   REQUIRE(listener.heard.size() == 2);
   CHECK(listener.heard[0].what == "unreachable");
   CHECK(listener.heard[0].outage.journal == "postgresql://ann:***@db/runbook");
   CHECK(listener.heard[0].outage.reason == journal.reason);
   CHECK(listener.heard[0].outage.retry_for_ms == 300'000);
   CHECK(listener.heard[1].what == "back");
   CHECK(listener.heard[1].outage.held_ms >= 0);

   // A second outage is a second notice.
   journal.go_away("again", 1000);
   journal.come_back();
   CHECK(listener.heard.size() == 4);
   CHECK(journal.set_listener(nullptr) == &listener);
}

TEST_CASE("journal outage: without a listener stderr says it, as `runbook status` needs", "[journal][outage]")
{
   runbook::testing::TempDir dir;
   AwayJournal journal(Journal::open(dir.file("journal.db")));
   const std::string said = stderr_of([&] {
      journal.go_away("cannot connect to the journal postgresql://ann:***@db/runbook: connection refused", 300'000);
      journal.come_back();
   });
   CHECK(said == "runbook: cannot connect to the journal postgresql://ann:***@db/runbook: connection refused; "
                 "retrying until it is back (up to 300 s)\n"
                 "runbook: the journal postgresql://ann:***@db/runbook is back\n");
}

TEST_CASE("journal outage: the run shows the hold and the return before the step, and journals neither",
          "[exec][outage]")
{
   runbook::testing::Harness h(outage_runbook);
   auto away = std::make_unique<AwayJournal>(std::move(h.journal));
   AwayJournal& journal = *away;
   h.journal = std::move(away);

   std::string said;
   said = stderr_of([&] { REQUIRE(h.run().exit_code == runbook::exit_code::Completed); });
   CHECK(said.find("retrying until it is back") == std::string::npos);   // Told the observers instead.

   const auto& events = h.observer.events;
   const auto index_of = [&](RunEvent::Kind kind, const std::string& step_part = "") {
      for (std::size_t i = 0; i < events.size(); ++i)
         if (events[i].kind == kind && events[i].step_id.find(step_part) != std::string::npos) return static_cast<long>(i);
      return -1L;
   };
   const long held = index_of(RunEvent::Kind::JournalUnreachable);
   const long back = index_of(RunEvent::Kind::JournalBack);
   INFO(h.observer.all_text());
   REQUIRE(held >= 0);
   REQUIRE(back > held);
   // Between the first step's end and the second step's start: the start
   // that held is the second step's, written before its side effect.
   long second_started = -1;
   int started = 0;
   for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i].kind == RunEvent::Kind::StepStarted && ++started == 2) second_started = static_cast<long>(i);
   CHECK(index_of(RunEvent::Kind::StepFinished) < held);
   CHECK(back < second_started);
   int holds = 0;
   for (const auto& e : events) holds += e.kind == RunEvent::Kind::JournalUnreachable ? 1 : 0;
   CHECK(holds == 1);   // The backend said it twice: one outage, one notice.

   const RunEvent& hold = events[held];
   CHECK(hold.text.find("journal postgresql://ann:***@db/runbook unreachable") != std::string::npos);
   CHECK(hold.text.find("holding before the next step, retrying until it is back (up to 5m)") != std::string::npos);
   CHECK(hold.data.value("journal", "") == "postgresql://ann:***@db/runbook");
   CHECK(hold.data.value("retry_for_ms", 0.0) == 300'000);
   // libpq's reason over several lines is one line: one notice, one line.
   CHECK(hold.data.value("reason", "") ==
         "journaling an event failed in the journal postgresql://ann:***@db/runbook: server closed the connection "
         "unexpectedly This probably means the server terminated abnormally");
   CHECK(hold.text.find('\n') == std::string::npos);
   CHECK(events[back].text.find("journal postgresql://ann:***@db/runbook is back after") != std::string::npos);
   CHECK(events[back].data.contains("held_ms"));

   // The journal is what was down: nothing of the outage is in it.
   for (const auto& e : h.journal->events(h.outcome.run_id)) {
      INFO(e.kind << " " << e.data_json);
      CHECK(e.kind.find("journal_") == std::string::npos);
      CHECK(e.data_json.find("unreachable") == std::string::npos);
   }
   CHECK(h.world.commands() == std::vector<std::string>{"echo first", "echo second", "echo third"});

   // The run is over: the journal's listener is unset, stderr speaks again.
   const std::string after = stderr_of([&] {
      journal.go_away("cannot connect", 1000);
      journal.come_back();
   });
   CHECK(after.find("retrying until it is back") != std::string::npos);
}

TEST_CASE("journal outage: plain lines and JSON say it once each, without a password", "[live][outage]")
{
   const RunEvent hold{RunEvent::Kind::JournalUnreachable, 1'700'000'000'000, "",
                       "journal postgresql://ann:***@db/runbook unreachable: holding before the next step, retrying "
                       "until it is back (up to 5m): server closed the connection unexpectedly",
                       {{"journal", "postgresql://ann:***@db/runbook"}, {"retry_for_ms", 300'000}}};
   const RunEvent back{RunEvent::Kind::JournalBack, 1'700'000'012'000, "",
                       "journal postgresql://ann:***@db/runbook is back after 12s: the run continues",
                       {{"journal", "postgresql://ann:***@db/runbook"}, {"held_ms", 12'000}}};
   CHECK(runbook::plain_line(hold, false).value_or("") ==
         runbook::clock_text(hold.at) + " !! " + hold.text);
   CHECK(runbook::plain_line(back, false).value_or("") == runbook::clock_text(back.at) + " ok " + back.text);
   CHECK(runbook::event_json(hold)["kind"] == "journal_unreachable");
   CHECK(runbook::event_json(back)["kind"] == "journal_back");
   CHECK(runbook::event_json(back)["data"]["held_ms"] == 12'000);
}

TEST_CASE("journal outage: the live view holds a prominent line until the journal is back", "[live][outage]")
{
   constexpr double start = 1'700'000'000'000;
   runbook::LiveState s;
   s.apply(RunEvent{RunEvent::Kind::RunStarted, start, "", "run r1 started",
                    {{"run_id", "r1"}, {"title", "Rollout"}, {"time_scale", 1}}});
   s.apply(RunEvent{RunEvent::Kind::JournalUnreachable, start + 5000, "", "journal ... unreachable",
                    {{"journal", "postgresql://ann:***@db/runbook"},
                     {"reason", "server closed the connection unexpectedly"},
                     {"retry_for_ms", 300'000}}});
   // A later hold of the same outage (a write that gave up, the next one) keeps the first time.
   s.apply(RunEvent{RunEvent::Kind::JournalUnreachable, start + 9000, "", "journal ... unreachable",
                    {{"journal", "postgresql://ann:***@db/runbook"}, {"retry_for_ms", 300'000}}});
   runbook::LiveRenderOptions options;
   options.width = 200;
   auto lines = runbook::render_live_status(s, start + 17'000, options);
   REQUIRE(lines.size() >= 3);
   CHECK(lines[1] == "!! JOURNAL UNREACHABLE since " + runbook::clock_text(start + 5000) +
                         " (12s): holding before the next step, retrying until it is back (up to 5m00s)");
   CHECK(lines[2] == "   journal postgresql://ann:***@db/runbook: server closed the connection unexpectedly");

   // Colour: red, so that it stands out at 3 a.m.
   options.color = true;
   CHECK(runbook::render_live_status(s, start + 17'000, options)[1].rfind("\x1b[31;1m!! JOURNAL UNREACHABLE", 0) == 0);
   options.color = false;

   s.apply(RunEvent{RunEvent::Kind::JournalBack, start + 18'000, "", "journal ... is back", {{"held_ms", 13'000}}});
   CHECK_FALSE(s.journal_hold);
   for (const auto& line : runbook::render_live_status(s, start + 19'000, options))
      CHECK(line.find("JOURNAL") == std::string::npos);
}

TEST_CASE("journal outage: a PostgreSQL journal whose connection is cut tells its listener, password redacted",
          "[postgres][outage]")
{
   // Needs a server: tests/journal_postgres.test.sh names it in RUNBOOK_TEST_PG.
   const char* server = std::getenv("RUNBOOK_TEST_PG");
   if (server == nullptr || *server == '\0') return;
   runbook::journal_test_support::TestJournal pg("postgresql");
   // The test server trusts every local user: a password in the URL is
   // accepted and ignored, and must never be shown.
   std::string url = pg.spec();
   url.replace(url.find("user=runbook"), 12, "user=runbook&password=s3cret-pw");
   auto journal = runbook::open_journal(url);
   OutageListener listener;
   journal->set_listener(&listener);
   const std::string run = journal->create_run(runbook::journal_test_support::sample_run());
   CHECK(listener.heard.empty());

   // Every other connection to this database is cut, as a restart would.
   pg.raw("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
          "pg_backend_pid()");
   journal->record(run, "log", "", "{}", 1);
   journal->set_listener(nullptr);

   REQUIRE(listener.heard.size() == 2);
   CHECK(listener.heard[0].what == "unreachable");
   CHECK(listener.heard[1].what == "back");
   for (const auto& heard : listener.heard) {
      INFO(heard.outage.journal << " / " << heard.outage.reason);
      CHECK(heard.outage.journal.find("password=***") != std::string::npos);
      CHECK(heard.outage.journal.find("s3cret") == std::string::npos);
      CHECK(heard.outage.reason.find("s3cret") == std::string::npos);
   }
   CHECK(journal->events(run).back().kind == "log");   // The write went through once it was back.
}
