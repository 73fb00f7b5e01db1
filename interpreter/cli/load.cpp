#include "cli/load.hpp"

#include "check/params.hpp"

namespace runbook::cli {

void add_params_file_flag(CLI::App* cmd, std::string& file)
{
   cmd->add_option("--params", file, "Read param values from a profile of `name = value` lines; -p wins")
       ->type_name("FILE");
}

void add_load_flags(CLI::App* cmd, LoadFlags& flags)
{
   cmd->add_option("-p,--param", flags.params, "Give a param its value: -p name=value (repeatable)")
       ->type_name("NAME=VALUE");
   add_params_file_flag(cmd, flags.params_file);
   cmd->add_option("--stdlib", flags.stdlib_dirs, "Also look for 'use'd modules in DIR (repeatable)")
       ->type_name("DIR");
}

LoadedRunbook load_and_check(const std::string& path, const LoadFlags& flags, const CheckOptions& options)
{
   LoadedRunbook loaded;
   LoadOptions load_options;
   load_options.search_path = default_search_path();
   for (const auto& dir : flags.stdlib_dirs) load_options.search_path.push_back(dir);
   FileSystemSources sources;
   loaded.program = load_program(path, sources, load_options, loaded.diags);
   if (!loaded.program.root) {
      loaded.diags.sort();
      return loaded;
   }
   std::vector<std::string> params;
   if (!flags.params_file.empty() && !params_file_flags(loaded.program, flags.params_file, params, loaded.usage_error))
      return loaded;
   params.insert(params.end(), flags.params.begin(), flags.params.end());
   if (!apply_param_flags(loaded.program, params, loaded.usage_error, &loaded.given_params)) return loaded;
   // After a syntax error the tree lacks whatever did not parse, and checking
   // it would report every use of a dropped declaration as undefined: show
   // the syntax errors alone, the semantic ones come once the file parses.
   if (loaded.diags.has_errors()) return loaded;
   check_program(loaded.program, loaded.diags, options);
   return loaded;
}

}  // namespace runbook::cli
