#include "messages/body_checks.h"

namespace rrr::messages::detail {

CheckStatus checkModelRecord(const msg::ModelRecord& record) {
  FieldChecker checker("ModelRecord");
  checker.id("model_id", record.model_id())
      .require(record.version() > 0, "version must be positive")
      .text("path", record.path(), 1, kMaxTextLength)
      .id("kind", record.kind())
      .require(record.window() > 0, "window must be positive")
      .require(record.horizon_bars() > 0, "horizon_bars must be positive")
      .optionalText("metrics_json", record.metrics_json())
      .nonNegative("created_ns", record.created_ns());
  if (const auto* features = record.features()) {
    for (const auto* feature : *features) checker.id("features[]", feature);
  }
  return checker.status();
}

CheckStatus checkActiveModel(const msg::ActiveModel& active) {
  return FieldChecker("ActiveModel")
      .text("model_id", active.model_id(), 0, kMaxIdLength)
      .require(active.model_id() == nullptr || active.model_id()->size() == 0 || active.version() > 0,
               "a named model has a positive version")
      .status();
}

}  // namespace rrr::messages::detail
