// Rendering of traces for people: segments tcpdump-style ([S.] seq=4 ack=1), one line per step
// like a packet capture (event, both endpoints' TCP states, what is in flight), and an ASCII
// message-sequence chart. Every output format (terminal, JSON, reports) names events with the
// same functions, so the wording is identical everywhere.
//
// A lasso (Trace::loop_start set) is drawn with its loop: the table has a line
// `-- loop: the steps below repeat forever --` before the loop's first step and
// `-- back to the state before step N: repeats forever --` after the last; the chart has a
// bracket in its left margin from the loop's last row back up to its first, closed by the same
// words. A run that stays in its last state (an empty loop) ends in
// `-- no move is possible: stays here forever --`. A trace without loop_start renders as it
// always has.
#pragma once
#include <string>
#include <vector>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

// "[S.]" style flags of a segment record.
std::string segment_flags(const ir::Model& m, const int32_t* seg);
// "[S.] seq=4 ack=1 len=1 (inc=1)": flags, then fields (ghost fields in parentheses).
std::string format_segment(const ir::Model& m, const int32_t* seg);
// "A→B" or "B→A" for the channel whose sender is `sender`.
std::string channel_name(int sender);
// "A connect(isn=3)", "B recv [S] seq=3", "network loses A→B [.] ack=10", "tick", ...
std::string describe_event(const CompiledSystem& sys, const Label& l);
// Where a model error happened: the event whose guard or effect failed, or "evaluating property 'p'".
std::string describe_error_site(const CompiledSystem& sys, const ModelError& e);
// The rule that fired ("connect", "syn_in_listen"), "" for network events and ticks.
std::string rule_name(const CompiledSystem& sys, const Label& l);
// The segments of a channel in a state: "{[S] seq=3, [.] ack=1}".
std::string format_channel(const CompiledSystem& sys, const std::vector<int32_t>& state, int sender);
std::string state_name(const CompiledSystem& sys, const std::vector<int32_t>& state, int ep);

// Rows: a run of consecutive ticks folds into one row (only the time that passed matters to the
// reader), but never across the start of a lasso's loop, which always begins a row.
// The last step of the row that starts at step i (0-based).
size_t row_end(const Trace& t, size_t i);
// The row's step numbers as shown (1-based): "4", or "3-5" for folded ticks.
std::string row_steps(size_t i, size_t j);

// Whether a lasso's loop is empty (t.loop_start set): no move is possible in its last state, and
// the run stays there.
bool stays_forever(const Trace& t);
// How a lasso goes on forever (t.loop_start set): "2 steps to the loop, then a loop of 3 steps
// (3-5) that repeats forever", or "4 steps, then no move is possible: the run stays in its last
// state forever".
std::string lasso_shape(const Trace& t);
// The lasso's loop in a few words: "steps 3-5 repeat forever", "step 3 repeats forever", or
// "no move is possible after step 4: the run stays there forever".
std::string loop_summary(const Trace& t);

// The table: one row per step (step 0 the initial state). A trace from an arbitrary state
// (Trace::from_arbitrary_state, a counterexample to induction) calls its first row "any state
// satisfying the assumptions" and shows that state in full under it (format_state_values).
std::string format_trace_table(const CompiledSystem& sys, const Trace& t);
// Every value of a state, one line per endpoint and one for the global ghosts:
// "A: ESTABLISHED  iss=3  open=true  (seen=1)  rexmt: 2 ticks left" (ghost variables in
// parentheses; timers stopped, expired or with the ticks left), "ghost: total=0".
std::string format_state_values(const CompiledSystem& sys, const std::vector<int32_t>& state);
std::string format_sequence_chart(const CompiledSystem& sys, const Trace& t);
// The values of the variables (endpoint and ghost) that differ between the initial and final states,
// for explaining why a property failed: "A.delivered=0  B.app_sent=1  ...".
std::string format_final_values(const CompiledSystem& sys, const Trace& t);

}  // namespace tcpmc
