#include "common/bus/control.h"

#include <filesystem>

#include "bus/socket_setup.h"
#include "common/bus/endpoints.h"

namespace rrr::bus {
namespace {

zmq::socket_t makeRequester(zmq::context_t& context) {
  zmq::socket_t socket(context, zmq::socket_type::req);
  socket.set(zmq::sockopt::linger, 0);  // an unanswered request must not hold up exit
  return socket;
}

}  // namespace

BusResult<ControlServer> ControlServer::bind(zmq::context_t& context, const std::string& endpoint) {
  zmq::socket_t socket(context, zmq::socket_type::rep);
  // A reply sent just before shutdown ("stopping") still gets out.
  socket.set(zmq::sockopt::linger, 1000);
  if (auto status = detail::bindOwnerOnly(socket, endpoint); !status.ok()) return status.error();
  return ControlServer(std::move(socket));
}

bool ControlServer::serveOne(std::chrono::milliseconds timeout, const Handler& handler) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, timeout) == 0) return false;
  zmq::message_t request;
  if (!socket_.recv(request, zmq::recv_flags::dontwait)) return false;
  // REP is lock-step: every received frame gets exactly one reply, even for garbage requests.
  while (request.more()) {
    zmq::message_t extra;
    if (!socket_.recv(extra, zmq::recv_flags::dontwait)) break;
  }
  const auto reply = handler({static_cast<const std::byte*>(request.data()), request.size()});
  socket_.send(zmq::buffer(reply.data(), reply.size()), zmq::send_flags::none);
  return true;
}

BusResult<ControlClient> ControlClient::connect(zmq::context_t& context, const std::string& endpoint) {
  const auto path = ipcPath(endpoint);
  std::error_code ignored;
  if (!path.empty() && !std::filesystem::exists(path, ignored)) {
    return makeError(BusError::kConnectFailed,
                     "nothing is listening at '" + endpoint + "' (" + path.native() + " does not exist)");
  }
  auto socket = makeRequester(context);
  if (auto status = detail::connectTo(socket, endpoint); !status.ok()) return status.error();
  return ControlClient(context, endpoint, std::move(socket));
}

BusResult<std::vector<std::byte>> ControlClient::request(std::span<const std::byte> request,
                                                         std::chrono::milliseconds timeout) {
  try {
    socket_.send(zmq::buffer(request.data(), request.size()), zmq::send_flags::none);
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) {
      // REQ is lock-step; after a lost reply the only way on is a fresh socket.
      socket_ = makeRequester(*context_);
      socket_.connect(endpoint_);
      return makeError(BusError::kTimedOut,
                       "no reply from '" + endpoint_ + "' within " + std::to_string(timeout.count()) + " ms");
    }
    zmq::message_t reply;
    if (!socket_.recv(reply, zmq::recv_flags::dontwait)) {
      return makeError(BusError::kReceiveFailed, "reply from '" + endpoint_ + "' could not be read");
    }
    const auto* data = static_cast<const std::byte*>(reply.data());
    return std::vector<std::byte>(data, data + reply.size());
  } catch (const zmq::error_t& e) {
    return makeError(BusError::kSendFailed, "request to '" + endpoint_ + "' failed: " + e.what());
  }
}

}  // namespace rrr::bus
