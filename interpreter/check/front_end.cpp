#include "check/front_end.hpp"

#include "check/params.hpp"

namespace runbook {

namespace {

Program load_source(const SourceRequest& request, Diagnostics& diags)
{
   LoadOptions options;
   options.search_path = default_search_path();
   for (const auto& dir : request.stdlib_dirs) options.search_path.push_back(dir);
   if (request.provider != nullptr && request.journaled.empty())
      return load_program(request.path, *request.provider, options, diags);
   if (request.journaled.empty()) {
      FileSystemSources files;
      return load_program(request.path, files, options, diags);
   }
   InMemorySources memory;
   memory.files = request.journaled;
   return load_program(request.path, memory, options, diags);
}

}  // namespace

CheckedProgram load_and_check(const SourceRequest& request)
{
   CheckedProgram checked;
   checked.program = load_source(request, checked.diags);
   if (!checked.program.root) {
      checked.diags.sort();
      return checked;
   }
   std::vector<std::string>& flags = checked.param_flags;
   flags = request.base_params;
   if (!request.params_file.empty() &&
       !params_file_flags(checked.program, request.params_file, flags, checked.usage_error))
      return checked;
   flags.insert(flags.end(), request.params.begin(), request.params.end());
   if (!apply_param_flags(checked.program, flags, checked.usage_error, &checked.given_params)) return checked;
   if (checked.diags.has_errors()) return checked;
   check_program(checked.program, checked.diags, request.check);
   checked.checked = true;
   return checked;
}

std::pair<std::string, std::string> split_param_flag(const std::string& flag)
{
   const auto eq = flag.find('=');
   if (eq == std::string::npos) return {flag, ""};
   return {flag.substr(0, eq), flag.substr(eq + 1)};
}

}  // namespace runbook
