// SVG message-sequence chart of a trace: two lifelines (A, B), one row per step; a segment is
// an arrow from the row where it was sent to the row where it arrived, labelled like
// `[F.] seq=9 ack=5`; a lost segment ends in a cross, a duplicate starts mid-network and is
// marked "dup", a segment dropped by age ends in a cross marked "expired"; each endpoint's TCP
// state is written beside its lifeline whenever it changes; application calls and timeouts are
// notes; ticks are dotted lines. Self-contained SVG (no scripts, no external fonts).
#pragma once
#include <string>

#include "compiled_system.hpp"
#include "trace.hpp"

namespace tcpmc {

std::string trace_to_svg(const CompiledSystem& sys, const Trace& t, const std::string& title);

}  // namespace tcpmc
