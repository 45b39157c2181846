#include "tap_session.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "common/bus/tap.h"
#include "common/messages/inbound_gate.h"
#include "common/messages/message_json.h"

namespace rrr::tap {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void onSignal(int) { g_stop.store(true); }

// Every tap-*.sock of the run directory not yet in `known`.
std::vector<std::string> newTapSockets(const std::filesystem::path& run_dir, std::set<std::string>& known) {
  std::vector<std::string> found;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ignored)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("tap-", 0) != 0 || entry.path().extension() != ".sock") continue;
    const auto endpoint = "ipc://" + entry.path().string();
    if (known.insert(endpoint).second) found.push_back(endpoint);
  }
  return found;
}

struct TopicCounts {
  std::uint64_t received = 0;
  std::uint64_t missed = 0;
};

void printStats(std::map<std::string, TopicCounts>& counts, double seconds) {
  std::string line;
  for (const auto& [topic, count] : counts) {
    char text[128];
    std::snprintf(text, sizeof(text), "%s%s %.1f/s", line.empty() ? "" : "  ", topic.c_str(), static_cast<double>(count.received) / seconds);
    line += text;
    if (count.missed > 0) {
      std::snprintf(text, sizeof(text), " (%llu missed)", static_cast<unsigned long long>(count.missed));
      line += text;
    }
  }
  std::printf("%s\n", line.empty() ? "(no messages)" : line.c_str());
  std::fflush(stdout);
  counts.clear();
}

// On stderr, so that the JSON lines on stdout stay parseable.
void reportMissed(const bus::TapFrame& frame, const msg::Envelope* envelope) {
  const std::string source = envelope != nullptr ? envelope->source()->str() : "an unreadable publisher";
  std::fprintf(stderr, "rrr-tap: missed %llu %s messages from %s before this one (tap sequence %llu to %llu): dropped at a high-water "
               "mark; the tap is lossy, the rings and the database are not\n",
               static_cast<unsigned long long>(frame.missed_before), frame.topic.c_str(), source.c_str(),
               static_cast<unsigned long long>(frame.tap_sequence - frame.missed_before),
               static_cast<unsigned long long>(frame.tap_sequence - 1));
}

}  // namespace

int runTap(const TapOptions& options) {
  signal(SIGINT, onSignal);
  signal(SIGTERM, onSignal);
  std::set<std::string> known(options.endpoints.begin(), options.endpoints.end());
  auto endpoints = options.endpoints;
  for (const auto& endpoint : newTapSockets(options.run_dir, known)) endpoints.push_back(endpoint);
  if (endpoints.empty()) {
    std::fprintf(stderr, "rrr-tap: no tap sockets in %s (is rrr running?); waiting for some\n", options.run_dir.c_str());
  }
  zmq::context_t context;
  auto subscriber = bus::TapSubscriber::connect(context, endpoints, options.topics);
  if (!subscriber.ok()) {
    std::fprintf(stderr, "rrr-tap: %s\n", subscriber.error().message.c_str());
    return 1;
  }
  messages::InboundGate gate("tap");
  messages::MessageJson json;
  std::map<std::string, TopicCounts> counts;
  std::uint64_t printed = 0;
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto next_scan = started + std::chrono::seconds(1);
  auto next_stats = started + std::chrono::seconds(1);
  while (!g_stop.load() && (options.count == 0 || printed < options.count)) {
    if (options.seconds > 0 && Clock::now() - started > std::chrono::duration<double>(options.seconds)) break;
    if (auto frame = subscriber->receive(std::chrono::milliseconds(100))) {
      const auto* envelope = gate.accept(frame->payload, printed);
      if (frame->missed_before > 0) {
        if (options.stats) {
          counts[frame->topic].missed += frame->missed_before;
        } else {
          reportMissed(*frame, envelope);
        }
      }
      if (envelope != nullptr) {
        ++printed;
        if (options.stats) {
          ++counts[frame->topic].received;
        } else {
          std::printf("%s\n", json.toJson(frame->payload).c_str());
          std::fflush(stdout);
        }
      }
    }
    const auto now = Clock::now();
    if (now >= next_scan) {  // processes started after us
      for (const auto& endpoint : newTapSockets(options.run_dir, known)) (void)subscriber->addEndpoint(endpoint);
      next_scan = now + std::chrono::seconds(1);
    }
    if (options.stats && now >= next_stats) {
      printStats(counts, 1.0);
      next_stats = now + std::chrono::seconds(1);
    }
  }
  if (gate.rejected() > 0) std::fprintf(stderr, "rrr-tap: %llu malformed messages dropped\n", static_cast<unsigned long long>(gate.rejected()));
  if (subscriber->malformed() > 0) {
    std::fprintf(stderr, "rrr-tap: %llu malformed tap frames dropped (not [topic][envelope][tap sequence])\n",
                 static_cast<unsigned long long>(subscriber->malformed()));
  }
  if (subscriber->missed() > 0) {
    std::fprintf(stderr, "rrr-tap: %llu messages missed in all (dropped at a high-water mark)\n",
                 static_cast<unsigned long long>(subscriber->missed()));
  }
  return 0;
}

}  // namespace rrr::tap
