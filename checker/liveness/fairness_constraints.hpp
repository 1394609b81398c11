// Fairness constraints: the fairness of a run, over the transitions of the reachable graph.
//
// Under the spec's fairness (EngineLimits::fairness) the constraints are:
//   - time (kind Time): time does not stop. A run that keeps a clock running for ever (a timer
//     counting down, or a segment in flight, whose age bounds its delay) must tick again and
//     again: a cycle of moves that takes no time while a timer runs or a segment waits is not a
//     run of a real system (this includes "a tick stays enabled and is never taken");
//   - `fair weak R` / `fair strong R`: one constraint per endpoint, over that endpoint's firings of
//     rule R with any parameters (weak: enabled for ever => taken again and again; strong: enabled
//     again and again => taken again and again);
//   - `fair network`: one Delivery constraint per receiving endpoint and segment value (all fields
//     but the age), over the arrivals of that segment (whether a rule takes it or it is unhandled).
//     It is strong fairness of the arrival, and more: a run that sends the segment again and again
//     (each send a request, even one lost at once in a full channel) delivers it again and again.
// With fairness off (`--fairness none`) there is no constraint at all.
//
// An action is what fairness distinguishes about a transition: its kind, endpoint, rule instance,
// the segment it takes and the segments it sends. Actions are interned (dense ids, in order of first
// use); EdgeActions finds the actions of a state's edges by generating its successors again, and
// only for the states that the analysis asks about (those on cycles), so the graph stores none.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiled_system.hpp"
#include "state_store.hpp"

namespace tcpmc {

class FairnessConstraints {
 public:
  enum class Kind : uint8_t { Weak, Strong, Delivery, Time };
  struct ActionInfo {
    std::array<int32_t, 2> takes{-1, -1};              // the constraints this action takes (-1: none)
    std::array<int32_t, kMaxSends> requests{-1, -1, -1, -1};  // Delivery constraints of what it sends
  };

  FairnessConstraints(const CompiledSystem& sys, bool spec_fairness);
  // The action id of a transition (interned).
  uint32_t action_of(const Label& l);
  const ActionInfo& info(uint32_t action) const { return infos_[action]; }
  size_t size() const { return kind_.size(); }
  Kind kind(int32_t c) const { return kind_[c]; }
  const std::string& what(int32_t c) const { return what_[c]; }
  // The Time constraint (taken by ticks, asked for by states with a clock running), or -1 when
  // fairness is off.
  int32_t time() const { return tick_; }

 private:
  using Segment = std::array<int32_t, kMaxSegFields>;
  const CompiledSystem& sys_;
  bool on_;
  int seg_fields_;
  std::vector<Kind> kind_;
  std::vector<std::string> what_;
  std::vector<int32_t> rule_constraint_;  // per (rule, endpoint): its constraint, or -1
  int32_t tick_ = -1;
  std::map<std::pair<int, Segment>, int32_t> delivery_;  // (receiver, segment) -> constraint
  std::map<std::vector<int32_t>, uint32_t> ids_;          // action key -> id
  std::vector<ActionInfo> infos_;

  int32_t add(Kind k, std::string what);
  int32_t delivery(int receiver, const int32_t* seg);
};

// A timer counts down or a segment is in flight in this (unpacked) state: time has something to
// change, so a run that stays among such states must tick.
bool clock_running(const StateLayout& layout, const int32_t* state);

// The actions of the edges of a state, in edge order, computed on first use and kept.
class EdgeActions {
 public:
  EdgeActions(const CompiledSystem& sys, const StateStore& store, FairnessConstraints& F)
      : sys_(sys), store_(store), F_(F), scratch_(sys.make_scratch()) {}
  std::span<const uint32_t> of(uint32_t state);
  // A timer counts down or a segment is in flight in this state: time has something to change.
  bool clock_running(uint32_t state);
  uint64_t states_computed() const { return where_.size(); }

 private:
  const CompiledSystem& sys_;
  const StateStore& store_;
  FairnessConstraints& F_;
  Scratch scratch_;
  std::vector<int32_t> unpacked_;
  struct Row {
    uint64_t offset;
    uint32_t count;
    bool clock;
  };
  std::unordered_map<uint32_t, Row> where_;  // state -> its actions in ids_, and its clock
  std::vector<uint32_t> ids_;
  const Row& row(uint32_t state);
};

}  // namespace tcpmc
