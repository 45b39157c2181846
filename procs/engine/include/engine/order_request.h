#pragma once
// What an order asks for: the part a strategy chooses, shared by the venue's orders.

#include <cstdint>
#include <string>

#include "engine/portfolio.h"
#include "schemas/common_generated.h"

namespace rrr::engine {

struct OrderRequest {
  std::string symbol;
  Side side = Side::kBuy;
  msg::OrderType type = msg::OrderType::Market;
  msg::TimeInForce time_in_force = msg::TimeInForce::GTC;
  std::int64_t quantity_e8 = 0;
  std::int64_t limit_price_e8 = 0;   // limit and stop-limit orders
  std::int64_t stop_price_e8 = 0;    // stop and stop-limit orders
};

}  // namespace rrr::engine
