// A trigger's severity as the language spells it: the plan, the run's output
// and the journal all say "P0".."P3".
#pragma once

#include "syntax/ast.hpp"

namespace runbook {

inline const char* severity_name(ast::Severity severity)
{
   switch (severity) {
   case ast::Severity::P0: return "P0";
   case ast::Severity::P1: return "P1";
   case ast::Severity::P2: return "P2";
   case ast::Severity::P3: return "P3";
   }
   return "P0";
}

}  // namespace runbook
