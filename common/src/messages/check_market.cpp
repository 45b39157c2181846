#include <cmath>

#include "messages/body_checks.h"

namespace rrr::messages::detail {

CheckStatus checkBar(const msg::Bar& bar) {
  return FieldChecker("Bar")
      .symbol("symbol", bar.symbol())
      .require(bar.interval_s() > 0, "interval_s must be positive")
      .nonNegative("open_time_ns", bar.open_time_ns())
      .positive("open_e8", bar.open_e8())
      .positive("high_e8", bar.high_e8())
      .positive("low_e8", bar.low_e8())
      .positive("close_e8", bar.close_e8())
      .notAbove("low_e8", bar.low_e8(), "high_e8", bar.high_e8())
      .notAbove("low_e8", bar.low_e8(), "open_e8", bar.open_e8())
      .notAbove("low_e8", bar.low_e8(), "close_e8", bar.close_e8())
      .notAbove("open_e8", bar.open_e8(), "high_e8", bar.high_e8())
      .notAbove("close_e8", bar.close_e8(), "high_e8", bar.high_e8())
      .nonNegative("volume_e8", bar.volume_e8())
      .nonNegative("quote_volume_e8", bar.quote_volume_e8())
      .status();
}

CheckStatus checkTrade(const msg::Trade& trade) {
  return FieldChecker("Trade")
      .symbol("symbol", trade.symbol())
      .nonNegative("time_ns", trade.time_ns())
      .positive("price_e8", trade.price_e8())
      .positive("quantity_e8", trade.quantity_e8())
      .enumeration("aggressor", trade.aggressor())
      .status();
}

CheckStatus checkPrediction(const msg::Prediction& prediction) {
  FieldChecker checker("Prediction");
  checker.symbol("symbol", prediction.symbol())
      .id("model_id", prediction.model_id())
      .nonNegative("bar_open_time_ns", prediction.bar_open_time_ns())
      .require(prediction.horizon_bars() > 0, "horizon_bars must be positive")
      .finite("score", prediction.score())
      .unitInterval("confidence", prediction.confidence());
  if (const auto* probabilities = prediction.class_probabilities()) {
    double sum = 0;
    for (const float p : *probabilities) {
      checker.unitInterval("class_probabilities[]", p);
      sum += p;
    }
    checker.require(probabilities->size() == 0 || std::fabs(sum - 1.0) < 1e-3,
                    "class_probabilities must sum to 1, they sum to " + std::to_string(sum));
  }
  return checker.status();
}

}  // namespace rrr::messages::detail
