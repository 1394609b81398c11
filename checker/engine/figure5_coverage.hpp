// Which edges of RFC 9293 Figure 5 a run reached, and by which rules: the check behind the claim
// that a spec covers the whole TCP state diagram. An edge counts as reached when some reachable
// endpoint transition goes between its two states by a rule of the edge's kind (a `recv` rule for
// "rcv SYN", a `call` for "CLOSE", a `timeout` for "Timeout=2MSL").
// Cost: one pass over the run's endpoint transitions.
#pragma once
#include <string>
#include <vector>

#include "engine.hpp"
#include "figure5.hpp"

namespace tcpmc {

struct Figure5Reach {
  const Figure5Edge* edge = nullptr;
  std::vector<std::string> reached_by;  // "recv listen_syn (A, B)", in rule order; empty = not reached
};

// Empty when the spec's state enum lacks some state of Figure 5 (it is not a TCP lifecycle spec).
std::vector<Figure5Reach> figure5_coverage(const ir::Model& m, const Coverage& coverage);

}  // namespace tcpmc
