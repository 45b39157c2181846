#include "common/process/streams.h"

#include <algorithm>

namespace rrr::process {

ring::RingResult<OutputStream> OutputStream::open(ProcessRuntime& runtime, const std::string& ring) {
  RRR_ASSIGN_OR_RETURN(auto producer, ring::RingProducer::open(runtime.context().ringName(ring)));
  return OutputStream(runtime, std::move(producer));
}

ring::PublishStatus OutputStream::send(std::span<const std::byte> envelope, std::string_view topic) {
  const auto result = producer_.offer(envelope);
  if (result.ok()) runtime_->tap().publishLater(topic, envelope);
  return result.status;
}

ring::RingResult<InputStream> InputStream::attach(ProcessRuntime& runtime, const std::string& ring, ring::ConsumerKind kind) {
  RRR_ASSIGN_OR_RETURN(auto consumer, ring::RingConsumer::attach(runtime.context().ringName(ring), runtime.context().name, kind));
  return InputStream(ring, std::move(consumer));
}

int InputStream::pollDeferred(const Handler& handler, int max) {
  peeked_envelope_ = nullptr;
  int taken = 0;
  while (taken < max) {
    const auto message = consumer_.peek();
    if (!message) break;
    const auto* envelope = gate_.accept(message->payload, message->sequence);
    if (envelope != nullptr && !handler(*envelope, message->sequence)) break;
    consumer_.advance();
    last_taken_ = message->sequence;
    ++taken;
  }
  return taken;
}

const msg::Envelope* InputStream::peek(std::uint64_t& sequence) {
  if (peeked_envelope_ != nullptr) {   // the same message again: already verified
    sequence = peeked_;
    return peeked_envelope_;
  }
  while (const auto message = consumer_.peek()) {
    if (const auto* envelope = gate_.accept(message->payload, message->sequence)) {
      sequence = message->sequence;
      peeked_ = sequence;
      peeked_envelope_ = envelope;
      return envelope;
    }
    consumer_.advance();
    last_taken_ = message->sequence;
  }
  return nullptr;
}

std::optional<InputStream::Copy> InputStream::copyNewest() const {
  auto copies = copyNewest(1);
  if (copies.empty()) return std::nullopt;
  return std::move(copies.back());
}

std::vector<InputStream::Copy> InputStream::copyNewest(std::size_t count) const {
  const auto& segment = consumer_.segment();
  const auto published = segment.published();
  std::vector<Copy> copies;
  for (auto sequence = published - std::min<std::uint64_t>(published, count); sequence < published; ++sequence) {
    auto bytes = segment.copyPublished(sequence);
    if (!bytes) continue;
    Copy copy{std::move(*bytes)};
    const auto decoded = messages::decode(copy.bytes);
    if (!decoded.ok()) continue;
    copy.envelope = decoded.value();
    copies.push_back(std::move(copy));
  }
  return copies;
}

void InputStream::take() {
  peeked_envelope_ = nullptr;
  consumer_.advance();
  last_taken_ = peeked_;
}

int InputStream::poll(const Handler& handler, int max) {
  const int taken = pollDeferred(handler, max);
  if (taken > 0) consumer_.commitThrough(*last_taken_);
  return taken;
}

}  // namespace rrr::process
