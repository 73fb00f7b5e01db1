// bench_parse: parser throughput on a large generated runbook.
//
//   bench_parse [MEGABYTES]      (default 20)
//
// The runbook repeats a realistic mix of declarations and steps (metrics,
// triggers, phases with loops, HTTP calls with headers and bodies, watches,
// checklists) with distinct names, until it reaches the requested size. The
// figure printed is the best of three parses, in MB/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "syntax/parser.hpp"

namespace {

std::string generate(std::size_t bytes)
{
   std::string text = "runbook \"Generated rollout\"\n\nuse \"std/traffic\"\n\n"
                      "param api: string = \"https://api.example.com\"\n"
                      "param soak: duration = 30m\n"
                      "secret token = env(\"LB_TOKEN\")\n\n";
   for (std::size_t i = 0; text.size() < bytes; ++i) {
      const std::string n = std::to_string(i);
      text += "metric errors_" + n + " = http get \"${api}/metrics/errors/" + n + "\" json \".data.value\" unit %\n";
      text += "metric p99_" + n + " = prometheus \"${api}\" query 'histogram_quantile(0.99, rate(h_" + n +
              "_bucket[5m]))' unit s timeout 5s\n";
      text += "trigger high_" + n + " \"High error rate " + n + "\" when errors_" + n +
              " > 1% for 5m severity P0 -> rollback back_" + n + "\n";
      text += "warning slow_" + n + " when p99_" + n + " > 200ms for 10m -> notify \"p99 of " + n + " is high\"\n\n";
      text += "phase \"Canary " + n + "\" arms high_" + n + ", slow_" + n + " {\n"
              "  checklist \"Before " + n + "\" {\n"
              "    - \"Deploy build " + n + " to staging\"\n"
              "    - \"Run the smoke tests\"\n"
              "  }\n"
              "  sh \"./deploy.sh --build " + n + "\" timeout 20m retry 2 every 30s as deploy\n"
              "  for pct in [1, 5, 10, 25, 50] {\n"
              "    http post \"${api}/traffic\" header \"Authorization\" = \"Bearer ${token}\"\n"
              "         body {\"environment\": \"green\", \"percentage\": pct, \"build\": " + n + "}\n"
              "         expect status 200, json \".ok\" == true\n"
              "    watch (pct >= 25 ? 1h : soak) every 30s {\n"
              "      errors_" + n + " < 0.1% after 3 failures\n"
              "      p99_" + n + " < 100ms for 2m\n"
              "    }\n"
              "    log \"routed ${pct}% of traffic to green (build " + n + ")\"\n"
              "  }\n"
              "  if deploy.exit_code != 0 and not forced { abort \"deploy failed\" } else { notify \"build " + n + " live\" }\n"
              "  await http get \"${api}/health\" json \".status\" == \"ok\" timeout 2m every 5s\n"
              "}\n\n"
              "rollback back_" + n + " {\n"
              "  traffic.route(api, token, \"blue\", 100)\n"
              "  undo all\n"
              "}\n\n";
   }
   return text;
}

}  // namespace

int main(int argc, char** argv)
{
   const double megabytes = argc > 1 ? std::atof(argv[1]) : 20;
   const runbook::SourceFile source{"generated.rb", generate(static_cast<std::size_t>(megabytes * 1e6))};
   double best = 1e9;
   for (int run = 0; run < 3; ++run) {
      runbook::Diagnostics diags;
      const auto start = std::chrono::steady_clock::now();
      auto file = runbook::parse_file(source, diags);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::min(best, seconds);
      if (diags.has_errors()) {
         std::fputs(runbook::render_text(diags).c_str(), stderr);
         return 1;
      }
   }
   std::printf("parse: %.1f MB in %.3f s = %.1f MB/s\n", static_cast<double>(source.text.size()) / 1e6, best,
               static_cast<double>(source.text.size()) / 1e6 / best);
   return 0;
}
