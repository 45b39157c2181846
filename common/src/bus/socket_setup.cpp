#include "bus/socket_setup.h"

#include <filesystem>

#include "common/bus/endpoints.h"

namespace rrr::bus::detail {

BusStatus bindOwnerOnly(zmq::socket_t& socket, const std::string& endpoint) {
  const auto path = ipcPath(endpoint);
  if (!path.empty() && path.native().size() > kMaxIpcPath) {
    return makeError(BusError::kInvalidEndpoint, "ipc path of '" + endpoint + "' is longer than " +
                                                     std::to_string(kMaxIpcPath) + " bytes");
  }
  std::error_code ignored;
  // A socket file left by a killed process would make bind fail; the run directory's lock file
  // (held by the supervisor) is what guards against two live owners, not this file.
  if (!path.empty()) std::filesystem::remove(path, ignored);
  try {
    socket.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return makeError(BusError::kBindFailed, "cannot bind '" + endpoint + "': " + e.what());
  }
  if (!path.empty()) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ignored);
    if (ignored) {
      return makeError(BusError::kBindFailed, "cannot make '" + path.native() + "' owner-only: " + ignored.message());
    }
  }
  return {};
}

BusStatus connectTo(zmq::socket_t& socket, const std::string& endpoint) {
  try {
    socket.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return makeError(BusError::kConnectFailed, "cannot connect to '" + endpoint + "': " + e.what());
  }
  return {};
}

}  // namespace rrr::bus::detail
