#pragma once
// Socket creation shared by the tap and control sockets.

#include <string>

#include <zmq.hpp>

#include "common/bus/bus_types.h"

namespace rrr::bus::detail {

// Binds socket at endpoint; for ipc:// removes a stale socket file first and makes the new one
// owner-only. The error names the endpoint and ZeroMQ's reason.
BusStatus bindOwnerOnly(zmq::socket_t& socket, const std::string& endpoint);

BusStatus connectTo(zmq::socket_t& socket, const std::string& endpoint);

}  // namespace rrr::bus::detail
