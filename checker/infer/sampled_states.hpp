#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "state_layout.hpp"
#include "state_store.hpp"

namespace tcpmc::infer {

// What `tcpmc prove` reads of the sampled reachable states, kept once. A candidate's atoms
// (candidates.hpp) and a blocking cube's literals (blocking_cubes.hpp) read the endpoints, the
// globals, the timers and at most one segment in flight, never the fault budgets used nor the
// other segments; so a state is kept as its projections: the state with no segment in flight,
// and, per segment in flight, the state with that one alone in its channel (budgets zeroed). A
// projection is kept once however many states give it: far fewer than the states (the channels'
// contents multiply them; rfc9293 at SEQ_BITS=3, ISN_MAX=0: 396,387 for 12,384,464), and what
// holds in them is what holds in the states, for every candidate and every cube.
class SampledStates {
 public:
  void begin_run(const StateLayout& layout, int64_t seq_bits);
  // The unpacked state s of the current run's layout: its projections not yet kept.
  void add(const int32_t* s);
  uint64_t states() const { return states_; }  // states added
  uint64_t size() const;                       // projections kept

  // One sampling run's projections, packed in its layout (a StateStore: the engine's set of
  // packed states, each kept once).
  class Run {
   public:
    Run(const StateLayout& layout, int64_t seq_bits);
    const StateLayout& layout() const { return layout_; }
    uint64_t seq_mask() const { return mask_; }
    uint64_t size() const { return store_->size(); }
    const uint64_t* get(uint64_t i) const { return store_->get(static_cast<uint32_t>(i)); }

   private:
    friend class SampledStates;
    StateLayout layout_;
    uint64_t mask_ = 0;
    std::unique_ptr<StateStore> store_;
    std::vector<int32_t> scratch_;  // a projection being made
    std::vector<uint64_t> packed_;
    void keep();                    // scratch_, unless kept already
  };
  const std::vector<Run>& runs() const { return runs_; }

 private:
  std::vector<Run> runs_;
  uint64_t states_ = 0;
};

}  // namespace tcpmc::infer
