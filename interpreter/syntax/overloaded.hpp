#pragma once

namespace runbook {

/// The usual visitor of a std::variant made of lambdas, one per alternative:
///   std::visit(overloaded{[](const A&) {...}, [](const B&) {...}}, v);
template <class... Ts> struct overloaded : Ts... { using Ts::operator()...; };
template <class... Ts> overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace runbook
