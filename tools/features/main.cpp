// rrr-features FILE --indicator rsi:14 --indicator macd:12,26,9 ...: indicator series of an OHLCV
// file as CSV on stdout (blank until an indicator has enough bars), so that they can be checked
// against another library. --feature prints the model features instead (common/features).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "features/feature_set.h"
#include "features/indicator_spec.h"
#include "ingest/ohlcv_file.h"

namespace {

using namespace rrr;

struct Options {
  std::string file;
  std::string format;
  std::string time_column = "timestamp";
  std::string time_unit = "auto";
  std::string convention = "talib";
  std::vector<std::string> indicators;
  std::vector<std::string> features;
};

void printCell(const std::optional<double>& value) {
  if (value) std::printf(",%.10g", *value);
  else std::printf(",");
}

int run(const Options& options) {
  if (options.convention != "talib" && options.convention != "tulip") {
    std::fprintf(stderr, "--convention %s: expected talib or tulip\n", options.convention.c_str());
    return 2;
  }
  const auto convention = options.convention == "tulip" ? features::Convention::kTulip : features::Convention::kTaLib;
  std::vector<features::IndicatorSpec> indicators;
  for (const auto& text : options.indicators) {
    auto spec = features::IndicatorSpec::parse(text, convention);
    if (!spec.ok()) {
      std::fprintf(stderr, "%s\n", spec.error().message.c_str());
      return 2;
    }
    indicators.push_back(std::move(spec).value());
  }
  std::optional<features::FeatureStream> feature_stream;
  if (!options.features.empty()) {
    auto stream = features::FeatureStream::create(options.features);
    if (!stream.ok()) {
      std::fprintf(stderr, "%s\n", stream.error().message.c_str());
      return 2;
    }
    feature_stream.emplace(std::move(stream).value());
  }
  const auto bars = ingest::readOhlcvFile({options.file, options.format, options.time_column, options.time_unit});
  if (!bars.ok()) {
    std::fprintf(stderr, "%s\n", bars.error().message.c_str());
    return 1;
  }
  std::printf("open_time_ns,close");
  for (const auto& indicator : indicators) {
    for (const auto& column : indicator.columns()) std::printf(",%s", column.c_str());
  }
  if (feature_stream) {
    for (const auto& name : feature_stream->names()) std::printf(",%s", name.c_str());
  }
  std::printf("\n");
  for (const auto& bar : *bars) {
    std::printf("%lld,%.10g", static_cast<long long>(bar.open_time_ns), bar.close);
    for (auto& indicator : indicators) {
      for (const auto& value : indicator.update(bar)) printCell(value);
    }
    if (feature_stream) {
      const auto row = feature_stream->update(bar);
      for (std::size_t i = 0; i < feature_stream->width(); ++i) printCell(row ? std::optional<double>((*row)[i]) : std::nullopt);
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rrr-features: indicator series (or model features) of an OHLCV file, as CSV"};
  Options options;
  app.add_option("file", options.file, "OHLCV file: Binance klines, freqtrade candles, or a CSV with named columns")->required();
  app.add_option("--indicator", options.indicators,
                 "sma:N ema:N wilders:N rsi:N stddev:N[,K] tr atr:N natr:N macd:F,S,G bbands:N[,K[,KDOWN]]");
  app.add_option("--feature", options.features, "a model feature (ret:N, rsi:N, ... see common/features/feature_set.h); 'default' for all of the default model's");
  app.add_option("--convention", options.convention, "seeding of EMA, ATR, true range and MACD: talib or tulip");
  app.add_option("--format", options.format, "binance_klines, freqtrade_candles or csv (default: guessed from the name)");
  app.add_option("--time-column", options.time_column, "csv: the time column's name");
  app.add_option("--time-unit", options.time_unit, "csv: auto, s, ms, us, ns or datetime");
  CLI11_PARSE(app, argc, argv);
  if (options.indicators.empty() && options.features.empty()) {
    std::fprintf(stderr, "name at least one --indicator or --feature\n");
    return 2;
  }
  if (options.features.size() == 1 && options.features[0] == "default") options.features = rrr::features::defaultFeatureNames();
  return run(options);
}
