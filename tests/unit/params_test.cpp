// -p name=value: parsed by the param's type, errors name the flag.
#include <catch2/catch.hpp>

#include "check/params.hpp"
#include "check/signature.hpp"
#include "syntax/loader.hpp"

using namespace runbook;

namespace {

Program load(const std::string& text)
{
   InMemorySources sources;
   sources.files["main.rb"] = text;
   Diagnostics diags;
   Program program = load_program("main.rb", sources, LoadOptions{}, diags);
   REQUIRE_FALSE(diags.has_errors());
   return program;
}

const std::string runbook_text = R"(runbook "params"
param soak: duration = 30m
param steps = [1, 5]
param api = "http://x"
param version: string
secret token = env("TOKEN")
phase "A" {
  wait soak
}
)";

std::string apply(Program& program, std::vector<std::string> flags, std::set<std::string>* given = nullptr)
{
   std::string error;
   if (apply_param_flags(program, flags, error, given)) return "";
   return error;
}

}  // namespace

TEST_CASE("param flags replace defaults with values of the param's type", "[check][params]")
{
   Program program = load(runbook_text);
   std::set<std::string> given;
   CHECK(apply(program, {"soak=5m", "steps=[10, 20]", "version=v3.0.1", "api=http://127.0.0.1:9"}, &given).empty());
   const auto& params = program.root->params;
   CHECK(expr_source(*params[0].default_value) == "5m");
   CHECK(expr_source(*params[1].default_value) == "[10, 20]");
   CHECK(expr_source(*params[2].default_value) == "\"http://127.0.0.1:9\"");
   CHECK(expr_source(*params[3].default_value) == "\"v3.0.1\"");
   CHECK(given == std::set<std::string>{"api", "soak", "steps", "version"});
   // Nodes point at the declaration, not at the flag's (gone) text.
   CHECK(params[1].default_value->loc.line == 3);
}

TEST_CASE("bad param flags are usage errors that name the flag", "[check][params]")
{
   Program program = load(runbook_text);
   CHECK(apply(program, {"soak"}) == "-p soak: expected name=value, e.g. -p soak=5m");
   CHECK(apply(program, {"=5m"}) == "-p =5m: expected name=value, e.g. -p soak=5m");
   CHECK(apply(program, {"sok=5m"}) == "-p sok=5m: the runbook has no param 'sok' (did you mean 'soak'?)");
   CHECK(apply(program, {"token=abc"}) ==
         "-p token=abc: 'token' is a secret; secrets are read from the environment, never from -p");
   const std::string wrong_type = apply(program, {"soak=banana"});
   CHECK(wrong_type.rfind("-p soak=banana: expected a duration", 0) == 0);
}
