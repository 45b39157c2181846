// EngineAgent across restarts: the checkpoint it restores and writes, and the publishing that
// checks regenerated output against what the rings already hold.
#include "engine/engine_agent.h"

#include <spdlog/spdlog.h>

#include "engine/engine_messages.h"
#include "engine_agent_internal.h"

namespace rrr::engine {

using namespace detail;

// Puts the state of the last checkpoint back and moves each ring to where it stood then. A ring
// made anew since (a whole-system restart) starts where it is; the state carries over.
Status<std::string> EngineAgent::restore() {
  RRR_ASSIGN_OR_RETURN(auto checkpoint, readCheckpoint(checkpoint_path_));
  if (!checkpoint) {
    const bool never_read = market_.consumer().cursor() == 0 && predictions_.consumer().cursor() == 0 && decisions_.consumer().cursor() == 0;
    if (never_read) {
      // Never checkpointed, so never committed: the inputs are read again from their start, and
      // whatever the output rings hold came from them.
      intents_.next = exec_.next = 0;
    } else {
      spdlog::warn("{} is missing but the rings were read before: starting from a fresh state after what they hold",
                   checkpoint_path_.string());
    }
    // Written before any input is taken: a power cut before the first periodic checkpoint then
    // still leaves a file saying that this state reflects no bar yet, and on rings made anew
    // rrr-ingest publishes its source from the start for it (ingest/engine_point.h).
    this->checkpoint(true);
    return {};
  }
  if (auto status = core_->restore(std::move(checkpoint->core)); !status.ok()) {
    return makeError(checkpoint_path_.string() + " does not fit the configured strategies: " + status.error().message);
  }
  const auto position = [&](const std::string& ring, std::uint64_t instance) -> std::optional<std::uint64_t> {
    const auto found = checkpoint->rings.find(ring);
    if (found == checkpoint->rings.end() || found->second.instance != instance) return std::nullopt;
    return found->second.next;
  };
  for (auto [name, input] : {std::pair{"md", &market_}, std::pair{"pred", &predictions_}, std::pair{"decision", &decisions_}}) {
    const auto next = position(name, instanceOf(*input));
    if (!next) continue;
    if (input->consumer().cursor() > *next) {
      return makeError(std::string("ring ") + name + " was committed past the checkpoint (" + std::to_string(input->consumer().cursor()) +
                       " > " + std::to_string(*next) + "): the checkpoint is older than the engine's own commits");
    }
    if (*next > 0) input->consumer().skipThrough(*next - 1);
  }
  for (auto [name, output] : {std::pair{"intent", &intents_}, std::pair{"exec", &exec_}}) {
    if (const auto next = position(name, instanceOf(output->stream))) output->next = std::min(*next, output->held_end);
  }
  if (position("decision", instanceOf(decisions_))) decisions_applied_ = checkpoint->decisions_applied;
  if (!position("exec", instanceOf(exec_.stream)) && exec_.held_end == 0) {
    // The rings were made anew (a reboot) while the state carried over: rrr-risk's view of the
    // account comes from the exec ring, now empty, so the account goes out before any intent.
    CoreOutput out;
    core_->snapshotNow(out);
    queue(std::move(out));
  }
  spdlog::info("restored the checkpoint at event time {}: {} orders not final, {} intents awaiting a decision; replaying {} intents and {} "
               "exec messages already published",
               core_->nowNs(), core_->ordersInFlight(), core_->awaitingDecisions(), intents_.held_end - intents_.next,
               exec_.held_end - exec_.next);
  return {};
}
// The intents go out right after the last snapshot (which rrr-risk must see before them) and
// before the rest of the exec records (new orders' records), which no one waits for.
void EngineAgent::queue(CoreOutput output) {
  std::size_t through_snapshot = 0;
  for (std::size_t i = 0; i < output.exec.size(); ++i) {
    if (std::holds_alternative<SnapshotRecord>(output.exec[i])) through_snapshot = i + 1;
  }
  for (std::size_t i = 0; i < through_snapshot; ++i) pending_.emplace_back(std::move(output.exec[i]));
  for (auto& intent : output.intents) pending_.emplace_back(std::move(intent));
  for (std::size_t i = through_snapshot; i < output.exec.size(); ++i) pending_.emplace_back(std::move(output.exec[i]));
}

bool EngineAgent::flush() {
  while (!pending_.empty()) {
    if (!publish(pending_.front())) return false;
    pending_.pop_front();
  }
  return true;
}

// Publishes one output, or, while replaying what the ring already holds, checks it against the
// ring and moves on.
bool EngineAgent::publish(const Pending& item) {
  const auto* intent = std::get_if<IntentOut>(&item);
  auto& output = intent != nullptr ? intents_ : exec_;
  // Built only when needed: a few string allocations per message otherwise.
  const auto keyOf = [&] { return intent != nullptr ? replayKey(*intent) : replayKey(std::get<ExecRecord>(item)); };
  if (output.next < output.held_end) {
    const auto key = keyOf();
    if (const auto held = output.stream.producer().segment().copyPublished(output.next)) {
      const auto decoded = messages::decode(*held);
      if (!decoded.ok() || replayKey(*decoded.value()) != key) {
        // Not what this engine published: stop replaying and publish from here on.
        ++replay_mismatches_;
        spdlog::error("replay differs from what the ring holds at {}: regenerated {}, held {}; publishing anew after the ring's end",
                      output.next, key, decoded.ok() ? replayKey(*decoded.value()) : decoded.error().message);
        for (auto* each : {&intents_, &exec_}) each->next = each->held_end = each->stream.producer().nextSequence();
        return publish(item);
      }
    }
    ++output.next;
    return true;
  }
  const auto status = intent != nullptr ? publishIntent(output.stream, *intent)
                                        : publishExec(output.stream, std::get<ExecRecord>(item), decisions_applied_);
  if (status == ring::PublishStatus::kMessageTooLarge) {
    spdlog::error("{} does not fit a ring slot; dropped", keyOf());
  } else if (status != ring::PublishStatus::kOk) {
    return false;
  }
  ++output.next;
  return true;
}

// The inputs are committed only by checkpoints. Once one holds more than half its ring taken but
// uncommitted, a checkpoint goes first, in a burst or while a decision is awaited: the full ring
// would stop its producer, and the engine may be waiting for that producer (rrr-risk with the
// awaited decision). REQUIRES: nothing pending, no input half handled.
void EngineAgent::checkpointForRoom() {
  if (!(market_.halfUncommitted() || predictions_.halfUncommitted() || decisions_.halfUncommitted())) return;
  if (Clock::now() < room_retry_at_) return;   // the last one failed (logged): not at every input
  if (!checkpoint(true)) room_retry_at_ = Clock::now() + kRoomCheckpointRetry;
}

bool EngineAgent::checkpoint(bool force) {
  settleCheckpoint(force);   // a forced one comes after the one under way
  if (under_way_) return true;   // the next is looked at once this one is over
  const bool urgent = force || force_checkpoint_;
  if (inputs_since_checkpoint_ == 0 && !urgent) return true;
  const auto now = Clock::now();
  const bool feed_stopped = !urgent && feedStopped(now);
  if (!urgent && !feed_stopped) {
    if (now - last_checkpoint_ < checkpoint_every_) return true;
    // A checkpoint copies the state here, and its writer's thread takes a core for the JSON and the
    // disk flushes (1.3-2.4 ms in a default run here): not from rrr-ingest's heads-up to the end of
    // its burst, nor just before the next heads-up of a paced feed, unless it is a whole interval
    // late (the inputs' commits wait for it).
    const bool in_or_near_burst = now - heads_up_at_ < kBurstQuiet || burstDueSoon(now);
    if (in_or_near_burst && now - last_checkpoint_ < 2 * checkpoint_every_) return true;
  }
  EngineCheckpoint checkpoint;
  checkpoint.core = core_->save();
  checkpoint.decisions_applied = decisions_applied_;
  CheckpointUnderWay under_way{{}, inputs_since_checkpoint_, feed_stopped};
  std::size_t at = 0;
  for (auto [name, input] : {std::pair{"md", &market_}, std::pair{"pred", &predictions_}, std::pair{"decision", &decisions_}}) {
    checkpoint.rings[name] = RingPosition{instanceOf(*input), input->consumer().cursor()};
    under_way.cursors[at++] = input->consumer().cursor();
  }
  checkpoint.rings["intent"] = RingPosition{instanceOf(intents_.stream), intents_.next};
  checkpoint.rings["exec"] = RingPosition{instanceOf(exec_.stream), exec_.next};
  checkpoint_writer_.start(std::move(checkpoint));
  under_way_ = under_way;
  inputs_since_checkpoint_ = 0;
  force_checkpoint_ = false;
  last_checkpoint_ = now;   // a failed one is tried again an interval later, not at every pass
  return force ? settleCheckpoint(true).value_or(false) : true;
}

std::optional<bool> EngineAgent::settleCheckpoint(bool wait) {
  if (!under_way_) return true;
  const auto outcome = wait ? checkpoint_writer_.wait() : checkpoint_writer_.finished();
  if (!outcome) return std::nullopt;
  const auto done = *std::exchange(under_way_, std::nullopt);
  if (!outcome->ok()) {
    spdlog::error("checkpoint not written (the inputs stay uncommitted): {}", outcome->error().message);
    inputs_since_checkpoint_ += done.inputs;
    if (!checkpoint_failing_) checkpoint_failing_ = CheckpointFailing{Clock::now(), {}};
    checkpoint_failing_->error = outcome->error().message;
    return false;
  }
  if (checkpoint_failing_) {
    spdlog::info("checkpoint written again, after {} ms of failures", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - checkpoint_failing_->since).count());
    checkpoint_failing_.reset();
  }
  // Only now may the producers reuse what the checkpoint covers.
  std::size_t at = 0;
  for (auto* input : {&market_, &predictions_, &decisions_}) {
    const auto cursor = done.cursors[at++];
    if (cursor > 0) input->commitThrough(cursor - 1);
  }
  if (done.feed_stopped) spdlog::info("the feed stopped: checkpoint written ({} inputs since the last)", done.inputs);
  return true;
}

// rrr-ingest has gone (a stop drains it first) and everything it published, and every prediction
// of it, has been read: nothing more is coming, so the checkpoint need not wait for its interval.
// A stop waits for the engine's commits; it would otherwise wait up to checkpoint_every_ms.
// Looked at once per kFeedCheckEvery, outside bursts: the producer check is a system call.
bool EngineAgent::feedStopped(Clock::time_point now) {
  if (now - feed_checked_at_ < kFeedCheckEvery || now - heads_up_at_ < kBurstQuiet) return false;
  feed_checked_at_ = now;
  if (market_.consumer().available() || predictions_.consumer().available()) return false;
  const auto& md = market_.consumer().segment();
  if (needs_predictions_ && !inferHasRead(md.published())) return false;
  return !md.producerAlive();
}

// A paced feed's bursts come one period apart: whether the next is due within kCheckpointLead
// (or a little overdue).
bool EngineAgent::burstDueSoon(Clock::time_point now) const {
  if (burst_period_ <= Clock::duration::zero() || burst_period_ > kSteadyBurstsWithin) return false;
  const auto until_next = burst_at_ + burst_period_ - now;
  return until_next < kCheckpointLead && until_next > -kBurstQuiet;
}

}  // namespace rrr::engine
