// The checker's "did you mean" note: did_you_mean() of syntax/suggest.hpp, the
// one edit-distance matcher of the project (kept as a header so the checker's
// includes need not change).
#pragma once

#include "syntax/suggest.hpp"
