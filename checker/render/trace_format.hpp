// Rendering of traces for people: segments tcpdump-style ([S.] seq=4 ack=1), one line per step
// like a packet capture (event, both endpoints' TCP states, what is in flight), and an ASCII
// message-sequence chart. Every output format (terminal, JSON, reports) names events with the
// same functions, so the wording is identical everywhere.
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

std::string format_trace_table(const CompiledSystem& sys, const Trace& t);
std::string format_sequence_chart(const CompiledSystem& sys, const Trace& t);
// The values of the variables (endpoint and ghost) that differ between the initial and final states,
// for explaining why a property failed: "A.delivered=0  B.app_sent=1  ...".
std::string format_final_values(const CompiledSystem& sys, const Trace& t);

}  // namespace tcpmc
