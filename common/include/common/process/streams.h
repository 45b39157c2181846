#pragma once
// The rings of a process as message streams: OutputStream publishes Envelopes (sequence = ring
// sequence, a copy on the tap); InputStream hands over verified Envelopes in order, dropping and
// counting bad buffers.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/messages/envelope.h"
#include "common/messages/inbound_gate.h"
#include "common/process/agent.h"
#include "common/process/process_runtime.h"
#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"

namespace rrr::process {

class OutputStream {
 public:
  static ring::RingResult<OutputStream> open(ProcessRuntime& runtime, const std::string& ring);

  // For building a body; call before each message.
  flatbuffers::FlatBufferBuilder& startMessage() {
    builder_.reset();
    return builder_.fbb();
  }

  // Publishes the body built since startMessage(). kBackPressured: nothing was published; build
  // it again later.
  template <class Body>
  ring::PublishStatus publish(flatbuffers::Offset<Body> body, std::int64_t event_time_ns,
                              std::optional<std::uint64_t> cause = std::nullopt) {
    const messages::EnvelopeHeader header{runtime_->context().name, producer_.nextSequence(), event_time_ns, 0, cause};
    return send(builder_.finish(header, body), messages::typeName(msg::BodyTraits<Body>::enum_value));
  }

  // Builds the envelope publish() would and warms the ring slot it would go to, publishing
  // nothing: a stage that knows its next message is due shortly runs its publish path once ahead,
  // so that code and data are in the cache when it is (after ~100 ms asleep they are not).
  // `ahead`: how many messages before it would go out first.
  template <class Body>
  void rehearse(flatbuffers::Offset<Body> body, std::int64_t event_time_ns, std::uint64_t ahead = 0) {
    const messages::EnvelopeHeader header{runtime_->context().name, producer_.nextSequence() + ahead, event_time_ns, 0, std::nullopt};
    producer_.warmNext(static_cast<std::uint32_t>(builder_.finish(header, body).size()), ahead);
  }

  ring::RingProducer& producer() { return producer_; }
  const ring::RingProducer& producer() const { return producer_; }

 private:
  OutputStream(ProcessRuntime& runtime, ring::RingProducer producer) : runtime_(&runtime), producer_(std::move(producer)) {}
  ring::PublishStatus send(std::span<const std::byte> envelope, std::string_view topic);

  ProcessRuntime* runtime_;
  ring::RingProducer producer_;
  messages::EnvelopeBuilder builder_;
};

class InputStream {
 public:
  static ring::RingResult<InputStream> attach(ProcessRuntime& runtime, const std::string& ring, ring::ConsumerKind kind);

  // Returns true if it took the message (commit); false to leave it for later (stop polling).
  using Handler = std::function<bool(const msg::Envelope& envelope, std::uint64_t sequence)>;

  // Hands up to max verified messages to handler, in order, then commits them all. Returns how
  // many were consumed, counting dropped bad buffers.
  int poll(const Handler& handler, int max = 256);

  // As poll(), but without committing: the caller commits with commitThrough() once what it did
  // with the messages is durable. Returns how many were taken; lastTaken() is the last sequence.
  int pollDeferred(const Handler& handler, int max = 256);
  std::optional<std::uint64_t> lastTaken() const { return last_taken_; }

  // For a reader that chooses between several rings: the next verified message without taking
  // it (bad buffers on the way are dropped and counted), valid until take() or the next peek();
  // take() moves past it without committing, as pollDeferred() does.
  const msg::Envelope* peek(std::uint64_t& sequence);
  void take();
  void commitThrough(std::uint64_t sequence) { consumer_.commitThrough(sequence); }
  // More than half the ring taken but not committed. A reader that commits only at checkpoints
  // must take one then: once the ring is full the producer stops, and it may be the one this
  // reader waits for.
  bool halfUncommitted() const { return 2 * consumer_.uncommitted() > consumer_.segment().config().capacity; }
  void rewindToCommitted() {
    peeked_envelope_ = nullptr;
    consumer_.rewindToCommitted();
    last_taken_.reset();
  }

  // A copy of the newest message on the ring, decoded again (nothing is taken; nullopt if there is
  // none or it does not decode). For a stage rehearsing its path before a burst.
  struct Copy {
    std::vector<std::byte> bytes;
    const msg::Envelope* envelope = nullptr;   // into bytes
  };
  std::optional<Copy> copyNewest() const;
  // The newest `count` messages (fewer if the ring holds fewer), oldest first, each decoded again;
  // one that does not decode is left out.
  std::vector<Copy> copyNewest(std::size_t count) const;

  bool waitForMessage(std::chrono::nanoseconds timeout, const ring::IdlePolicy& policy = {}) {
    return consumer_.waitForMessage(timeout, policy);
  }
  ring::RingConsumer::Wake waitForMessageOrHeadsUp(std::chrono::milliseconds timeout, InputStream* also = nullptr) {
    return consumer_.waitForMessageOrHeadsUp(timeout, also ? &also->consumer_ : nullptr);
  }
  RingLagReport lag() const { return {ring_, consumer_.lag(), consumer_.gaps(), consumer_.cursor()}; }
  ring::RingConsumer& consumer() { return consumer_; }
  const ring::RingConsumer& consumer() const { return consumer_; }
  const messages::InboundGate& gate() const { return gate_; }

 private:
  InputStream(std::string ring, ring::RingConsumer consumer)
      : ring_(std::move(ring)), consumer_(std::move(consumer)), gate_("ring " + ring_) {}

  std::string ring_;
  ring::RingConsumer consumer_;
  messages::InboundGate gate_;
  std::optional<std::uint64_t> last_taken_;
  std::uint64_t peeked_ = 0;
  const msg::Envelope* peeked_envelope_ = nullptr;   // verified, not yet taken
};

}  // namespace rrr::process
