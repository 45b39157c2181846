#include "common/messages/envelope.h"

#include <chrono>

#include "messages/body_checks.h"

namespace rrr::messages {

std::span<const std::byte> EnvelopeBuilder::finishRaw(const EnvelopeHeader& header, msg::Body type,
                                                      flatbuffers::Offset<void> body) {
  const auto source = fbb_.CreateString(header.source.data(), header.source.size());
  const std::int64_t publish_time = header.publish_time_ns != 0 ? header.publish_time_ns : wallClockNs();
  msg::EnvelopeBuilder envelope_builder(fbb_);
  envelope_builder.add_source(source);
  envelope_builder.add_sequence(header.sequence);
  envelope_builder.add_event_time_ns(header.event_time_ns);
  envelope_builder.add_publish_time_ns(publish_time);
  envelope_builder.add_body_type(type);
  envelope_builder.add_body(body);
  if (header.cause_sequence) envelope_builder.add_cause_sequence(*header.cause_sequence);
  const auto envelope = envelope_builder.Finish();
  fbb_.FinishSizePrefixed(envelope, msg::EnvelopeIdentifier());
  return {reinterpret_cast<const std::byte*>(fbb_.GetBufferPointer()), fbb_.GetSize()};
}

Result<const msg::Envelope*, DecodeError> decode(std::span<const std::byte> buffer) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer.data());
  if (buffer.size() < 12) {
    return makeError(DecodeError::kTooShort, "buffer of " + std::to_string(buffer.size()) +
                                                 " bytes is too short for an Envelope");
  }
  if (reinterpret_cast<std::uintptr_t>(bytes) % kEnvelopeAlignment != 0) {
    return makeError(DecodeError::kMisaligned, "buffer at an address not aligned to " + std::to_string(kEnvelopeAlignment) +
                                                   " bytes (pass it through InboundGate, which aligns it)");
  }
  if (!msg::SizePrefixedEnvelopeBufferHasIdentifier(bytes)) {
    return makeError(DecodeError::kWrongIdentifier, "buffer does not carry the Envelope identifier \"RRR1\"");
  }
  flatbuffers::Verifier verifier(bytes, buffer.size(), /*max_depth=*/16, /*max_tables=*/10'000);
  if (!msg::VerifySizePrefixedEnvelopeBuffer(verifier)) {
    return makeError(DecodeError::kVerifyFailed,
                     "Envelope of " + std::to_string(buffer.size()) +
                         " bytes fails FlatBuffers verification (truncated, extended or corrupt)");
  }
  const auto* envelope = msg::GetSizePrefixedEnvelope(bytes);
  if (auto status = detail::checkEnvelope(*envelope); !status.ok()) return status.error();
  return envelope;
}

std::string_view typeName(msg::Body type) { return msg::EnumNameBody(type); }

std::int64_t wallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* toString(DecodeError error) {
  switch (error) {
    case DecodeError::kTooShort: return "too short";
    case DecodeError::kWrongIdentifier: return "wrong identifier";
    case DecodeError::kVerifyFailed: return "verification failed";
    case DecodeError::kUnknownType: return "unknown type";
    case DecodeError::kOutOfRange: return "out of range";
    case DecodeError::kMisaligned: return "misaligned";
  }
  return "unknown";
}

}  // namespace rrr::messages
