// Lemmas that block a counterexample to induction, for `tcpmc prove` (IC3's blocking clause, with
// the generalisation done on the sampled reachable states instead of by solver queries).
//
// Given the pre-state of a counterexample to induction (CTI), the literals of a small vocabulary
// that hold there: each endpoint's TCP state, flags, timers running, counters and enums at their
// values, the two endpoints' like counters equal or not, sequence variables equal up to +2 or
// apart; and, for one segment in flight, its flags and fields, its counters against the endpoint
// counters they carry (a send sets the field from the variable: `inc = gen`) and its sequence
// fields against the endpoints'. The cube of all of them matches the CTI. A
// smallest subset that no sampled state satisfies (a hitting set of what each sampled state
// violates, chosen greedily, from the literals most relevant to the goal first) gives the lemma `!(l1 && ... && ln)`,
// or `forall s in flight(E): !(...)` with a segment: true in every sample, false in the CTI.
//
// Soundness: none is needed here. A lemma is a candidate like the templates' and Houdini with Z3
// keeps it only if it is inductive with the rest; a sample that misses reachable states can only
// make a lemma too strong, and then Houdini drops it.
// Cost: one pass over the samples per batch of CTIs (each state unpacked once, each literal of each
// CTI evaluated), then per CTI a greedy cover of the distinct violation sets.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "candidates.hpp"
#include "sampled_states.hpp"

namespace tcpmc::infer {

class CtiBlocker {
 public:
  CtiBlocker(const ir::Model& m, const SampledStates& samples) : m_(m), samples_(samples) {}
  // Per pre-state (unpacked states of sys, the same spec at any -D values), with the text of the
  // goal it refutes (goals[i]; a property's expression, a lemma's): lemmas that block it, the
  // smallest first, then up to `alternatives` - 1 more that share none of its literals (other
  // reasons the pre-state is unreachable); none when every cube of its vocabulary matches some
  // sample. Each cube is sought first among the literals over the TCP states and the variables
  // the goal names, then also the endpoints' and the segment's other flags and counters, then
  // all: a CTI that Z3 chose with some ghost flag or saturated counter set is blocked for the
  // goal's reason, not for that. Uses two threads. An interrupt (interrupt.hpp) stops it: the
  // CTIs not yet blocked get no lemma.
  std::vector<std::vector<std::string>> block(const CompiledSystem& sys, const std::vector<const int32_t*>& pre_states,
                                              const std::vector<std::string>& goals, size_t alternatives = 1) const;

 private:
  const ir::Model& m_;
  const SampledStates& samples_;
};

}  // namespace tcpmc::infer
