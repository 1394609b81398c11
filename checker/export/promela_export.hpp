// Promela export: the transition system of a spec, under one fault budget, as a SPIN model.
//
// The model is the same transition system as CompiledSystem's (model/LANGUAGE.md), so that SPIN
// is an independent oracle for tcpmc's semantics: it stores exactly the states tcpmc stores and
// reaches the same verdicts. The state vector holds exactly tcpmc's state: each endpoint's
// variables, the ghosts, the timers (0 stopped, 1 expired, k >= 2 running with k-2 ticks left),
// the loss and duplication budgets used, and the two channels (a count and `capacity` records of
// fields and age; unused records all zero; sorted when segments may be reordered). One process
// loops over one `d_step` per transition: every call instance with every parameter value, every
// arrival position (the first recv rule whose guard holds takes the segment, else it is
// consumed unhandled), every timeout, loss and duplication position, and the tick. Scratch
// values (the segment taken, the state before a transition, loop counters) are `hidden`, outside
// the state vector; the process never leaves the loop head between transitions, so SPIN's stored
// states are tcpmc's states one for one.
// A send into a full channel is a loss charged to the loss budget; when the budget is spent the
// transition is undone inside its d_step (a self-loop to SPIN, no successor to tcpmc).
// Properties: each exported one has a marker, a hidden byte that stays 0, in the assertion that
// fails where it is violated or reached, so that pan's message names it. Invariants (marker
// invariant_NAME) and reachable properties (reached_NAME: its witness) are asserted in a never
// claim, once per state; stuck properties (stuck_NAME) in the loop's `else`, taken only where no
// transition is enabled. Temporal and coverage properties are not exported (the header comment
// lists them). Model errors (a value outside its range, a division by zero) are not checked:
// `tcpmc check` reports them. Arithmetic is C's int: sequence numbers of at most 30 bits.
// Run SPIN with `spin -o2` (keep write-only ghosts in the state vector) and `pan -c0` (go on
// after a violation, to find every property's and to count every state).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir.hpp"

namespace tcpmc {

struct PromelaExport {
  std::string text;   // the Promela model, when error is empty
  std::string error;  // why the model cannot be exported
};

struct PromelaOptions {
  std::vector<uint8_t> selected;  // which properties to export, by index (empty: all that can be)
  std::string source_note;        // a line for the header comment (the spec and options it came from)
  // Scratch outside the state vector (`hidden`). pan -DBFS refuses hidden variables: without
  // them the scratch is in the state vector and zeroed at the end of every transition that
  // touched it, so that the stored states stay tcpmc's one for one (at some cost in time); and
  // the never claim is one assertion of all invariants and reachable properties (pan -DBFS takes
  // no atomic step in a claim), whose message names every marker, not the one that failed.
  bool hidden_scratch = true;
};

PromelaExport export_promela(const ir::Model& m, const ir::FaultBudget& faults, const PromelaOptions& opts);

}  // namespace tcpmc
