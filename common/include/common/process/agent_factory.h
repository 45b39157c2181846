#pragma once
// Opening an agent's streams with one log line per failure, for the agents' create() functions.

#include <spdlog/spdlog.h>

#include <optional>

#include "common/process/streams.h"

namespace rrr::process {

inline std::optional<InputStream> attachInput(ProcessRuntime& runtime, const std::string& ring,
                                              ring::ConsumerKind kind = ring::ConsumerKind::kDurable) {
  auto stream = InputStream::attach(runtime, ring, kind);
  if (!stream.ok()) {
    spdlog::error("cannot attach to ring {}: {}", ring, stream.error().message);
    return std::nullopt;
  }
  return std::move(stream).value();
}

inline std::optional<OutputStream> openOutput(ProcessRuntime& runtime, const std::string& ring) {
  auto stream = OutputStream::open(runtime, ring);
  if (!stream.ok()) {
    spdlog::error("cannot open ring {} as its producer: {}", ring, stream.error().message);
    return std::nullopt;
  }
  return std::move(stream).value();
}

}  // namespace rrr::process
