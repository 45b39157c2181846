#pragma once
// 1m bars of one symbol of the seeded synthetic market (procs/ingest/synthetic_market.h), for
// training without any file: the same process as the live default feed, another seed.

#include <cstdint>
#include <string>
#include <vector>

#include "features/indicators.h"

namespace rrr::train {

std::vector<features::Ohlcv> syntheticBars(std::size_t days, std::uint64_t seed, const std::string& symbol);

}  // namespace rrr::train
