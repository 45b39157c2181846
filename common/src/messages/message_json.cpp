#include "common/messages/message_json.h"

#include <flatbuffers/idl.h>

#include "common/enforce.h"

namespace rrr::schemas {
extern const std::uint8_t kBinarySchema[];
extern const std::size_t kBinarySchemaSize;
}  // namespace rrr::schemas

namespace rrr::messages {

MessageJson::MessageJson() : parser_(std::make_unique<flatbuffers::Parser>()) {
  parser_->opts.strict_json = true;
  parser_->opts.output_default_scalars_in_json = true;
  parser_->opts.indent_step = -1;
  RRR_ENFORCE(parser_->Deserialize(schemas::kBinarySchema, schemas::kBinarySchemaSize),
              "the embedded binary schema does not load");
}

MessageJson::~MessageJson() = default;
MessageJson::MessageJson(MessageJson&&) noexcept = default;
MessageJson& MessageJson::operator=(MessageJson&&) noexcept = default;

std::string MessageJson::toJson(std::span<const std::byte> buffer) const {
  std::string json;
  // Skip the 4-byte size prefix: GenerateText reads a plain root offset.
  flatbuffers::GenerateText(*parser_, buffer.data() + sizeof(flatbuffers::uoffset_t), &json);
  return json;
}

}  // namespace rrr::messages
