#pragma once
// TransformAgent: an agent that turns each message of one input ring into at most one message of
// one output ring (infer: Bar -> Prediction, risk: OrderIntent -> RiskDecision, ...).
//
// Outputs carry the input's sequence as cause_sequence; on start the input is moved past the cause
// of the last output, so a process killed between publishing and committing emits nothing twice.

#include "common/process/streams.h"

namespace rrr::process {

class TransformAgent : public Agent {
 public:
  enum class Outcome { kDone, kHeldBack };   // kHeldBack: the output is back-pressured; retry later

  int doWork() override;
  void idle(std::chrono::milliseconds max_wait) override { input_.waitForMessage(max_wait); }
  void prepareForBurst() override { output_.producer().prefaultAhead(); }
  std::vector<RingLagReport> ringLags() const override { return {input_.lag()}; }

 protected:
  TransformAgent(InputStream input, OutputStream output);

  // Handles one verified input message, publishing its output (if any) with cause = sequence.
  virtual Outcome handle(const msg::Envelope& input, std::uint64_t sequence, OutputStream& output) = 0;

  InputStream& input() { return input_; }
  OutputStream& output() { return output_; }
  // The input sequence the last output came from (nothing before the first). A message that
  // follows no single input (a state change, an alert) takes it as its cause, so that resuming
  // after it skips nothing and repeats nothing.
  std::optional<std::uint64_t> lastCause() const { return last_cause_; }

 private:
  InputStream input_;
  OutputStream output_;
  std::optional<std::uint64_t> last_cause_;
};

// Converts a publish status into the outcome of handling the input.
inline TransformAgent::Outcome outcomeOf(ring::PublishStatus status) {
  return status == ring::PublishStatus::kOk ? TransformAgent::Outcome::kDone : TransformAgent::Outcome::kHeldBack;
}

}  // namespace rrr::process
