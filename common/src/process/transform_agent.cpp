#include "common/process/transform_agent.h"

#include <spdlog/spdlog.h>

#include "common/process/resume.h"

namespace rrr::process {

TransformAgent::TransformAgent(InputStream input, OutputStream output)
    : input_(std::move(input)), output_(std::move(output)) {
  if (const auto cause = resumeAfterLastOutput(input_.consumer(), output_.producer())) {
    spdlog::info("resuming after input {} (cause of the last output)", *cause);
  }
}

int TransformAgent::doWork() {
  return input_.poll([this](const msg::Envelope& envelope, std::uint64_t sequence) {
    return handle(envelope, sequence, output_) == Outcome::kDone;
  });
}

}  // namespace rrr::process
