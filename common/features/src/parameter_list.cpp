#include "parameter_list.h"

#include <charconv>
#include <sstream>

namespace rrr::features {

Result<std::vector<double>, std::string> parameterList(const std::string& what, const std::string& list) {
  std::vector<double> numbers;
  std::size_t start = 0;
  while (!list.empty() && start <= list.size()) {
    const auto end = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, end - start);
    double value = 0;
    const auto [ptr, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || error != std::errc() || ptr != item.data() + item.size()) {
      return makeError(what + ": '" + item + "' is not a number");
    }
    numbers.push_back(value);
    start = end + 1;
  }
  return numbers;
}

Result<std::size_t, std::string> periodOf(const std::string& what, double value) {
  if (value < 1 || value > 100000 || value != static_cast<double>(static_cast<std::size_t>(value))) {
    std::ostringstream shown;
    shown << value;
    return makeError(what + ": a period must be a whole number from 1 to 100000, not " + shown.str());
  }
  return static_cast<std::size_t>(value);
}

}  // namespace rrr::features
