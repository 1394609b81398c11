// The sampling half of `tcpmc prove`: the explicit engine's reachable states of one spec at small
// bounds, fed to a CandidateSet, which keeps the candidates true in all of them. Bounded: a run
// stops at `max_states` (or the memory limit) and then says so (an incomplete sample only keeps
// more candidates, which Houdini then judges; it never makes a proof wrong).
#pragma once
#include <cstdint>
#include <string>

#include "blocking_cubes.hpp"
#include "candidates.hpp"
#include "typecheck.hpp"

namespace tcpmc::infer {

struct SampleRun {
  std::string bounds;     // the constants that differ from the spec's, as "SEQ_BITS=3 MAX_INC=0"
  uint64_t states = 0;
  uint64_t projections = 0; // what the candidates observed: the states' projections (SampledStates)
  bool complete = false;  // every reachable state at these bounds was sampled
  std::string stop_reason;
  double seconds = 0;
  size_t alive_after = 0; // candidates still alive after this run
};

// Explores `model` (loaded at the sample bounds, the same spec as the candidates') with its
// default faults, breadth-first, up to max_states states and memory_limit_mb, and observes every
// state visited, through its projections (blocking_cubes.hpp: what a candidate reads of a state,
// each observed once); and, when `keep` is given, keeps the projections there for blocking CTIs.
// `threads` explore (the states sampled are the same for any number).
SampleRun sample(const ir::Model& model, uint64_t max_states, uint64_t memory_limit_mb, CandidateSet& set,
                 SampledStates* keep = nullptr, int threads = 1);

}  // namespace tcpmc::infer
