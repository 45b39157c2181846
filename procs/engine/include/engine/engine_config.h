#pragma once
// rrr-engine's settings (`processes.engine.settings`):
//
//   account: {currency: USDT, starting_cash: 100000}
//   paper: {taker_fee_bps: 10, maker_fee_bps: 2, slippage_bps: 1, impact_bps: 50,
//           max_volume_share: 0.1, latency_ms: 50}
//   fill_interval_s: 60        the bars the paper venue fills on
//   snapshot_every_s: 60       a PortfolioSnapshot every this much event time (and on every fill)
//   checkpoint_every_ms: 1000  how often the state is written to data/engine/checkpoint.json
//   decision_timeout_ms: 1000  waiting longer for rrr-risk makes the engine report Degraded
//   strategies: [...]          see engine/strategies.h
//
// Every value is checked; an error names the file, line and key.

#include <chrono>
#include <memory>
#include <vector>

#include "common/process/process_settings.h"
#include "common/result.h"
#include "engine/strategy.h"
#include "engine/trading_core.h"

namespace rrr::engine {

struct EngineSettings {
  CoreConfig core;
  std::vector<std::unique_ptr<Strategy>> strategies;
  std::chrono::milliseconds checkpoint_every{1000};
  std::chrono::milliseconds decision_timeout{1000};
};

Result<EngineSettings, std::string> loadEngineSettings(process::ProcessSettings& settings);

}  // namespace rrr::engine
