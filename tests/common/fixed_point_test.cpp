#include <gtest/gtest.h>

#include "common/fixed_point.h"

namespace rrr {
namespace {

TEST(FixedPoint, ParsesDecimalTextExactly) {
  EXPECT_EQ(parseFixed("0.00141342"), 141342);
  EXPECT_EQ(parseFixed("46319.0"), 4'631'900'000'000);
  EXPECT_EQ(parseFixed("-12"), -1'200'000'000);
  EXPECT_EQ(parseFixed("2300413.7295"), 230'041'372'950'000);
  EXPECT_EQ(parseFixed(".5"), 50'000'000);
  EXPECT_EQ(parseFixed("\"90.540000\""), 9'054'000'000);
}

TEST(FixedPoint, RoundsBeyondEightDecimalsAndParsesExponents) {
  EXPECT_EQ(parseFixed("0.0155712699999999"), 1'557'127);
  EXPECT_EQ(parseFixed("0.123456784"), 12'345'678);
  EXPECT_EQ(parseFixed("8.794e-05"), 8794);
}

TEST(FixedPoint, RejectsTextThatIsNotAFiniteNumberThatFits) {
  EXPECT_FALSE(parseFixed(""));
  EXPECT_FALSE(parseFixed("abc"));
  EXPECT_FALSE(parseFixed("1.2.3"));
  EXPECT_FALSE(parseFixed("nan"));
  EXPECT_FALSE(parseFixed("1e300"));
  EXPECT_FALSE(parseFixed("99999999999999"));
  EXPECT_FALSE(parseFixed("-"));
}

TEST(FixedPoint, FormatsWithAllEightDecimals) {
  EXPECT_EQ(formatFixed(141342), "0.00141342");
  EXPECT_EQ(formatFixed(-1'200'000'000), "-12.00000000");
  EXPECT_EQ(formatFixed(INT64_MIN), "-92233720368.54775808");
}

}  // namespace
}  // namespace rrr
