#include <nlohmann/json.hpp>

#include <cstdio>

#include "common/bus/control.h"
#include "common/bus/endpoints.h"
#include "common/messages/envelope.h"
#include "supervisor/commands.h"
#include "risk/switch_confirmation.h"
#include "supervisor/config.h"
#include "run_lock.h"

#include <thread>

namespace rrr::supervisor {
namespace {

constexpr auto kReplyTimeout = std::chrono::seconds(10);

struct Reply {
  std::vector<std::byte> bytes;
  const msg::ControlReply* body = nullptr;
};

std::optional<SupervisorConfig> loadOrSay(const CommandOptions& options) {
  auto config = loadConfig(options.config_path, options.self_dir);
  if (!config.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", config.error().message.c_str());
    return std::nullopt;
  }
  return std::move(config).value();
}

// Sends one request to the supervisor of the config's run directory. Prints why on failure.
std::optional<Reply> request(const std::optional<SupervisorConfig>& config, msg::ControlCommand command,
                             const std::string& target) {
  if (!config) return std::nullopt;
  zmq::context_t context;
  auto client = bus::ControlClient::connect(context, bus::ipcEndpoint(config->run_dir, "control").value());
  if (!client.ok()) {
    std::fprintf(stderr, "rrr-supervisor: no supervisor is running for %s (%s)\n", config->config_path.c_str(),
                 client.error().message.c_str());
    return std::nullopt;
  }
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateControlRequest(fbb, command, fbb.CreateString(target));
  auto bytes = client->request(builder.finish(messages::EnvelopeHeader{"rrr-supervisor-cli", 0, messages::wallClockNs(), 0}, body),
                               std::chrono::duration_cast<std::chrono::milliseconds>(kReplyTimeout));
  if (!bytes.ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", bytes.error().message.c_str());
    return std::nullopt;
  }
  Reply reply{std::move(bytes).value(), nullptr};
  auto decoded = messages::decode(reply.bytes);
  if (!decoded.ok() || decoded.value()->body_as_ControlReply() == nullptr) {
    std::fprintf(stderr, "rrr-supervisor: unreadable reply: %s\n", decoded.ok() ? "not a ControlReply" : decoded.error().message.c_str());
    return std::nullopt;
  }
  reply.body = decoded.value()->body_as_ControlReply();
  if (!reply.body->ok()) {
    std::fprintf(stderr, "rrr-supervisor: %s\n", reply.body->error()->c_str());
    return std::nullopt;
  }
  return reply;
}

std::string lagsText(const msg::ProcessStatus& status) {
  std::string text;
  if (status.ring_lags() == nullptr) return "-";
  for (const auto* lag : *status.ring_lags()) {
    text += (text.empty() ? "" : ",") + lag->ring()->str() + ":" + std::to_string(lag->lag());
  }
  if (status.event_lag_ns() > 0) text += (text.empty() ? "" : ",") + std::string("event:") + std::to_string(status.event_lag_ns() / 1'000'000) + "ms";
  return text.empty() ? "-" : text;
}

std::string duration(long long milliseconds) {
  if (milliseconds < 0) return "-";
  if (milliseconds < 10'000) return std::to_string(milliseconds) + "ms";
  if (milliseconds < 3'600'000) return std::to_string(milliseconds / 1000) + "s";
  return std::to_string(milliseconds / 3'600'000) + "h" + std::to_string(milliseconds / 60'000 % 60) + "m";
}

nlohmann::json toJson(const msg::ProcessStatus& status) {
  nlohmann::json lags = nlohmann::json::array();
  if (status.ring_lags() != nullptr) {
    for (const auto* lag : *status.ring_lags()) lags.push_back({{"ring", lag->ring()->str()}, {"lag", lag->lag()}, {"gaps", lag->gaps()}, {"uncommitted", lag->uncommitted()}});
  }
  return {{"name", status.name()->str()},          {"pid", status.pid()},
          {"state", msg::EnumNameProcessState(status.state())}, {"uptime_ms", status.uptime_ms()},
          {"restarts", status.restarts()},          {"last_exit", status.last_exit() ? status.last_exit()->str() : ""},
          {"heartbeat_age_ms", status.heartbeat_age_ms()}, {"ring_lag", lags},
          {"event_lag_ms", status.event_lag_ns() / 1'000'000},
          {"scheduling", status.scheduling() ? status.scheduling()->str() : "-"}};
}

}  // namespace

int statusCommand(const CommandOptions& options, const std::string& name, bool json) {
  const auto reply = request(loadOrSay(options), msg::ControlCommand::Status, name);
  if (!reply) return 1;
  const auto* processes = reply->body->processes();
  if (json) {
    nlohmann::json document = nlohmann::json::array();
    if (processes != nullptr) {
      for (const auto* status : *processes) document.push_back(toJson(*status));
    }
    std::printf("%s\n", document.dump(2).c_str());
    return 0;
  }
  std::printf("%-10s %-9s %8s %8s %8s %9s %-16s %-28s %s\n", "NAME", "STATE", "PID", "UPTIME", "RESTARTS", "HEARTBEAT", "SCHED", "LAG",
              "LAST EXIT");
  if (processes == nullptr) return 0;
  for (const auto* status : *processes) {
    std::printf("%-10s %-9s %8d %8s %8u %9s %-16s %-28s %s\n", status->name()->c_str(), msg::EnumNameProcessState(status->state()),
                status->pid(), duration(status->uptime_ms()).c_str(), status->restarts(),
                duration(status->heartbeat_age_ms()).c_str(), status->scheduling() ? status->scheduling()->c_str() : "-",
                lagsText(*status).c_str(),
                status->last_exit() != nullptr && status->last_exit()->size() > 0 ? status->last_exit()->c_str() : "-");
  }
  if (name.empty() && reply->body->idle_cores() != nullptr && reply->body->idle_cores()->size() > 0) {
    std::printf("idle cores: %s\n", reply->body->idle_cores()->c_str());
  }
  return 0;
}

int controlCommand(const CommandOptions& options, const std::string& verb, const std::string& name) {
  const auto command = verb == "restart"        ? msg::ControlCommand::Restart
                       : verb == "stop"           ? msg::ControlCommand::Stop
                       : verb == "reset"          ? msg::ControlCommand::Reset
                                                  : msg::ControlCommand::Reload;
  const auto config = loadOrSay(options);
  const auto reply = request(config, command, name);
  if (!reply) return 1;
  if (reply->body->text() != nullptr) std::printf("%s\n", reply->body->text()->c_str());
  if (command == msg::ControlCommand::Stop && name.empty()) {
    // Returns once the supervisor has stopped everything and exited.
    std::chrono::milliseconds budget{5000};
    for (const auto& spec : config->processes) budget += spec.stop_timeout;
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (RunLock::runningSupervisor(config->run_dir) != 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "rrr-supervisor: still stopping after %lld ms\n", static_cast<long long>(budget.count()));
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::printf("stopped\n");
  }
  return 0;
}

int killSwitchCommand(const CommandOptions& options, bool on, std::chrono::milliseconds wait) {
  const auto config = loadOrSay(options);
  const auto reply = request(config, on ? msg::ControlCommand::KillSwitchOn : msg::ControlCommand::KillSwitchOff, "");
  if (!reply) return 1;
  if (reply->body->text() != nullptr) std::printf("%s\n", reply->body->text()->c_str());
  std::fflush(stdout);
  return risk::awaitKillSwitch(risk::RiskSwitches(config->data_dir / "risk"), on, wait);
}

int rearmCommand(const CommandOptions& options, std::chrono::milliseconds wait) {
  const auto config = loadOrSay(options);
  if (!config) return 2;
  const risk::RiskSwitches switches(config->data_dir / "risk");
  const bool halted = switches.halted();
  const auto reply = request(config, msg::ControlCommand::Rearm, "");
  if (!reply) return 1;
  if (reply->body->text() != nullptr) std::printf("%s\n", reply->body->text()->c_str());
  std::fflush(stdout);
  if (!halted) return 0;
  return risk::awaitRearm(switches, switches.read().rearms, wait);
}

}  // namespace rrr::supervisor
