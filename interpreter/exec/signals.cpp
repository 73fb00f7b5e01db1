#include "exec/signals.hpp"

#include <nlohmann/json.hpp>

namespace runbook {

bool SignalBoard::give(const std::string& name, const std::string& who, TimeMs at)
{
   return given_.emplace(name, GivenSignal{who, at}).second;
}

void SignalBoard::note(const JournalEvent& event)
{
   if (event.kind != "signal") return;
   const auto data = nlohmann::json::parse(event.data_json, nullptr, false);
   if (!data.is_object() || !data.contains("signal")) return;
   give(data.value("signal", ""), data.value("who", ""), event.at);
}

}  // namespace runbook
