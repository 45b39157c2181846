// TradingCore across restarts: input the state already reflects is skipped, a checkpoint taken
// anywhere, written as JSON and restored, continues exactly as the undisturbed run, and a
// rehearsal on a scratch core changes nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "engine/engine_checkpoint.h"
#include "engine/strategies.h"
#include "trading_core_support.h"

namespace rrr::engine {
namespace {

using namespace testing;

TEST(TradingCore, ABarNoNewerThanTheLastOfItsSeriesIsSkipped) {
  auto sut = coreWith(std::make_unique<BuyOnce>(OrderRequest{"BTCUSDT", Side::kBuy, msg::OrderType::Market, msg::TimeInForce::GTC, 1}));
  CoreOutput out;
  sut->onBar(bar(5, 100, 101, 99, 100), out);
  sut->onBar(bar(3, 100, 101, 99, 100), out);
  sut->onBar(bar(5, 100, 101, 99, 100), out);
  EXPECT_EQ(sut->skippedBars(), 2u);
}

// Counts the predictions it is handed.
class CountPredictions : public Strategy {
 public:
  const std::string& id() const override { return id_; }
  const std::vector<std::string>& symbols() const override { return symbols_; }
  bool usesPredictions() const override { return true; }
  void onBar(const BarEvent&, StrategyContext&) override {}
  void onPrediction(const PredictionEvent&, StrategyContext&) override { ++seen; }
  int seen = 0;

