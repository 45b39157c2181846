#include "engine/order_state.h"

namespace rrr::engine {

using msg::OrderStatus;

bool isFinal(OrderStatus status) {
  return status == OrderStatus::Filled || status == OrderStatus::Cancelled || status == OrderStatus::Rejected ||
         status == OrderStatus::Expired;
}

bool isAllowed(OrderStatus from, OrderStatus to) {
  switch (from) {
    case OrderStatus::New: return to == OrderStatus::Accepted || to == OrderStatus::Rejected;
    case OrderStatus::Accepted:
    case OrderStatus::PartiallyFilled:
      return to == OrderStatus::PartiallyFilled || to == OrderStatus::Filled || to == OrderStatus::Cancelled ||
             to == OrderStatus::Expired;
    default: return false;
  }
}

}  // namespace rrr::engine
