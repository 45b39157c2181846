#include "common/process/transform_agent.h"

#include <spdlog/spdlog.h>

#include "common/process/resume.h"

namespace rrr::process {

TransformAgent::TransformAgent(InputStream input, OutputStream output)
    : input_(std::move(input)), output_(std::move(output)) {
  last_cause_ = resumeAfterLastOutput(input_.consumer(), output_.producer());
  if (last_cause_) spdlog::info("resuming after input {} (cause of the last output)", *last_cause_);
}

int TransformAgent::doWork() {
  return input_.poll([this](const msg::Envelope& envelope, std::uint64_t sequence) {
    const auto before = output_.producer().nextSequence();
    const bool done = handle(envelope, sequence, output_) == Outcome::kDone;
    if (done && output_.producer().nextSequence() != before) last_cause_ = sequence;
    return done;
  });
}

}  // namespace rrr::process
