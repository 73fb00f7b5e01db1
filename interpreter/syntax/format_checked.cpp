#include "syntax/format.hpp"
#include "syntax/parser.hpp"

namespace runbook {

CheckedFormat format_checked(const SourceFile& source, Diagnostics& diags)
{
   (void)parse_file(source, diags);
   if (diags.has_errors()) return {CheckedFormat::Status::DoesNotParse, {}};
   std::string formatted = format_source(source.text);
   if (formatted != source.text && dump_syntax_tree(SourceFile{source.path, formatted}) != dump_syntax_tree(source)) {
      return {CheckedFormat::Status::WouldChangeMeaning, {}};
   }
   return {CheckedFormat::Status::Formatted, std::move(formatted)};
}

}  // namespace runbook
