// StateGraph: the reachable graph as a Boost.Graph compressed_sparse_row_graph, for the liveness
// analysis. It takes over the search's compressed rows (ReachableGraph::rowstart/target) without
// copying them: they are moved into the CSR's own row and column arrays (the structure Boost's CSR
// graph is made of), so an edge costs 4 bytes. Edge e of state s is its (e - first_edge(s))-th
// successor in the model's order (EdgeActions says what it does).
#pragma once
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>

#include "reachable_graph.hpp"

namespace tcpmc {

using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                               boost::no_property, uint32_t, uint64_t>;

class StateGraph {
 public:
  explicit StateGraph(ReachableGraph&& g) : capacity_cut_(std::move(g.capacity_cut)) {
    csr_.m_forward.m_rowstart = std::move(g.rowstart);
    csr_.m_forward.m_column = std::move(g.target);
  }
  const Csr& csr() const { return csr_; }
  uint32_t states() const { return static_cast<uint32_t>(csr_.m_forward.m_rowstart.size() - 1); }
  uint64_t edges() const { return csr_.m_forward.m_column.size(); }
  uint64_t first_edge(uint32_t s) const { return csr_.m_forward.m_rowstart[s]; }
  uint64_t end_edge(uint32_t s) const { return csr_.m_forward.m_rowstart[s + 1]; }
  uint32_t target(uint64_t e) const { return csr_.m_forward.m_column[e]; }
  // No successor, and not because a full channel blocked every move (a bound's artefact): a run
  // that gets here stays here for ever.
  bool terminal(uint32_t s) const { return first_edge(s) == end_edge(s) && !capacity_cut_[s]; }
  uint64_t bytes() const {
    return csr_.m_forward.m_rowstart.capacity() * 8 + csr_.m_forward.m_column.capacity() * 4 + capacity_cut_.bytes();
  }

 private:
  Csr csr_;
  StateBits capacity_cut_;
};

}  // namespace tcpmc
