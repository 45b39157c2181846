#include "message_samples.h"

namespace rrr::testing {
namespace {

using namespace rrr::msg;
using Fbb = flatbuffers::FlatBufferBuilder;

template <class Body>
std::vector<std::byte> finish(messages::EnvelopeBuilder& builder, flatbuffers::Offset<Body> body) {
  const auto bytes = builder.finish(messages::EnvelopeHeader{"test", 42, 1'700'000'000'000'000'000, 0}, body);
  return {bytes.begin(), bytes.end()};
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<RingLag>>> lags(Fbb& fbb) {
  return fbb.CreateVector(std::vector{CreateRingLag(fbb, fbb.CreateString("md"), 3, 0)});
}

flatbuffers::Offset<ProcessStatus> processStatus(Fbb& fbb) {
  return CreateProcessStatus(fbb, fbb.CreateString("engine"), 1234, ProcessState::Ready, 5000, 1,
                             fbb.CreateString("signal 9 (SIGKILL)"), 20, lags(fbb));
}

}  // namespace

std::vector<std::vector<std::byte>> sampleOfEveryMessageType() {
  std::vector<std::vector<std::byte>> samples;
  messages::EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  auto next = [&](auto make) {
    builder.reset();
    samples.push_back(finish(builder, make()));
  };
  next([&] { return CreateBar(fbb, fbb.CreateString("BTCUSDT"), 60, 1'700'000'000'000'000'000, 100, 120, 90, 110, 5, 500, 3, 7); });
  next([&] { return CreateTrade(fbb, fbb.CreateString("BTCUSDT"), 99, 1'700'000'000'000'000'000, 100, 2, AggressorSide::Buy); });
  next([&] {
    return CreatePrediction(fbb, fbb.CreateString("BTCUSDT"), fbb.CreateString("mlp"), 3, 1'700'000'000'000'000'000, 5, 0.4,
                            fbb.CreateVector(std::vector<float>{0.3F, 0.7F}), 0.7);
  });
  next([&] {
    return CreateOrderIntent(fbb, fbb.CreateString("s1-BTCUSDT-1-0"), fbb.CreateString("s1"), fbb.CreateString("BTCUSDT"),
                             IntentAction::New, Side::Buy, OrderType::Limit, TimeInForce::GTC, 100, 50, 0, 1);
  });
  next([&] { return CreateRiskDecision(fbb, fbb.CreateString("s1-BTCUSDT-1-0"), true, RiskRule::None, 0, 0); });
  next([&] {
    return CreateOrder(fbb, fbb.CreateString("s1-BTCUSDT-1-0"), fbb.CreateString("x1"), fbb.CreateString("s1"),
                       fbb.CreateString("BTCUSDT"), Side::Buy, OrderType::Market, TimeInForce::IOC, OrderStatus::PartiallyFilled,
                       100, 0, 0, 40, 101, 1, 2);
  });
  next([&] {
    return CreateOrderUpdate(fbb, fbb.CreateString("s1-BTCUSDT-1-0"), 0, OrderStatus::Accepted, OrderStatus::PartiallyFilled, 40, 60);
  });
  next([&] {
    return CreateFill(fbb, fbb.CreateString("s1-BTCUSDT-1-0"), fbb.CreateString("f1"), fbb.CreateString("BTCUSDT"), Side::Buy,
                      101, 40, 1, fbb.CreateString("USDT"), Liquidity::Taker, 2);
  });
  next([&] { return CreatePosition(fbb, fbb.CreateString("BTCUSDT"), -40, 101, 0, 5, 100); });
  next([&] {
    auto cash = fbb.CreateVector(std::vector{CreateCashBalance(fbb, fbb.CreateString("USDT"), 1000)});
    auto positions = fbb.CreateVector(std::vector{CreatePosition(fbb, fbb.CreateString("BTCUSDT"), 40, 101, 0, 5, 100)});
    return CreatePortfolioSnapshot(fbb, cash, positions, 5000, 10, 5, 1, 6000, 2, 5500, 17);
  });
  next([&] {
    return CreateRiskEvent(fbb, RiskRule::MaxDrawdown, Severity::Critical, fbb.CreateString("BTCUSDT"), 0, 0.2, 0.25, false, true,
                           fbb.CreateString("drawdown 25% > 20%"));
  });
  next([&] { return CreateHeartbeat(fbb, 1234, ProcessState::Ready, 1000, lags(fbb), 5); });
  next([&] { return processStatus(fbb); });
  next([&] { return CreateAlert(fbb, Severity::Warning, fbb.CreateString("restart"), fbb.CreateString("engine restarted"), fbb.CreateString("engine")); });
  next([&] {
    return CreateControlRequest(fbb, ControlCommand::Restart, fbb.CreateString("engine"), fbb.CreateVector(std::vector{fbb.CreateString("--now")}));
  });
  next([&] {
    auto processes = fbb.CreateVector(std::vector{processStatus(fbb)});
    return CreateControlReply(fbb, true, 0, processes, fbb.CreateString("ok"));
  });
  next([&] {
    return CreateRiskLimitSet(fbb, fbb.CreateVector(std::vector{CreateRiskLimitValue(fbb, fbb.CreateString("max_position.BTCUSDT"), 0.5)}));
  });
  next([&] {
    return CreateModelRecord(fbb, fbb.CreateString("default"), 3, fbb.CreateString("data/models/default/3"), fbb.CreateString("gru"),
                             fbb.CreateVector(std::vector{fbb.CreateString("ret:1"), fbb.CreateString("rsi:14")}), 16, 15,
                             fbb.CreateString(R"({"test": {"accuracy": 0.64}})"), 1000, 2000, 3000);
  });
  next([&] { return CreateActiveModel(fbb, fbb.CreateString("default"), 3); });
  return samples;
}

}  // namespace rrr::testing
