// The keywords completion offers: those that begin a declaration or a step,
// and the words of their clauses most often typed. Every one is a keyword of
// syntax/grammar.hpp (tests/lsp.test.sh checks).
#pragma once

namespace runbook::lsp {

inline constexpr const char* completion_keywords[] = {
    // Declarations.
    "runbook", "use", "param", "secret", "metric", "trigger", "warning", "signal", "fn", "phase", "rollback",
    "ensure", "lock",
    // Steps.
    "sh", "http", "checklist", "approve", "ask", "wait", "watch", "await", "assert", "abort", "log", "notify", "let",
    "if", "else", "for", "return", "undo", "after",
    // Clauses.
    "when", "severity", "grace", "every", "arms", "timeout", "retry", "idempotent", "expect", "on", "fail", "stop",
    "soft", "finally", "unless", "within", "manual", "decide", "default", "unit", "json", "prometheus", "query",
    "header", "body", "status", "exit", "consecutive", "lost", "pause", "true", "false", "and", "or", "not",
};

}  // namespace runbook::lsp
