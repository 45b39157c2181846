#pragma once
// ../shared/data (reference data written by others) beside the repository. Tests that need it
// skip with a message where it is absent, except under CI (CI=true), where absence is a failure.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rrr::testing {

inline std::filesystem::path sharedData() {
  // __FILE__ may hold "." components (include paths like tests/.): normalise before climbing.
  return std::filesystem::path(__FILE__).lexically_normal().parent_path().parent_path().parent_path().parent_path() /
         "shared" / "data";
}

inline bool underCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace rrr::testing

#define RRR_REQUIRE_SHARED_DATA()                                                                      \
  do {                                                                                                 \
    if (!std::filesystem::exists(::rrr::testing::sharedData())) {                                      \
      ASSERT_FALSE(::rrr::testing::underCi()) << ::rrr::testing::sharedData() << " is missing under CI"; \
      GTEST_SKIP() << ::rrr::testing::sharedData() << " is not here (it is beside the repository in CI)"; \
    }                                                                                                  \
  } while (false)
