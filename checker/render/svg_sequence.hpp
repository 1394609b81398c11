// SVG message-sequence chart of a trace: two lifelines (A, B), one row per step (consecutive ticks
// fold into one row); a segment is an arrow from the row where it was sent to the row where it
// arrived, labelled like `[F.] seq=9 ack=5`; a lost segment ends in a cross, a duplicate starts
// mid-network and is marked "dup", a segment dropped by age ends in a cross marked "expired", a
// segment still in flight when the trace ends is an arrow that stops in the air below the last
// row, marked "in flight"; each endpoint's TCP state is written beside its lifeline whenever it
// changes; application calls and timeouts are notes; ticks are dotted lines.
//
// Labels: each segment label lies along its arrow's slope, just above it (below where above is
// taken), on a white halo, as near the sender's end as it can be while its text box meets no
// other arrow, arrowhead, tick line, cross, note or label. Where some label finds no such place the
// chart is laid out again with taller rows (34px, then in 6px steps up to 70px) and with the
// arrows still in flight reaching less or further over, and the first layout where every label
// has a free place is drawn (else the one with fewest crossed labels). So labels are not struck
// through by arrows, and labels of arrows that start in the same row do not overlap. The text box
// is estimated as kSvgLabelCharWidth px a character by kSvgLabelHeight px (12px monospace), plus
// a margin.
//
// A counterexample (options.violated set) has its last step -- the one into the state that refutes
// the property -- marked by a red band across its row, "violation" under its step number, and a
// closing line that names the property.
//
// A lasso (Trace::loop_start set) is drawn 40px wider, with its loop in a margin left of the step
// numbers (at negative x; the rest of the picture is where it would be without the loop): a
// bracket from the loop's last row back up to its first, ending in an arrowhead, labelled
// "repeats forever"; a run that stays in its last state has a curved arrow out of that row and back
// into it, labelled "stays here forever". As a counterexample, all the loop's rows are banded
// and the closing line says that the run never satisfies the property and which steps repeat.
// A trace without loop_start is drawn exactly as before lassos existed.
//
// The SVG is self-contained (no scripts, no external fonts) and deterministic: the same trace
// gives byte-identical output (coordinates are printed with at most two decimals).
#pragma once
#include <string>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

inline constexpr double kSvgLabelCharWidth = 7.25;  // advance of a 12px monospace character
inline constexpr double kSvgLabelHeight = 14;       // a label's text box, descenders and halo included

struct SequenceChartOptions {
  std::string violated;  // the trace is a counterexample to this property ("" = a plain trace)
  bool stuck = false;    // the property is a `stuck` one: the last state is a dead end that fails it
  bool witness = false;  // the trace is a reachable property's witness: `violated` names the
                         // property, and the last state satisfies it (marked "reached")
};

std::string trace_to_svg(const CompiledSystem& sys, const Trace& t, const std::string& title,
                         const SequenceChartOptions& options = {});

}  // namespace tcpmc
