#include "system_probe.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/bus/control.h"
#include "common/bus/endpoints.h"
#include "common/messages/envelope.h"

namespace rrr::bench {
namespace {

std::uint64_t fieldKb(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::stoull(line.substr(key.size()));
  }
  return 0;
}

std::optional<std::vector<std::byte>> request(const std::filesystem::path& run_dir, msg::ControlCommand command,
                                              const std::string& target) {
  zmq::context_t context;
  auto client = bus::ControlClient::connect(context, bus::ipcEndpoint(run_dir, "control").value());
  if (!client.ok()) return std::nullopt;
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto body = msg::CreateControlRequest(fbb, command, fbb.CreateString(target));
  auto reply = client->request(builder.finish(messages::EnvelopeHeader{"bench", 0, messages::wallClockNs(), 0}, body),
                               std::chrono::milliseconds(5000));
  if (!reply.ok()) return std::nullopt;
  return std::move(reply).value();
}

}  // namespace

ProcessFigures figuresOf(pid_t pid) {
  ProcessFigures figures;
  const std::string proc = "/proc/" + std::to_string(pid);
  figures.rss_kb = fieldKb(proc + "/status", "VmRSS:");
  figures.pss_kb = fieldKb(proc + "/smaps_rollup", "Pss:");
  std::ifstream stat(proc + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close_paren = text.rfind(')');
  if (close_paren != std::string::npos) {
    std::istringstream fields(text.substr(close_paren + 2));
    std::string field;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
      if (index == 14 || index == 15) figures.cpu_ticks += std::stoull(field);
    }
  }
  return figures;
}

std::optional<std::vector<ProcessView>> supervisorStatus(const std::filesystem::path& run_dir) {
  const auto bytes = request(run_dir, msg::ControlCommand::Status, "");
  if (!bytes) return std::nullopt;
  const auto decoded = messages::decode(*bytes);
  if (!decoded.ok() || decoded.value()->body_as_ControlReply() == nullptr) return std::nullopt;
  std::vector<ProcessView> views;
  const auto* processes = decoded.value()->body_as_ControlReply()->processes();
  if (processes == nullptr) return views;
  for (const auto* process : *processes) {
    ProcessView view{process->name()->str(), process->pid(), msg::EnumNameProcessState(process->state()), 0};
    if (process->ring_lags() != nullptr) {
      for (const auto* lag : *process->ring_lags()) view.total_lag += lag->lag();
    }
    views.push_back(view);
  }
  return views;
}

bool supervisorCommand(const std::filesystem::path& run_dir, const std::string& verb, const std::string& target) {
  const auto command = verb == "restart" ? msg::ControlCommand::Restart : msg::ControlCommand::Stop;
  return request(run_dir, command, target).has_value();
}

}  // namespace rrr::bench
