// Loading a runbook with the modules it uses, from an in-memory file tree.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "syntax/loader.hpp"

using namespace runbook;

namespace {

struct Fixture {
   InMemorySources sources;
   LoadOptions options{{"lib/stdlib"}};
   Diagnostics diags;

   Program load(const std::string& path = "runbooks/main.rb") { return load_program(path, sources, options, diags); }
   std::string text() const { return render_text(diags); }
};

}  // namespace

TEST_CASE("stdlib and relative modules are found and keyed by name or alias", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "use \"std/traffic\"\nuse \"./shared/checks.rb\"\nuse \"std/notify\" as alert\n";
   f.sources.files["lib/stdlib/traffic.rb"] = "fn route(pct) {\n  log \"${pct}\"\n}\n";
   f.sources.files["lib/stdlib/notify.rb"] = "fn slack(text) {\n  log text\n}\n";
   f.sources.files["runbooks/shared/checks.rb"] = "use \"../common.rb\"\nfn healthy() {\n  return true\n}\n";
   f.sources.files["runbooks/common.rb"] = "fn nothing() {\n}\n";
   const Program program = f.load();
   INFO(f.text());
   CHECK_FALSE(f.diags.has_errors());
   REQUIRE(program.root != nullptr);
   CHECK(program.root->uses.size() == 3);
   REQUIRE(program.modules.size() == 4);
   CHECK(program.modules.at("traffic")->functions.at(0).name == "route");
   CHECK(program.modules.at("alert")->functions.at(0).name == "slack");
   CHECK(program.modules.at("checks")->functions.at(0).name == "healthy");
   CHECK(program.modules.at("common")->functions.at(0).name == "nothing");
   CHECK(program.module_paths.at("traffic") == "lib/stdlib/traffic.rb");
   CHECK(program.module_paths.at("checks") == "runbooks/shared/checks.rb");
   CHECK(program.module_paths.at("common") == "runbooks/common.rb");
   // Locations in a module name it as it was used.
   CHECK(program.modules.at("traffic")->source->path == "std/traffic.rb");
   CHECK(program.sources.size() == 5);
}

TEST_CASE("the first search path entry that has a module wins", "[syntax][loader]")
{
   Fixture f;
   f.options.search_path = {"first", "second"};
   f.sources.files["runbooks/main.rb"] = "use \"std/traffic\"\n";
   f.sources.files["second/traffic.rb"] = "fn second() {\n}\n";
   f.sources.files["first/traffic.rb"] = "fn first() {\n}\n";
   const Program program = f.load();
   CHECK(program.modules.at("traffic")->functions.at(0).name == "first");
}

TEST_CASE("a missing module is an error at its use, with a suggestion", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "runbook \"r\"\nuse \"std/trafic\"\nuse \"./nowhere.rb\"\n";
   f.sources.files["lib/stdlib/traffic.rb"] = "";
   const Program program = f.load();
   CHECK(f.text() ==
         "runbooks/main.rb:2:1: error: cannot find module 'std/trafic'\n"
         "use \"std/trafic\"\n"
         "^\n"
         "  note: looked in: lib/stdlib\n"
         "  note: did you mean 'std/traffic'?\n"
         "runbooks/main.rb:3:1: error: cannot find module './nowhere.rb'\n"
         "use \"./nowhere.rb\"\n"
         "^\n"
         "  note: looked for runbooks/nowhere.rb: a './' module is found next to the file that uses it "
         "(runbooks/main.rb)\n");
   CHECK(program.modules.empty());
   CHECK(f.diags.all()[0].code == "missing-module");
}

TEST_CASE("an import cycle is an error at the use that closes it", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "use \"std/a\"\n";
   f.sources.files["lib/stdlib/a.rb"] = "use \"std/b\"\n";
   f.sources.files["lib/stdlib/b.rb"] = "\nuse \"std/a\"\n";
   const Program program = f.load();
   CHECK(f.text() ==
         "std/b.rb:2:1: error: import cycle: 'std/a' is already being loaded\n"
         "use \"std/a\"\n"
         "^\n"
         "  note: the cycle: std/a.rb -> std/b.rb -> std/a.rb\n");
   CHECK(f.diags.all()[0].code == "import-cycle");
   CHECK(program.modules.size() == 2);
}

