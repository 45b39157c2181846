#pragma once
// A whole rrr in a temporary folder, driven through the real rrr-supervisor binary, for
// multi-process tests. The destructor stops it and SIGKILLs anything left.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rrr::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;   // stdout and stderr
};

// The built-in pipeline (store, ingest, infer, risk, engine, monitor) with test-friendly timings;
// `extra` is appended under processes:.
// What `process` had not read of `ring` at its last heartbeat (status --json); -1 if not listed.
long long ringLag(const std::map<std::string, nlohmann::json>& status, const std::string& process, const std::string& ring);

std::string pipelineConfig(const std::string& extra_processes = "", const std::string& supervisor_extra = "");
// The engine's settings in pipelineConfig(): one ml_signal strategy on BTCUSDT and ETHUSDT. A test
// puts its own strategies in their place with replaceOnce.
inline constexpr const char* kPipelineStrategies =
    "settings: {strategies: [{id: model, type: ml_signal, symbols: [BTCUSDT, ETHUSDT], enter: 0.1, exit: 0.1, quantity: 0.01}]}";
// Replaces the first `from` in text (which must be there) by `to`.
void replaceOnce(std::string& text, const std::string& from, const std::string& to);

class RrrSystem {
 public:
  explicit RrrSystem(const std::string& config_text);
  ~RrrSystem();

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path configPath() const { return root_ / "rrr.yml"; }
  void writeConfig(const std::string& config_text) const;

  CommandResult supervisor(const std::vector<std::string>& arguments) const;
  CommandResult tap(const std::vector<std::string>& arguments) const;
  CommandResult db(const std::vector<std::string>& arguments) const;
  // Any rrr binary with --config (rrr-ingest import, ...) after its first argument, from root().
  CommandResult tool(const std::string& binary, const std::string& verb, const std::vector<std::string>& arguments) const;

  // status --json as {name: entry}; empty if the supervisor does not answer.
  std::map<std::string, nlohmann::json> status() const;
  pid_t pidOf(const std::string& name) const;
  pid_t supervisorPid() const;

  // Polls status until predicate(status) holds or timeout passes; true if it held.
  bool waitFor(const std::function<bool(const std::map<std::string, nlohmann::json>&)>& predicate,
               std::chrono::milliseconds timeout) const;

 private:
  std::filesystem::path root_;
};

// What `consumer` has not read of `ring`, from the ring's shared memory now (not a heartbeat's look);
// -1 if the ring or the consumer is not there.
long long ringConsumerLag(const RrrSystem& sut, const std::string& ring, const std::string& consumer);
// rrr-db query's CSV output (a header line, then the rows) on trading.db.
std::string query(const RrrSystem& sut, const std::string& sql);
// The first value of the first row of query(sql), for SELECT count(*) ...; -1 if there is no row.
long long count(const RrrSystem& sut, const std::string& sql);
// logs/system/<process>.log, which the runs of one RrrSystem share.
std::string logText(const RrrSystem& sut, const std::string& process);
// True if the process's log holds text.
bool logHas(const RrrSystem& sut, const std::string& process, const std::string& text);
// How many times text is in the process's log.
std::size_t logCount(const RrrSystem& sut, const std::string& process, const std::string& text);

// True if pid has exited (gone, or a zombie).
bool processGone(pid_t pid);

std::string binDirectory();

}  // namespace rrr::testing
