// Random runs for `tcpmc prove`'s candidates at the target bounds (SEQ_BITS=32 included), where the
// explicit engine cannot enumerate: from the initial state, each step one move drawn uniformly
// among those WideMoves makes (every move but calls with wide parameters exactly; a sequence-number
// parameter from the state's own values, their neighbours and a few random values), every state
// visited fed to a CandidateSet, which drops the candidates false there.
//
// Sound for the set: every state visited is reachable at those bounds (each move is a transition
// that CompiledSystem::fire made), so a candidate dropped is no invariant there, and Houdini at
// the same bounds could never keep it. Deterministic: one std::mt19937_64 seeded with `seed`.
// Cost: per step, the moves of one state (WideMoves) and one observation by the set.
#pragma once
#include <cstdint>

#include "candidates.hpp"
#include "sampling.hpp"

namespace tcpmc::infer {

struct WalkOptions {
  uint64_t runs = 2000;
  uint64_t steps = 200;  // moves per run (a run also ends in a state without moves)
  uint64_t seed = 1;
};

// Observes every state of the runs of `model` (with its default faults); returns them as a
// SampleRun (states visited, counted with repetitions; never `complete`).
SampleRun walk(const ir::Model& model, const WalkOptions& options, CandidateSet& set);

}  // namespace tcpmc::infer
