#pragma once
// The parameters after the colon of an indicator or feature name ("macd:12,26,9"), shared by
// indicator_spec.cpp and feature_set.cpp. `what` names the whole spec in errors.

#include <cstddef>
#include <string>
#include <vector>

#include "common/result.h"

namespace rrr::features {

// "12,26,9" -> {12, 26, 9}; "" -> {}.
Result<std::vector<double>, std::string> parameterList(const std::string& what, const std::string& list);

// A period: a whole number from 1 to 100000.
Result<std::size_t, std::string> periodOf(const std::string& what, double value);

}  // namespace rrr::features
