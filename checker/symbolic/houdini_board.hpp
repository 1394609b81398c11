// The set of one Houdini run that several workers weaken together (invariant_inference.hpp with
// more than one thread): each worker has its own copy of the problem (a Z3 context of its own)
// and asks about its share of the actions (KInduction::set_action_share); this board holds the
// goals still in the set, by index, and says when the run is over.
//
// Soundness and determinism: a worker drops a goal only on a witness (a state where every goal of
// the set it asked about holds, and a step after which the goal fails); the set only shrinks, so
// the goals of the greatest inductive subset hold in that state and after the step: none of them
// is ever dropped. The run is over when every worker has answered, for the same set, that none
// of its actions breaks any goal of it: that set is inductive, so it is the greatest inductive
// subset, whatever the order of the answers and the number of workers.
// Threads: every member is safe to call from any worker; next() blocks.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tcpmc::symbolic {

class HoudiniBoard {
 public:
  // `open`: the goals (indices) the run starts from, in the order the set keeps them.
  HoudiniBoard(std::vector<size_t> open, size_t workers);
  // The set to ask about now and its version. Blocks while this worker has answered for the
  // current version and another has not; false once the run is over (inductive, or given up).
  bool next(size_t worker, std::vector<size_t>& set, uint64_t& version);
  // None of the worker's actions breaks any goal of the set of `version` (stale when the set
  // has lost goals since: the worker is then asked again).
  void none_breaks(size_t worker, uint64_t version);
  // Drops the goals (those still in the set); returns how many were still in it.
  size_t drop(const std::vector<size_t>& goals);
  // Z3 gave up, or a worker stopped: the run is over without an inductive set.
  void give_up();
  // The run ended with every worker agreeing on the set (not given up).
  bool inductive() const;
  size_t size() const;
  std::vector<size_t> set() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<size_t> order_;
  std::vector<uint8_t> alive_;  // per goal index
  size_t size_ = 0;
  uint64_t version_ = 0;
  std::vector<uint64_t> answered_;  // per worker: the version it last answered for (+1; 0: none)
  bool over_ = false, given_up_ = false;
  std::vector<size_t> set_locked() const;
};

}  // namespace tcpmc::symbolic
