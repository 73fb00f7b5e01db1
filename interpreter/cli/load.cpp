#include "cli/load.hpp"

#include <nlohmann/json.hpp>

namespace runbook::cli {

void add_load_flags(CLI::App* cmd, LoadFlags& flags)
{
   cmd->add_option("-p,--param", flags.params, "Give a param its value: -p name=value (repeatable)")
       ->type_name("NAME=VALUE");
   cmd->add_option("--params", flags.params_file, "Read param values from a profile of `name = value` lines; -p wins")
       ->type_name("FILE");
   add_stdlib_flag(cmd, flags.stdlib_dirs);
}

void add_stdlib_flag(CLI::App* cmd, std::vector<std::string>& dirs)
{
   cmd->add_option("--stdlib", dirs, "Also look for 'use'd modules in DIR (repeatable)")->type_name("DIR");
}

void add_journal_flag(CLI::App* cmd, std::string& journal, const char* help)
{
   cmd->add_option("--journal", journal, help)->type_name("PATH");
}

SourceRequest source_request(const std::string& path, const LoadFlags& flags, const CheckOptions& options)
{
   SourceRequest request;
   request.path = path;
   request.stdlib_dirs = flags.stdlib_dirs;
   request.params_file = flags.params_file;
   request.params = flags.params;
   request.check = options;
   return request;
}

std::vector<std::string> journaled_param_flags(const RunInfo& run)
{
   std::vector<std::string> flags;
   nlohmann::json params = nlohmann::json::parse(run.params_json.empty() ? "{}" : run.params_json, nullptr, false);
   if (params.is_object())
      for (const auto& [name, value] : params.items())
         flags.push_back(name + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
   return flags;
}

}  // namespace runbook::cli
