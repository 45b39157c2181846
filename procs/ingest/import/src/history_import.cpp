#include "ingest/history_import.h"

#include <cctype>
#include <cstdio>
#include <map>

#include "ingest/ingest_config.h"
#include "run_lock.h"
#include "store/bar_import.h"

namespace rrr::ingest {
namespace {

store::BarRecord recordOf(const AggregatedBar& bar) {
  return {bar.open_time_ns, bar.open_e8, bar.high_e8, bar.low_e8, bar.close_e8, bar.volume_e8, bar.quote_volume_e8, bar.trade_count};
}

}  // namespace

std::optional<std::pair<std::string, std::optional<std::int64_t>>> seriesFromName(const std::filesystem::path& path) {
  auto name = path.filename().string();
  const auto dash = name.find('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  const auto symbol = name.substr(0, dash);
  for (const char c : symbol) {
    if (!std::isupper(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  }
  const auto rest = name.substr(dash + 1);
  const auto token = rest.substr(0, rest.find_first_of("-."));
  if (token == "trades" || token == "aggTrades") return std::make_pair(symbol, std::optional<std::int64_t>());
  const auto interval = parseIntervalSeconds(token);
  if (!interval) return std::nullopt;
  return std::make_pair(symbol, interval);
}

Result<FileImport, std::string> importFile(store::MarketShards& shards, const std::filesystem::path& path, const ImportRequest& request) {
  const auto named = seriesFromName(path);
  FileImport result;
  if (request.symbol) {
    result.symbol = *request.symbol;
  } else if (named) {
    result.symbol = named->first;
  } else {
    return makeError(path.string() + ": cannot tell the symbol from the name (SYMBOL-1m-...); give --symbol");
  }
  MarketFileSpec spec{path, FileFormat::kBinanceKlines, request.csv};
  if (request.format) {
    spec.format = *request.format;
  } else {
    auto guessed = guessFormat(path);
    if (!guessed.ok()) return makeError(guessed.error().message);
    spec.format = guessed.value();
  }
  const std::int64_t interval_s = request.interval_s.value_or(named && named->second ? *named->second : 60);
  auto file = readMarketFile(spec);
  if (!file.ok()) return makeError(file.error().message);
  const std::vector<StreamInfo> streams{{result.symbol, interval_s, file->kind, path.string()}};
  auto pipeline = IngestPipeline::create(streams, {request.aggregate_s, false, request.policy});
  if (!pipeline.ok()) return makeError(pipeline.error().message);

  std::map<std::int64_t, std::vector<store::BarRecord>> by_interval;
  std::vector<OutMessage> out;
  const auto drain = [&] {
    for (const auto& message : out) by_interval[message.interval_s].push_back(recordOf(message.bar));
    out.clear();
  };
  SourceItem item;
  item.naming = &file->naming;
  const auto interval_ns = interval_s * 1'000'000'000;
  if (file->kind == FileKind::kBars) {
    for (const auto& row : file->bars) {
      item.bar = row;
      item.time_ns = row.open_time_ns + interval_ns;
      pipeline->take(item, out);
      drain();
    }
    result.rows = file->bars.size();
  } else {
    for (const auto& trade : file->trades) {
      item.trade = trade;
      item.time_ns = trade.tick.time_ns;
      pipeline->take(item, out);
      drain();
    }
    result.rows = file->trades.size() + file->rejected_trades;
  }
  pipeline->finish(out);
  drain();
  for (const auto& [interval, bars] : by_interval) {
    auto written = store::importBars(shards, result.symbol, interval, bars);
    if (!written.ok()) return makeError(path.string() + ": " + written.error().message);
    result.bars += bars.size();
    result.added += written->added;
    result.present += written->present;
  }
  result.summary = pipeline->summary();
  return result;
}

int importHistory(const std::filesystem::path& db_dir, const std::filesystem::path& run_dir,
                  const std::vector<std::filesystem::path>& files, const ImportRequest& request) {
  if (const pid_t pid = supervisor::RunLock::runningSupervisor(run_dir); pid != 0) {
    std::fprintf(stderr, "import: rrr is running (pid %d) and rrr-store is then the only writer; `rrr-supervisor stop` first\n", pid);
    return 1;
  }
  std::filesystem::create_directories(db_dir);
  store::MarketShards shards(db_dir);
  int failures = 0;
  for (const auto& file : files) {
    auto imported = importFile(shards, file, request);
    if (!imported.ok()) {
      std::fprintf(stderr, "import: %s\n", imported.error().message.c_str());
      ++failures;
      continue;
    }
    for (const auto& line : imported->summary) std::printf("%s\n", line.c_str());
    std::printf("%s: %llu bars of %s: %llu new, %llu already present\n", file.c_str(),
                static_cast<unsigned long long>(imported->bars), imported->symbol.c_str(),
                static_cast<unsigned long long>(imported->added), static_cast<unsigned long long>(imported->present));
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace rrr::ingest
