#pragma once
// Where the bus's sockets live. Every endpoint of a run is an ipc:// socket file inside the run
// directory, which the supervisor creates owner-only (0700); endpoints elsewhere (tcp://) are
// accepted as given so that a tap or monitor can run on another host.

#include <filesystem>
#include <string>
#include <string_view>

#include "common/bus/bus_types.h"

namespace rrr::bus {

// Longest ipc:// path: sockaddr_un.sun_path is 108 bytes with the terminating NUL.
inline constexpr std::size_t kMaxIpcPath = 107;

// "ipc://<run_dir>/<name>.sock"; kInvalidEndpoint if the path is too long for a Unix socket.
BusResult<std::string> ipcEndpoint(const std::filesystem::path& run_dir, std::string_view name);

// The socket file of an ipc:// endpoint, or empty for other transports.
std::filesystem::path ipcPath(std::string_view endpoint);

}  // namespace rrr::bus
