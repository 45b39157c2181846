#pragma once
// Exactly-once for a process that turns messages of one ring into messages of another.
//
// Each output Envelope carries cause_sequence, the input sequence it came from. After a restart
// the input cursor may be behind the outputs already published (killed after publishing, before
// committing the input); skipping the input through the last output's cause puts it right.

#include "common/ring/ring_consumer.h"
#include "common/ring/ring_producer.h"

namespace rrr::process {

// Moves input past the cause of output's last message. Returns the sequence skipped through,
// or nothing if output has no message with a cause.
std::optional<std::uint64_t> resumeAfterLastOutput(ring::RingConsumer& input, const ring::RingProducer& output);

}  // namespace rrr::process
