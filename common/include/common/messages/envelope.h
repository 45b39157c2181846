#pragma once
// Building and reading the Envelope that wraps every message crossing a process boundary
// (schemas/envelope.fbs).
//
// Wire format: a size-prefixed FlatBuffer (a 4-byte little-endian length, then the Envelope with
// file identifier "RRR1"), so that a truncated buffer, or one with bytes appended, fails
// verification even where the cut falls in alignment padding.
//
// decode() is the only way to read a buffer from another process: it runs the FlatBuffers
// Verifier and then range checks of every field (enums, lengths, prices, invariants between
// fields), and names the first field that is wrong.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "common/result.h"
#include "schemas/envelope_generated.h"

namespace rrr::messages {

inline constexpr std::size_t kMaxSourceLength = 64;
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxSymbolLength = 32;
inline constexpr std::size_t kMaxTextLength = 4096;

enum class DecodeError {
  kTooShort,        // fewer bytes than a FlatBuffer can have
  kWrongIdentifier, // not an rrr Envelope (file identifier "RRR1")
  kVerifyFailed,    // the FlatBuffers Verifier rejected it (truncated, offsets out of bounds)
  kUnknownType,     // a body type this build does not know
  kOutOfRange,      // a field is outside its allowed range; the message names it
  kMisaligned,      // the buffer does not start on an 8-byte boundary (FlatBuffers reads need it)
};

// decode() needs buffers aligned to this; ring slots and heap vectors are, ZeroMQ frames are not.
inline constexpr std::size_t kEnvelopeAlignment = 8;

const char* toString(DecodeError error);

struct EnvelopeHeader {
  std::string_view source;
  std::uint64_t sequence = 0;
  std::int64_t event_time_ns = 0;
  std::int64_t publish_time_ns = 0;   // 0: stamped with the wall clock by finish()
  std::optional<std::uint64_t> cause_sequence;  // input ring sequence this message derives from
};

// Builds one Envelope at a time; reuse it to avoid allocation on the hot path.
class EnvelopeBuilder {
 public:
  explicit EnvelopeBuilder(std::size_t initial_bytes = 512) : fbb_(initial_bytes) {}

  // For building the body. Call reset() before building a new message.
  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }
  void reset() { fbb_.Clear(); }

  // Wraps body in an Envelope and returns the finished bytes, valid until reset().
  template <class Body>
  std::span<const std::byte> finish(const EnvelopeHeader& header, flatbuffers::Offset<Body> body) {
    return finishRaw(header, msg::BodyTraits<Body>::enum_value, body.Union());
  }

 private:
  std::span<const std::byte> finishRaw(const EnvelopeHeader& header, msg::Body type,
                                       flatbuffers::Offset<void> body);
  flatbuffers::FlatBufferBuilder fbb_;
};

// Verifies buffer and checks every field. The returned envelope points into buffer.
// REQUIRES: buffer.data() aligned to kEnvelopeAlignment (else kMisaligned, nothing is read).
Result<const msg::Envelope*, DecodeError> decode(std::span<const std::byte> buffer);

// Name of a body type ("Bar", "OrderIntent"), also the tap topic of messages of that type.
std::string_view typeName(msg::Body type);

std::int64_t wallClockNs();

}  // namespace rrr::messages
