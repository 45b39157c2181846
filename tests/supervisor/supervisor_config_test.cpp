// Bad configs are refused with file, line and key and exit code 2, and nothing is started.
#include <gtest/gtest.h>

#include <random>

#include "../../supervisor/src/config_checks.h"
#include "../../supervisor/src/restart_policy.h"
#include "../../supervisor/src/rotating_log.h"
#include "support/file_text.h"
#include "support/unique_name.h"
#include "rrr_system.h"
#include "supervisor/config.h"

namespace rrr::testing {
namespace {

struct BadConfig {
  const char* name;
  std::string from;      // replaced in the good pipeline config...
  std::string to;        // ...by this
  std::string expected;  // in the error, after "rrr.yml:<line>: "
  int line;
};

// Line numbers refer to pipelineConfig() (rrr_system.cpp).
const BadConfig kBadConfigs[] = {
    {"UnknownKey", "  watchdog_ms: 1000", "  watchdog_ms: 1000\n  heartbeet_ms: 5", "unknown key 'heartbeet_ms' in supervisor", 5},
    {"MissingBinary", "binary: rrr-risk", "binary: rrr-no-such-process", "processes.risk.binary 'rrr-no-such-process' is not an executable", 20},
    {"DependencyCycle", "store: {binary: rrr-store,", "store: {binary: rrr-store, depends_on: [engine],", "makes a cycle", 13},
    {"BadValue", "watchdog_ms: 1000", "watchdog_ms: soon", "supervisor.watchdog_ms = 'soon' must be a whole number", 4},
    {"BadRestartPolicy", "store: {binary: rrr-store,", "store: {binary: rrr-store, restart: sometimes,", "processes.store.restart = 'sometimes'", 13},
    {"RealtimePriorityOutOfRange", "store: {binary: rrr-store,", "store: {binary: rrr-store, realtime_priority: 100,",
     "processes.store.realtime_priority = '100' must be a whole number from 0", 13},
    {"CpuNotANumber", "store: {binary: rrr-store,", "store: {binary: rrr-store, cpus: [0, one],",
     "processes.store.cpus entry 'one' must be a whole number from 0 to 1023", 13},
    {"CpuListedTwice", "store: {binary: rrr-store,", "store: {binary: rrr-store, cpus: [1, 1],", "processes.store.cpus lists 1 twice", 13},
    {"BadIdleCores", "  watchdog_ms: 1000", "  watchdog_ms: 1000\n  idle_cores: sometimes", "supervisor.idle_cores = 'sometimes' must be halt or poll", 5},
    {"RingOfUnknownProcess", "producer: risk,", "producer: riks,", "rings.decision names 'riks'", 10},
    {"YamlSyntax", "processes:", "processes: [", "", 0},
};

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, IsRefusedNamingFileLineAndKeyAndStartsNothing) {
  const auto& bad = GetParam();
  auto text = pipelineConfig();
  const auto at = text.find(bad.from);
  ASSERT_NE(at, std::string::npos) << bad.from;
  text.replace(at, bad.from.size(), bad.to);
  RrrSystem sut(text);
  const auto result = sut.supervisor({"start"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  const std::string where = sut.configPath().string() + ":" + (bad.line > 0 ? std::to_string(bad.line) + ": " : "");
  EXPECT_NE(result.output.find(where), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(bad.expected), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(sut.root() / "run")) << "something was started";
}

INSTANTIATE_TEST_SUITE_P(Configs, BadConfigTest, ::testing::ValuesIn(kBadConfigs),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(SupervisorConfig, DefaultConfigOfTheRepositoryLoads) {
  const auto repo = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const auto config = supervisor::loadConfig(repo / "config" / "rrr.yml", binDirectory());
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->processes.size(), 6u);
  EXPECT_EQ(config->processes.front().name, "store");  // dependency order
  EXPECT_EQ(config->processes.back().name == "engine" || config->processes.back().name == "monitor", true);
}

// rrr-store pinned with realtime stages got no intent through an unpaced feed (docs/LATENCY.md, Pinned).
TEST(SupervisorConfig, ANormalProcessPinnedOnlyToCpusOfRealtimeProcessesIsWarnedAbout) {
  const auto warningsFor = [](const std::string& store_cpus) {
    auto text = pipelineConfig();
    text.replace(text.find("store: {binary: rrr-store,"), 26, "store: {binary: rrr-store, cpus: " + store_cpus + ",");
    text.replace(text.find("infer: {binary: rrr-infer,"), 26, "infer: {binary: rrr-infer, realtime_priority: 10, cpus: [0],");
    text.replace(text.find("risk: {binary: rrr-risk,"), 24, "risk: {binary: rrr-risk, realtime_priority: 10, cpus: [0, 1],");
    RrrSystem sut(text);
    const auto config = supervisor::loadConfig(sut.configPath(), binDirectory());
    EXPECT_TRUE(config.ok()) << config.error().message;
    return config.ok() ? supervisor::detail::starvationWarnings(*config) : std::vector<std::string>{};
  };
  const auto warnings = warningsFor("[0]");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("processes.store runs under the normal scheduler only on CPUs that realtime processes (infer, risk)"),
            std::string::npos)
      << warnings[0];
  EXPECT_EQ(warningsFor("[1]").size(), 1u) << "risk is realtime on CPU 1 too";
  EXPECT_TRUE(warningsFor("[1, 2]").empty()) << "CPU 2 is no realtime process's";
}

TEST(SupervisorConfig, InstallServiceWritesAUserUnitThatStartsInTheForeground) {
  RrrSystem sut(pipelineConfig());
  const auto home = sut.root() / "home";
  std::filesystem::create_directories(home);
  setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
  const auto result = sut.supervisor({"install-service"});
  unsetenv("XDG_CONFIG_HOME");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto text = fileText(home / ".config" / "systemd" / "user" / "rrr.service");
  EXPECT_NE(text.find("ExecStart=" + binDirectory() + "/rrr-supervisor --config " + sut.configPath().string() +
                      " start --foreground"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("WantedBy=default.target"), std::string::npos);
}

TEST(RestartPolicy, BackoffDoublesUpToItsCapWithTwentyPercentJitter) {
  supervisor::ProcessSpec spec;
  spec.backoff_initial = std::chrono::milliseconds(100);
  spec.backoff_max = std::chrono::milliseconds(1000);
  std::mt19937_64 random(1);
  for (int failures = 1; failures <= 8; ++failures) {
    const double expected = std::min(100.0 * (1 << (failures - 1)), 1000.0);
    for (int sample = 0; sample < 50; ++sample) {
      const auto delay = static_cast<double>(supervisor::backoffDelay(spec, failures, random).count());
      EXPECT_GE(delay, expected * 0.8 - 1);
      EXPECT_LE(delay, expected * 1.2 + 1);
    }
  }
}

TEST(RestartPolicy, IntensityLimitCountsOnlyRestartsWithinTheWindow) {
  supervisor::RestartIntensity sut;
  const auto start = supervisor::Clock::now();
  EXPECT_FALSE(sut.recordAndExceeds(start, 2, std::chrono::seconds(10)));
  EXPECT_FALSE(sut.recordAndExceeds(start + std::chrono::seconds(1), 2, std::chrono::seconds(10)));
  EXPECT_TRUE(sut.recordAndExceeds(start + std::chrono::seconds(2), 2, std::chrono::seconds(10)));
  EXPECT_FALSE(sut.recordAndExceeds(start + std::chrono::seconds(30), 2, std::chrono::seconds(10)));
  EXPECT_TRUE(supervisor::shouldRestart(supervisor::RestartPolicy::kOnFailure, false));
  EXPECT_FALSE(supervisor::shouldRestart(supervisor::RestartPolicy::kOnFailure, true));
  EXPECT_FALSE(supervisor::shouldRestart(supervisor::RestartPolicy::kNever, false));
}

}  // namespace
}  // namespace rrr::testing

namespace rrr::testing {
namespace {

TEST(RotatingLog, RotatesBySizeAndKeepsTheConfiguredNumberOfFiles) {
  const auto dir = std::filesystem::temp_directory_path() / uniqueName("rrr-log");
  {
    supervisor::RotatingLog sut(dir / "engine.log", 100, 2);
    for (int i = 0; i < 10; ++i) sut.write(std::string(40, static_cast<char>('a' + i)) + "\n");
    sut.flush();
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "engine.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "engine.log.1"));
  EXPECT_TRUE(std::filesystem::exists(dir / "engine.log.2"));
  EXPECT_FALSE(std::filesystem::exists(dir / "engine.log.3"));
  EXPECT_LE(std::filesystem::file_size(dir / "engine.log"), 100u);
  const auto text = fileText(dir / "engine.log");
  EXPECT_EQ(text, std::string(40, 'i') + "\n" + std::string(40, 'j') + "\n") << "the newest lines are in the current file";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rrr::testing
