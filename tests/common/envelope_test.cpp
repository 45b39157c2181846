// Envelope round trips for every message type, and rejection of malformed input with a message
// that names the wrong field.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "common/messages/envelope.h"
#include "common/messages/inbound_gate.h"
#include "message_samples.h"

namespace rrr::messages {
namespace {

using rrr::testing::sampleOfEveryMessageType;

std::span<const std::byte> view(const std::vector<std::byte>& bytes) { return {bytes.data(), bytes.size()}; }

// A builder's finished buffer need not be 8-byte aligned; real paths copy it (into a ring slot or
// a frame) before anyone decodes it, and so do these tests.
std::vector<std::byte> owned(std::span<const std::byte> bytes) { return {bytes.begin(), bytes.end()}; }

TEST(Envelope, EveryMessageTypeRoundTripsWithItsHeader) {
  const auto samples = sampleOfEveryMessageType();
  ASSERT_EQ(samples.size(), static_cast<std::size_t>(msg::Body::MAX));
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto decoded = decode(view(samples[i]));
    ASSERT_TRUE(decoded.ok()) << "type " << i + 1 << ": " << decoded.error().message;
    const auto* envelope = decoded.value();
    EXPECT_EQ(static_cast<std::size_t>(envelope->body_type()), i + 1);
    EXPECT_EQ(envelope->source()->str(), "test");
    EXPECT_EQ(envelope->sequence(), 42u);
    EXPECT_EQ(envelope->event_time_ns(), 1'700'000'000'000'000'000);
    EXPECT_GT(envelope->publish_time_ns(), 1'700'000'000'000'000'000);
  }
}

TEST(Envelope, BarFieldsSurviveTheRoundTrip) {
  const auto samples = sampleOfEveryMessageType();
  const auto bar = decode(view(samples[0])).value()->body_as_Bar();
  ASSERT_NE(bar, nullptr);
  EXPECT_EQ(bar->symbol()->str(), "BTCUSDT");
  EXPECT_EQ(bar->open_e8(), 100);
  EXPECT_EQ(bar->high_e8(), 120);
  EXPECT_EQ(bar->low_e8(), 90);
  EXPECT_EQ(bar->close_e8(), 110);
  EXPECT_EQ(bar->sequence(), 7u);
  EXPECT_EQ(typeName(msg::Body::Bar), "Bar");
}

TEST(Envelope, EveryTruncationOfEveryTypeIsRejectedNotCrashed) {
  for (const auto& sample : sampleOfEveryMessageType()) {
    for (std::size_t length = 0; length < sample.size(); ++length) {
      EXPECT_FALSE(decode({sample.data(), length}).ok()) << "accepted a " << length << "-byte prefix";
    }
  }
}

// Random corruption may happen to produce a valid message; it must never crash or read out of
// bounds (run under ASan to see the latter), and an accepted one must pass the same checks.
TEST(Envelope, RandomByteFlipsNeverCrashTheDecoder) {
  std::mt19937 random(11);
  for (const auto& sample : sampleOfEveryMessageType()) {
    for (int round = 0; round < 2000; ++round) {
      auto corrupt = sample;
      const int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f) corrupt[random() % corrupt.size()] = std::byte(random() & 0xff);
      const auto decoded = decode(view(corrupt));
      if (decoded.ok()) {
        EXPECT_NE(decoded.value()->source(), nullptr);
      }
    }
  }
}

TEST(Envelope, TrailingBytesAreRejected) {
  for (const auto& sample : sampleOfEveryMessageType()) {
    auto extended = sample;
    extended.push_back(std::byte{0});
    EXPECT_EQ(decode(view(extended)).error().code, DecodeError::kVerifyFailed);
  }
}

TEST(Envelope, WrongIdentifierIsRejected) {
  auto bytes = sampleOfEveryMessageType()[0];
  bytes[8] = std::byte{'X'};  // after the size prefix and the root offset
  EXPECT_EQ(decode(view(bytes)).error().code, DecodeError::kWrongIdentifier);
}

TEST(Envelope, UnknownBodyTypeIsRejected) {
  EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto alert = msg::CreateAlert(fbb, msg::Severity::Info, fbb.CreateString("r"), fbb.CreateString("m"));
  const auto source = fbb.CreateString("test");
  const auto envelope = msg::CreateEnvelope(fbb, source, 0, 0, 0, static_cast<msg::Body>(200), alert.Union());
  fbb.FinishSizePrefixed(envelope, msg::EnvelopeIdentifier());
  const auto bytes = owned({reinterpret_cast<const std::byte*>(fbb.GetBufferPointer()), fbb.GetSize()});
  const auto decoded = decode(view(bytes));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, DecodeError::kUnknownType);
  EXPECT_NE(decoded.error().message.find("200"), std::string::npos);
}

