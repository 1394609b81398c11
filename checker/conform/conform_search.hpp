// The conformance search: is there a run of the spec whose sends, in capture order, are exactly
// the observed (abstract) segments of one connection?
//
// The product of the spec's states and the capture position is searched in two ways. First, depth
// first over at most 50,000 product states, the moves that explain the next segment tried before
// hidden ones: for a capture the spec admits this finds a run at once (the bulk capture, 1,530
// observations, in some 18,600 product states where the breadth-first search needs 718,000).
// When it finds none, breadth first, layer by layer (a layer holds the product states at one
// position; the position never decreases), exhaustively: this decides, and a rejection comes from
// it, with the longest admitted prefix and everything the spec could do there. From a product
// state, every successor of the spec state (CompiledSystem::successors) is tried:
//   - a transition that sends nothing (an arrival, a timeout or an application call without a
//     send, a tick, a loss or duplication within the budgets) is a hidden step: same position;
//   - a transition that sends segments is taken only if each segment, in order, is the next
//     observation (abstraction.hpp; the spec's field values against the observation's under the
//     side's sequence offset), or is a bare ACK that the capture does not show while its sender's
//     ACK flag appears again later in the capture: a delayed ACK (RFC 9293 §3.8.6.3), which the
//     sender's next segment carries; that ACK is then taken off the network at once (drawn as
//     lost, not charged to the loss budget), since it never was on the wire. A RST the spec sends
//     without ACK matches an observed RST whatever its ACK flag and number (Linux sets ACK on the
//     RST of an ABORT; the receiver of a RST in a synchronized state does not read its ACK field);
//   - an optional observation (window update, probe) may be passed over;
//   - a tick only within the time the capture leaves between two segments (SearchOptions::tick_ns).
// Product states are deduplicated (state, the sides' sequence offsets, losses used; per layer in
// the breadth-first search, whose layers are dropped once expanded: only some 40 octets per product
// state stay, for rebuilding the run). Cost: about the product states times the spec's branching;
// the observation prunes every sending transition, so a layer holds few states (the interleavings
// of hidden arrivals, ticks and host crashes between two observed segments).
//
// The run found is rebuilt by firing its labels again (CompiledSystem::fire) and checked with
// validate_trace before it is returned. max_states bounds each of the two searches; Ctrl-C
// (interrupt_requested) stops them as the bound does (Verdict::Bounded, reason "interrupted").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abstraction.hpp"
#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc::conform {

struct SearchOptions {
  int loss = 0;               // segments the network may lose in the run (hidden steps); the system's own
                              // loss budget must be unbounded (elided ACKs are taken off as losses)
  uint64_t max_states = 2000000;  // product states stored, over all layers; 0 = no limit
  // Capture time one tick stands for (ns): between two observed segments the search inserts at
  // most ceil(their time difference / tick_ns) ticks. 0: time is free (any number of ticks).
  int64_t tick_ns = 0;
};

struct SearchResult {
  enum class Verdict { Admitted, Rejected, Bounded, ReplayFailed };
  Verdict verdict = Verdict::Rejected;
  size_t explained = 0;        // observations explained: the longest admitted prefix
  // Admitted: the whole run; Rejected or Bounded: a run that explains the longest prefix.
  std::optional<Trace> run;
  // Per observation of that run: the step (index into run->steps) whose send it is, or -1 when it
  // was passed over (optional) or is beyond the prefix.
  std::vector<long> step_of;
  // ... and which of that step's sent segments (Label::sent) it is.
  std::vector<int> sent_index;
  // Per step of the run: for a step that takes a delayed ACK off the network, true.
  std::vector<bool> elided;
  // Rejected: at the first observation not explained, the (A, B) TCP states the spec can be in
  // (indices into the state enum), and the segments it could send instead: (sender, the segment's
  // fields as in Label::sent), each once.
  std::vector<std::pair<int, int>> possible_states;
  std::vector<std::pair<int, std::vector<int32_t>>> allowed;
  std::string reason;          // Rejected: why the observation is not explained; Bounded: the bound
  uint64_t states = 0;         // product states stored
  uint64_t transitions = 0;    // spec transitions tried
};

// Why the search cannot use this model's segments, or "" when it can: they need the flags SYN,
// ACK, FIN and RST and the fields seq and ack (len, when present, is the data length 0..1).
std::string segment_shape_problem(const ir::Model& m);

// `sys` must have been compiled with unbounded loss (see SearchOptions::loss) and accept explicit
// enumeration (explicit_enumeration_problem).
SearchResult conform_search(const CompiledSystem& sys, const std::vector<Observation>& obs, int incarnations,
                            const SearchOptions& options);

}  // namespace tcpmc::conform
