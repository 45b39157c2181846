// ring_peer: one side of a ring, as a real process for the multi-process ring tests.
//
//   ring_peer produce RING COUNT                 publish sequences up to COUNT-1, resuming where
//                                                the ring's published count says
//   ring_peer consume RING NAME COUNT OUT [lossy] read until sequence COUNT-1, appending
//                                                "sequence skipped_before" lines to OUT; resumes
//                                                after OUT's last line (its own durable record)
//   ring_peer claim-and-die RING                 claim a slot, write half of it, SIGKILL itself
//   ring_peer publish-and-hold RING HOLD_MS      publish one message, then after HOLD_MS give
//                                                the wake-ups it held for batching readers
//
// Each message is an Envelope whose sequence and Bar.sequence equal the ring sequence, so a
// reader can tell a right message from a stale or torn one.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/messages/envelope.h"
#include "common/messages/inbound_gate.h"
#include "common/ring/before_blocking.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"
#include "support/file_text.h"

namespace {

using namespace rrr;
constexpr auto kForever = std::chrono::hours(1);

std::span<const std::byte> buildMessage(messages::EnvelopeBuilder& builder, std::uint64_t sequence) {
  builder.reset();
  auto& fbb = builder.fbb();
  const auto bar = msg::CreateBar(fbb, fbb.CreateString("BTCUSDT"), 60, 1'600'000'000'000'000'000 + sequence * 60'000'000'000,
                                  100, 120, 90, 110, 5, 500, 3, sequence);
  return builder.finish(messages::EnvelopeHeader{"ring_peer", sequence, 1, 1}, bar);
}

int produce(const std::string& ring, std::uint64_t count) {
  auto producer = ring::RingProducer::open(ring);
  if (!producer.ok()) {
    std::fprintf(stderr, "produce: %s\n", producer.error().message.c_str());
    return 3;
  }
  messages::EnvelopeBuilder builder;
  while (producer->nextSequence() < count) {
    const auto sequence = producer->nextSequence();
    const auto result = producer->publish(buildMessage(builder, sequence), kForever);
    if (!result.ok()) {
      std::fprintf(stderr, "produce: %s at %llu\n", ring::toString(result.status),
                   static_cast<unsigned long long>(sequence));
      return 4;
    }
  }
  return 0;
}

// The last complete "sequence ..." line of out, truncating a partial line left by a kill.
std::optional<std::uint64_t> lastRecorded(const std::string& out) {
  const auto text = rrr::testing::fileText(out);
  const auto end = text.rfind('\n');
  if (end == std::string::npos) {
    truncate(out.c_str(), 0);
    return std::nullopt;
  }
  if (end + 1 != text.size()) truncate(out.c_str(), static_cast<off_t>(end + 1));
  const auto start = text.rfind('\n', end - 1);
  return std::stoull(text.substr(start == std::string::npos ? 0 : start + 1));
}

int consume(const std::string& ring, const std::string& name, std::uint64_t count, const std::string& out,
            bool lossy) {
  auto consumer = ring::RingConsumer::attach(ring, name, lossy ? ring::ConsumerKind::kLossy : ring::ConsumerKind::kDurable);
  if (!consumer.ok()) {
    std::fprintf(stderr, "consume: %s\n", consumer.error().message.c_str());
    return 3;
  }
  std::optional<std::uint64_t> last = lastRecorded(out);
  if (last && !consumer->skipThrough(*last)) return 5;
  const int fd = ::open(out.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  messages::InboundGate gate("ring " + ring);
  while (!last || *last + 1 < count) {
    if (!consumer->waitForMessage(kForever)) continue;
    const auto message = consumer->peek();
    if (!message) continue;
    const auto* envelope = gate.accept(message->payload, message->sequence);
    if (envelope == nullptr || envelope->sequence() != message->sequence ||
        envelope->body_as_Bar()->sequence() != message->sequence) {
      std::fprintf(stderr, "consume: wrong message at %llu\n", static_cast<unsigned long long>(message->sequence));
      return 6;
    }
    const std::string line = std::to_string(message->sequence) + " " + std::to_string(message->skipped_before) + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 7;
    consumer->commit();
    last = message->sequence;
  }
  ::close(fd);
  return 0;
}

int claimAndDie(const std::string& ring) {
  auto producer = ring::RingProducer::open(ring);
  if (!producer.ok()) return 3;
  const auto claimed = producer->claim(64);
  if (!claimed.ok()) return 4;
  const std::byte garbage[32] = {std::byte{0xAB}};
  producer->write(0, garbage);
  ::raise(SIGKILL);
  return 0;
}

// As rrr-ingest after a bar: the message goes out while its readers poll, and the wake-up held for
// the batching ones is given later, when this process is about to sleep.
int publishAndHold(const std::string& ring, std::chrono::milliseconds hold) {
  auto producer = ring::RingProducer::open(ring);
  if (!producer.ok()) return 3;
  messages::EnvelopeBuilder builder;
  if (!producer->offer(buildMessage(builder, producer->nextSequence())).ok()) return 4;
  std::this_thread::sleep_for(hold);
  ring::runBeforeBlocking();
  std::this_thread::sleep_for(hold);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce" && argc == 4) return produce(argv[2], std::stoull(argv[3]));
  if (mode == "consume" && (argc == 6 || argc == 7)) {
    return consume(argv[2], argv[3], std::stoull(argv[4]), argv[5], argc == 7 && std::string(argv[6]) == "lossy");
  }
  if (mode == "claim-and-die" && argc == 3) return claimAndDie(argv[2]);
  if (mode == "publish-and-hold" && argc == 4) return publishAndHold(argv[2], std::chrono::milliseconds(std::stoll(argv[3])));
  std::fprintf(stderr,
               "usage: ring_peer produce RING COUNT | consume RING NAME COUNT OUT [lossy] | claim-and-die RING | "
               "publish-and-hold RING HOLD_MS\n");
  return 2;
}
