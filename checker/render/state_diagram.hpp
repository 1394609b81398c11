// The endpoint state diagram a run reached, as Graphviz DOT (states.dot, rendered to states.svg by
// the reports). Every reached change of an endpoint's TCP state is one of three kinds:
//   - an edge of RFC 9293 Figure 5 (figure5.hpp): solid black;
//   - an edge the RFC specifies outside the figure, mostly in §3.10 event processing -- RST
//     processing, ABORT, the user timeout, a FIN riding on a handshake's last segment
//     (rfc9293_extra_edges.hpp): dashed grey, its section in the label -- ordinary TCP, not news;
//   - an edge RFC 9293 does not allow at all: heavy red, the one thing the picture alarms about.
// A `recv` transition is RST (or SYN) processing when its rule's guard requires that flag; Figure 5
// has no RST edge, so a rule that requires RST is never counted as one of its edges.
// Transitions are grouped into one DOT edge per (from, to, kind), labelled with the events that
// take it and which endpoints do; a legend cluster explains the three styles. Deterministic:
// the same run gives byte-identical DOT.
#pragma once
#include <string>

#include "engine.hpp"
#include "ir.hpp"
#include "verifier.hpp"

namespace tcpmc {

enum class EdgeKind { Figure5, Rfc9293, NotInRfc };

struct EdgeClass {
  EdgeKind kind = EdgeKind::NotInRfc;
  const char* section = nullptr;  // Rfc9293: where the RFC specifies it
};

// Whether rule r's guard requires the segment flag named `flag` (a top-level conjunct `s.FLAG`).
bool guard_requires_flag(const ir::Model& m, const ir::Rule& r, const std::string& flag);

// How RFC 9293 regards one reached endpoint transition (from != to).
EdgeClass classify_endpoint_transition(const ir::Model& m, const EndpointTransition& t);

// The endpoint state diagram reached in a run, as Graphviz DOT.
std::string state_diagram_dot(const SpecResult& r);

}  // namespace tcpmc