TEST_CASE("a runbook that uses itself is a cycle", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "use \"./main.rb\"\n";
   f.load();
   REQUIRE(f.diags.error_count() == 1);
   CHECK(f.diags.all()[0].notes[0] == "the cycle: runbooks/main.rb -> runbooks/main.rb");
}

TEST_CASE("shared modules load once, two modules under one name are an error", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "use \"std/a\"\nuse \"std/b\"\nuse \"./b.rb\"\n";
   f.sources.files["lib/stdlib/a.rb"] = "use \"std/b\"\n";
   f.sources.files["lib/stdlib/b.rb"] = "fn f() {\n}\n";
   f.sources.files["runbooks/b.rb"] = "fn g() {\n}\n";
   const Program program = f.load();
   REQUIRE(f.diags.error_count() == 1);
   CHECK(f.diags.all()[0].message == "two different modules are called 'b'");
   CHECK(f.diags.all()[0].loc.line == 3);
   CHECK(program.modules.size() == 2);
   CHECK(program.sources.size() == 3);
}

TEST_CASE("module paths must say where to look, syntax errors in modules are reported", "[syntax][loader]")
{
   Fixture f;
   f.sources.files["runbooks/main.rb"] = "use \"traffic\"\nuse \"std/broken\"\n";
   f.sources.files["lib/stdlib/broken.rb"] = "fn f( {\n}\n";
   const Program program = f.load();  // Diagnostics point into its sources.
   REQUIRE(f.diags.error_count() == 2);
   CHECK(f.diags.all()[0].message == "module paths start with 'std/' or './': 'traffic'");
   CHECK(f.diags.all()[1].loc.file->path == "std/broken.rb");
}

TEST_CASE("a runbook that cannot be read", "[syntax][loader]")
{
   Fixture f;
   const Program program = f.load("nope.rb");
   CHECK(f.text() == "runbook: error: cannot read 'nope.rb': no such file\n");
   REQUIRE(program.root != nullptr);
}

TEST_CASE("FileSystemSources reads files and lists directories", "[syntax][loader]")
{
   const auto dir = std::filesystem::temp_directory_path() / ("runbook-loader-test-" + std::to_string(::getpid()));
   std::filesystem::create_directories(dir / "stdlib");
   std::ofstream(dir / "main.rb") << "use \"std/traffic\"\n";
   std::ofstream(dir / "stdlib" / "traffic.rb") << "fn route() {\n}\n";
   FileSystemSources sources;
   Diagnostics diags;
   const Program program = load_program((dir / "main.rb").string(), sources, LoadOptions{{(dir / "stdlib").string()}}, diags);
   CHECK_FALSE(diags.has_errors());
   CHECK(program.modules.count("traffic") == 1);
   std::string text;
   CHECK_FALSE(sources.read((dir / "stdlib").string(), text));
   CHECK(sources.list((dir / "stdlib").string()) == std::vector<std::string>{"traffic.rb"});
   std::filesystem::remove_all(dir);
}

TEST_CASE("default search path: RUNBOOK_PATH first, then the stdlib next to the binary and in the source tree", "[syntax][loader]")
{
   const auto dir = std::filesystem::temp_directory_path() / ("runbook-path-test-" + std::to_string(::getpid()));
   std::filesystem::create_directories(dir / "one");
   std::filesystem::create_directories(dir / "two");
   const std::string value = (dir / "one").string() + "::" + (dir / "two").string() + "/:" + (dir / "missing").string();
   ::setenv("RUNBOOK_PATH", value.c_str(), 1);
   const auto path = default_search_path();
   ::unsetenv("RUNBOOK_PATH");
   REQUIRE(path.size() >= 2);
   CHECK(path[0] == (dir / "one").string());
   CHECK(path[1] == (dir / "two").string());
   for (const auto& entry : path) CHECK(std::filesystem::is_directory(entry));
   std::filesystem::remove_all(dir);
}
