#pragma once
// Control: ZeroMQ REQ/REP for requests to the supervisor (and other control points). Each request
// and reply is one frame holding a FlatBuffers Envelope (ControlRequest / ControlReply). The
// server verifies requests itself; this layer moves bytes and enforces deadlines.

#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "common/bus/bus_types.h"

namespace rrr::bus {

class ControlServer {
 public:
  using Handler = std::function<std::vector<std::byte>(std::span<const std::byte> request)>;

  // Binds a REP socket; an ipc:// socket file is made owner-only (0600).
  static BusResult<ControlServer> bind(zmq::context_t& context, const std::string& endpoint);

  // Waits up to timeout for one request and answers it with handler's bytes. True if one was served.
  bool serveOne(std::chrono::milliseconds timeout, const Handler& handler);

  // For polling several sockets in one loop.
  zmq::socket_t& socket() { return socket_; }

 private:
  explicit ControlServer(zmq::socket_t socket) : socket_(std::move(socket)) {}
  zmq::socket_t socket_;
};

class ControlClient {
 public:
  // For ipc:// endpoints, kConnectFailed naming the socket file when it does not exist (nothing
  // is serving there), instead of a request that waits out its timeout.
  static BusResult<ControlClient> connect(zmq::context_t& context, const std::string& endpoint);

  // Sends request and waits up to timeout for the reply. On kTimedOut the socket is replaced, so
  // the client stays usable.
  BusResult<std::vector<std::byte>> request(std::span<const std::byte> request, std::chrono::milliseconds timeout);

 private:
  ControlClient(zmq::context_t& context, std::string endpoint, zmq::socket_t socket)
      : context_(&context), endpoint_(std::move(endpoint)), socket_(std::move(socket)) {}
  zmq::context_t* context_;
  std::string endpoint_;
  zmq::socket_t socket_;
};

}  // namespace rrr::bus
