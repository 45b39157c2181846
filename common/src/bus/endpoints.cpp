#include "common/bus/endpoints.h"

namespace rrr::bus {

BusResult<std::string> ipcEndpoint(const std::filesystem::path& run_dir, std::string_view name) {
  const auto path = std::filesystem::absolute(run_dir) / (std::string(name) + ".sock");
  if (path.native().size() > kMaxIpcPath) {
    return makeError(BusError::kInvalidEndpoint,
                     "socket path '" + path.native() + "' is " + std::to_string(path.native().size()) +
                         " bytes, longer than the " + std::to_string(kMaxIpcPath) +
                         " a Unix socket allows; use a shorter run directory");
  }
  return "ipc://" + path.native();
}

std::filesystem::path ipcPath(std::string_view endpoint) {
  constexpr std::string_view kScheme = "ipc://";
  if (endpoint.substr(0, kScheme.size()) != kScheme) return {};
  return std::filesystem::path(std::string(endpoint.substr(kScheme.size())));
}

}  // namespace rrr::bus