 private:
  std::string id_ = "count";
  std::vector<std::string> symbols_{"BTCUSDT"};
};

// A feed started again from its beginning after a whole-system restart (the state carried over
// in the checkpoint): the bars and the predictions made from them are all in the past.
TEST(TradingCore, APredictionTheStateAlreadyReflectsIsSkipped) {
  auto strategy = std::make_unique<CountPredictions>();
  auto* counter = strategy.get();
  auto sut = coreWith(std::move(strategy));
  const auto predictionAt = [](int minute) { return PredictionEvent{"BTCUSDT", bar(minute, 1, 1, 1, 1).closeTimeNs(), 0.5, 0.5}; };
  CoreOutput out;
  for (int minute : {0, 1, 2}) {
    sut->onBar(bar(minute, 100, 101, 99, 100), out);
    sut->onPrediction(predictionAt(minute), out);
  }
  EXPECT_EQ(counter->seen, 3);

  auto fresh = std::make_unique<CountPredictions>();
  counter = fresh.get();
  auto restarted = coreWith(std::move(fresh));
  EngineCheckpoint checkpoint;
  checkpoint.core = sut->save();
  ASSERT_TRUE(restarted->restore(checkpointFromJson(checkpointToJson(checkpoint)).value().core).ok());
  sut = std::move(restarted);
  for (int minute : {0, 1, 2}) {
    sut->onBar(bar(minute, 100, 101, 99, 100), out);   // the feed again from its start
    sut->onPrediction(predictionAt(minute), out);
  }
  EXPECT_EQ(sut->skippedBars(), 3u);
  EXPECT_EQ(sut->skippedPredictions(), 3u);
  sut->onBar(bar(3, 100, 101, 99, 100), out);
  sut->onPrediction(predictionAt(3), out);
  sut->onPrediction(predictionAt(3), out);   // the same bar's prediction twice
  EXPECT_EQ(sut->skippedPredictions(), 4u);
  EXPECT_EQ(counter->seen, 1);

  // No prediction taken yet for the symbol (a checkpoint of an earlier build): one older than a
  // bar of its symbol is still skipped, whatever other symbol's bars sort next to it.
  auto earlier = std::make_unique<CountPredictions>();
  counter = earlier.get();
  sut = coreWith(std::move(earlier));
  auto other = bar(9, 100, 101, 99, 100);
  other.symbol = "BTCUSDT-PERP";
  sut->onBar(other, out);
  sut->onBar(bar(5, 100, 101, 99, 100), out);
  sut->onPrediction(predictionAt(3), out);
  EXPECT_EQ(sut->skippedPredictions(), 1u);
  sut->onPrediction(predictionAt(5), out);
  EXPECT_EQ(counter->seen, 1) << "the bar's own prediction is taken";
}

// Everything an output says, as text, to compare two runs.
std::string describe(const CoreOutput& out) {
  std::string text;
  for (const auto& record : out.exec) {
    if (const auto* fill = std::get_if<FillRecord>(&record)) {
      text += fill->fill_id + " " + std::to_string(fill->fill.fill.price_e8) + " " + std::to_string(fill->fill.fill.quantity_e8) + "\n";
    } else if (const auto* update = std::get_if<UpdateRecord>(&record)) {
      text += update->update.client_order_id + " -> " + std::to_string(static_cast<int>(update->update.status)) + "\n";
    } else if (const auto* snapshot = std::get_if<SnapshotRecord>(&record)) {
      text += "snapshot " + std::to_string(snapshot->time_ns) + " " + std::to_string(snapshot->equity_e8) + "\n";
    }
  }
  for (const auto& intent : out.intents) text += "intent " + intent.client_order_id + " " + std::to_string(intent.request.quantity_e8) + "\n";
  return text;
}

std::unique_ptr<TradingCore> crossCore() {
  std::vector<std::unique_ptr<Strategy>> strategies;
  strategies.push_back(makeStrategy(YAML::Load("{id: x, type: ma_cross, symbols: [BTCUSDT], fast: 3, slow: 8, quantity: 0.5, allow_short: true}"),
                                    "test").value());
  strategies.push_back(makeStrategy(YAML::Load("{id: r, type: bollinger, symbols: [BTCUSDT], period: 10, width: 1.0, quantity: 0.2, "
                                               "order: limit, limit_offset_bps: 5}"),
                                    "test").value());
  return std::make_unique<TradingCore>(CoreConfig{}, std::move(strategies));
}

// Feeds minutes [from, to), approving every intent (rejecting every 7th), and returns the text of
// every output.
std::string run(TradingCore& core, int from, int to) {
  std::string text;
  for (int minute = from; minute < to; ++minute) {
    CoreOutput out;
    core.onBar(wander(minute), out);
    text += describe(out);
    int n = 0;
    for (const auto& intent : out.intents) {
      CoreOutput decided;
      core.onDecision(intent.client_order_id, ++n % 7 != 0, "test", decided);
      text += describe(decided);
    }
  }
  return text;
}

TEST(TradingCore, ARestoredCheckpointContinuesExactlyAsTheUndisturbedRun) {
  auto undisturbed = crossCore();
  const std::string before = run(*undisturbed, 0, 150);
  const std::string after = run(*undisturbed, 150, 400);
  ASSERT_NE(after.find("-f1 "), std::string::npos) << "the run must trade after the checkpoint";

  auto first = crossCore();
  EXPECT_EQ(run(*first, 0, 150), before);
  EngineCheckpoint checkpoint;
  checkpoint.core = first->save();
  checkpoint.rings["md"] = RingPosition{7, 150};
  const auto text = checkpointToJson(checkpoint);
  first.reset();
  const auto loaded = checkpointFromJson(text);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->rings.at("md").next, 150u);
  auto resumed = crossCore();
  ASSERT_TRUE(resumed->restore(loaded->core).ok());
  EXPECT_EQ(run(*resumed, 150, 400), after);
  EXPECT_EQ(resumed->portfolio().equity(), undisturbed->portfolio().equity());
  EXPECT_EQ(resumed->portfolio().position("BTCUSDT").quantity_e8, undisturbed->portfolio().position("BTCUSDT").quantity_e8);
}

TEST(TradingCore, ReArmsAppliedSurviveACheckpoint) {
  auto sut = crossCore();
  (void)run(*sut, 0, 50);
  CoreOutput out;
  ASSERT_TRUE(sut->rearm(2, out));
  EngineCheckpoint checkpoint;
  checkpoint.core = sut->save();
  auto text = checkpointToJson(checkpoint);
  auto resumed = crossCore();
  ASSERT_TRUE(resumed->restore(checkpointFromJson(text).value().core).ok());
  EXPECT_EQ(resumed->rearmsApplied(), 2u);
  EXPECT_EQ(resumed->portfolio().peakEquity(), sut->portfolio().equity());
  EXPECT_FALSE(resumed->rearm(2, out)) << "not applied twice across a restart";

  // A checkpoint of a build before re-arms were counted: none applied.
  auto json = nlohmann::json::parse(text);
  ASSERT_EQ(json.at("core").erase("rearms_applied"), 1u) << text;
  text = json.dump();
  auto earlier = crossCore();
  ASSERT_TRUE(earlier->restore(checkpointFromJson(text).value().core).ok());
  EXPECT_EQ(earlier->rearmsApplied(), 0u);
}

// rrr-engine's rehearsal (engine_agent.h): before each input, a scratch core restored from the real
// one's state is fed a made-up next bar. The real run must not notice, and the scratch core must
// take the path the real input takes (the same output for the same input).
TEST(TradingCore, ARehearsalOnAScratchCoreLeavesTheRealRunUnchanged) {
  auto undisturbed = crossCore();
  const std::string expected = run(*undisturbed, 0, 300);

  auto real = crossCore();
  auto scratch = crossCore();
  std::string text;
  int rehearsals_with_output = 0;
  for (int minute = 0; minute < 300; ++minute) {
    ASSERT_TRUE(scratch->restore(real->save()).ok());
    CoreOutput rehearsed;
    scratch->onBar(wander(minute), rehearsed);
    CoreOutput made_up;
    scratch->onBar(wander(minute + 50), made_up);   // the scratch core goes its own way

    CoreOutput out;
    real->onBar(wander(minute), out);
    ASSERT_EQ(describe(rehearsed), describe(out)) << "minute " << minute;
    rehearsals_with_output += out.empty() ? 0 : 1;
    text += describe(out);
    int n = 0;
    for (const auto& intent : out.intents) {
      CoreOutput decided;
      real->onDecision(intent.client_order_id, ++n % 7 != 0, "test", decided);
      text += describe(decided);
    }
  }
  EXPECT_EQ(text, expected);
  EXPECT_GT(rehearsals_with_output, 20);
}

TEST(TradingCore, AMalformedCheckpointIsAnErrorThatSaysWhat) {
  EXPECT_NE(checkpointFromJson("{").error().message.find("not a JSON object"), std::string::npos);
  EXPECT_NE(checkpointFromJson(R"({"version": 2})").error().message.find("version 2 is not 1"), std::string::npos);
  const auto missing = checkpointFromJson(R"({"version": 1, "rings": {}})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("malformed"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("core"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace rrr::engine
