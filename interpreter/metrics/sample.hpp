// A metric sample: a value or an error, never a silent default.
#pragma once

#include <string>

namespace runbook {

struct Sample {
   bool ok = false;
   double value = 0;         ///< In the metric's unit base (ms, %, bytes, plain) when ok.
   std::string error;        ///< When !ok: "no data: empty Prometheus vector", "HTTP 503", ...
   double at = 0;            ///< Runbook time it was taken.

   static Sample of(double v, double at) { return Sample{true, v, {}, at}; }
   static Sample failed(std::string why, double at) { return Sample{false, 0, std::move(why), at}; }
};

}  // namespace runbook