std::vector<std::byte> barWith(std::int64_t high, std::int64_t low, std::string_view symbol = "BTCUSDT") {
  EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto bar = msg::CreateBar(fbb, fbb.CreateString(symbol.data(), symbol.size()), 60, 0, 100, high, low, 100, 1, 1, 1, 0);
  const auto bytes = builder.finish(EnvelopeHeader{"ingest", 0, 0, 0}, bar);
  return {bytes.begin(), bytes.end()};
}

TEST(Envelope, BarWithHighBelowLowIsRejectedNamingTheFields) {
  const auto decoded = decode(view(barWith(90, 95)));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, DecodeError::kOutOfRange);
  EXPECT_NE(decoded.error().message.find("Bar.low_e8"), std::string::npos) << decoded.error().message;
}

TEST(Envelope, EmptyOrOverlongSymbolIsRejected) {
  EXPECT_NE(decode(view(barWith(120, 90, ""))).error().message.find("Bar.symbol"), std::string::npos);
  EXPECT_FALSE(decode(view(barWith(120, 90, std::string(40, 'X')))).ok());
}

TEST(Envelope, OutOfRangeEnumIsRejectedNamingTheField) {
  EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto intent = msg::CreateOrderIntent(fbb, fbb.CreateString("id"), fbb.CreateString("s"), fbb.CreateString("BTCUSDT"),
                                             msg::IntentAction::New, static_cast<msg::Side>(7), msg::OrderType::Market,
                                             msg::TimeInForce::GTC, 100);
  const auto bytes = owned(builder.finish(EnvelopeHeader{"engine", 0, 0, 0}, intent));
  const auto decoded = decode(view(bytes));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("OrderIntent.side"), std::string::npos) << decoded.error().message;
}

TEST(Envelope, LimitOrderWithoutLimitPriceIsRejected) {
  EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto intent = msg::CreateOrderIntent(fbb, fbb.CreateString("id"), fbb.CreateString("s"), fbb.CreateString("BTCUSDT"),
                                             msg::IntentAction::New, msg::Side::Buy, msg::OrderType::Limit,
                                             msg::TimeInForce::GTC, 100, 0);
  const auto bytes = owned(builder.finish(EnvelopeHeader{"engine", 0, 0, 0}, intent));
  const auto decoded = decode(view(bytes));
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("limit_price_e8"), std::string::npos) << decoded.error().message;
}

TEST(Envelope, RejectedDecisionMustNameItsRule) {
  EnvelopeBuilder builder;
  auto& fbb = builder.fbb();
  const auto decision = msg::CreateRiskDecision(fbb, fbb.CreateString("id"), false, msg::RiskRule::None);
  const auto bytes = owned(builder.finish(EnvelopeHeader{"risk", 0, 0, 0}, decision));
  EXPECT_EQ(decode(view(bytes)).error().code, DecodeError::kOutOfRange);
}

TEST(InboundGate, CountsAndDropsBadBuffersAndPassesGoodOnes) {
  InboundGate sut("test channel");
  const auto good = sampleOfEveryMessageType()[1];
  EXPECT_NE(sut.accept(view(good), 0), nullptr);
  EXPECT_EQ(sut.accept({good.data(), good.size() / 2}, 1), nullptr);
  EXPECT_EQ(sut.accept(view(barWith(1, 2)), 2), nullptr);
  EXPECT_EQ(sut.accepted(), 1u);
  EXPECT_EQ(sut.rejected(), 2u);
  EXPECT_NE(sut.lastRejection().find("Bar."), std::string::npos);
}

}  // namespace
}  // namespace rrr::messages

namespace rrr::messages {
namespace {

TEST(Envelope, MisalignedBufferIsRefusedByDecodeAndAlignedByTheGate) {
  const auto sample = rrr::testing::sampleOfEveryMessageType()[0];
  std::vector<std::uint64_t> storage(sample.size() / 8 + 2);
  auto* shifted = reinterpret_cast<std::byte*>(storage.data()) + 2;
  std::memcpy(shifted, sample.data(), sample.size());
  const std::span<const std::byte> misaligned{shifted, sample.size()};
  EXPECT_EQ(decode(misaligned).error().code, DecodeError::kMisaligned);
  InboundGate sut("zmq frames");
  const auto* envelope = sut.accept(misaligned, 0);
  ASSERT_NE(envelope, nullptr) << sut.lastRejection();
  EXPECT_EQ(envelope->body_as_Bar()->symbol()->str(), "BTCUSDT");
}

}  // namespace
}  // namespace rrr::messages
