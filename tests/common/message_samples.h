#pragma once
// One valid sample of every message type, finished as an Envelope.

#include <cstddef>
#include <vector>

#include "common/messages/envelope.h"

namespace rrr::testing {

// Every Body type in union order, each a valid finished Envelope.
std::vector<std::vector<std::byte>> sampleOfEveryMessageType();

}  // namespace rrr::testing
