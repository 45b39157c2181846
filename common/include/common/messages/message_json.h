#pragma once
// Any Envelope as one line of JSON with every field (defaults included), through FlatBuffers
// reflection over the schema embedded at build time. For rrr-tap and the monitor's JSON API.

#include <memory>
#include <span>
#include <string>

#include "common/result.h"

namespace flatbuffers {
class Parser;
}

namespace rrr::messages {

class MessageJson {
 public:
  MessageJson();
  ~MessageJson();
  MessageJson(MessageJson&&) noexcept;
  MessageJson& operator=(MessageJson&&) noexcept;

  // JSON of a size-prefixed Envelope. REQUIRES: buffer passed decode() (it is not re-verified).
  std::string toJson(std::span<const std::byte> buffer) const;

 private:
  std::unique_ptr<flatbuffers::Parser> parser_;
};

}  // namespace rrr::messages
