#include "features/indicator_spec.h"

#include <memory>

#include "parameter_list.h"

namespace rrr::features {
namespace {

using Values = std::vector<std::optional<double>>;

Values one(std::optional<double> value) { return {value}; }

}  // namespace

Result<IndicatorSpec, std::string> IndicatorSpec::parse(const std::string& text, Convention convention) {
  const auto colon = text.find(':');
  const std::string name = text.substr(0, colon);
  const std::string what = "indicator '" + text + "'";
  RRR_ASSIGN_OR_RETURN(const auto numbers, parameterList(what, colon == std::string::npos ? "" : text.substr(colon + 1)));
  const auto expect = [&](std::size_t least, std::size_t most, const char* form) -> Status<std::string> {
    if (numbers.size() < least || numbers.size() > most) return makeError(what + ": expected " + form);
    return {};
  };
  std::vector<std::size_t> periods;
  for (std::size_t i = 0; i < numbers.size() && name != "bbands" && name != "stddev"; ++i) {
    RRR_ASSIGN_OR_RETURN(const auto period, periodOf(what, numbers[i]));
    periods.push_back(period);
  }
  IndicatorSpec spec;
  spec.text_ = text;
  const auto single = [&](const char* form) -> Status<std::string> {
    if (auto status = expect(1, 1, form); !status.ok()) return status;
    spec.columns_ = {text};
    return {};
  };
  Status<std::string> status;
  if (name == "sma") {
    status = single("sma:N");
    spec.update_ = [sma = std::make_shared<Sma>(periods.empty() ? 1 : periods[0])](const Ohlcv& bar) { return one(sma->update(bar.close)); };
  } else if (name == "ema") {
    status = single("ema:N");
    spec.update_ = [ema = std::make_shared<Ema>(periods.empty() ? 1 : periods[0], convention)](const Ohlcv& bar) {
      return one(ema->update(bar.close));
    };
  } else if (name == "wilders") {
    status = single("wilders:N");
    spec.update_ = [w = std::make_shared<Wilder>(periods.empty() ? 1 : periods[0])](const Ohlcv& bar) { return one(w->update(bar.close)); };
  } else if (name == "rsi") {
    status = single("rsi:N");
    spec.update_ = [rsi = std::make_shared<Rsi>(periods.empty() ? 1 : periods[0])](const Ohlcv& bar) { return one(rsi->update(bar.close)); };
  } else if (name == "atr" || name == "natr") {
    status = single("atr:N or natr:N");
    const bool normalized = name == "natr";
    spec.update_ = [atr = std::make_shared<Atr>(periods.empty() ? 1 : periods[0], convention), normalized](const Ohlcv& bar) {
      auto value = atr->update(bar);
      if (value && normalized) value = bar.close != 0 ? std::optional<double>(100.0 * *value / bar.close) : std::nullopt;
      return one(value);
    };
  } else if (name == "tr") {
    status = expect(0, 0, "tr (no parameters)");
    spec.columns_ = {"tr"};
    spec.update_ = [tr = std::make_shared<TrueRange>(convention)](const Ohlcv& bar) { return one(tr->update(bar)); };
  } else if (name == "stddev") {
    status = expect(1, 2, "stddev:N or stddev:N,K");
    if (status.ok()) {
      RRR_ASSIGN_OR_RETURN(const auto period, periodOf(what, numbers[0]));
      spec.columns_ = {text};
      spec.update_ = [sd = std::make_shared<StdDev>(period, numbers.size() > 1 ? numbers[1] : 1.0)](const Ohlcv& bar) {
        return one(sd->update(bar.close));
      };
    }
  } else if (name == "bbands") {
    status = expect(1, 3, "bbands:N, bbands:N,K or bbands:N,KUP,KDOWN");
    if (status.ok()) {
      RRR_ASSIGN_OR_RETURN(const auto period, periodOf(what, numbers[0]));
      const double up = numbers.size() > 1 ? numbers[1] : 2.0;
      const double down = numbers.size() > 2 ? numbers[2] : up;
      spec.columns_ = {"bbands_lower", "bbands_middle", "bbands_upper"};
      spec.update_ = [bands = std::make_shared<Bollinger>(period, up, down)](const Ohlcv& bar) {
        const auto value = bands->update(bar.close);
        if (!value) return Values(3);
        return Values{value->lower, value->middle, value->upper};
      };
    }
  } else if (name == "macd") {
    status = expect(3, 3, "macd:FAST,SLOW,SIGNAL");
    if (status.ok()) {
      spec.columns_ = {"macd", "macd_signal", "macd_hist"};
      spec.update_ = [macd = std::make_shared<Macd>(periods[0], periods[1], periods[2], convention)](const Ohlcv& bar) {
        const auto value = macd->update(bar.close);
        if (!value) return Values(3);
        return Values{value->macd, value->signal, value->histogram};
      };
    }
  } else {
    return makeError("indicator '" + text + "': unknown name '" + name +
                     "' (known: sma, ema, wilders, rsi, stddev, tr, atr, natr, macd, bbands)");
  }
  if (!status.ok()) return status.error();
  return spec;
}

}  // namespace rrr::features
