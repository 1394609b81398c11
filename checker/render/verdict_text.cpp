#include "verdict_text.hpp"

namespace tcpmc {

const char* basis_name(Basis b) {
  switch (b) {
    case Basis::Search: return "search";
    case Basis::Proved: return "proved";
    case Basis::Bounded: return "bounded";
    case Basis::NotInductive: return "not_inductive";
    case Basis::NotChecked: return "not_checked";
  }
  return "?";
}

std::string verdict_text(const PropertyReport& p) {
  const std::string k = std::to_string(p.bound);
  if (p.verdict == Verdict::Violated || (p.verdict == Verdict::Holds && p.is_witness())) return verdict_name(p.verdict);
  switch (p.basis) {
    case Basis::Search: break;
    case Basis::Proved: return "holds (proved, k=" + k + ")";
    case Basis::Bounded:
      if (p.verdict == Verdict::Holds) return "holds up to depth " + k;
      return (p.is_witness() ? "not reached up to depth " : "inconclusive up to depth ") + k;
    case Basis::NotInductive: return "unknown (not k-inductive at k=" + k + ")";
    case Basis::NotChecked: return "not checked by this engine";
  }
  return verdict_name(p.verdict);
}

bool searched_inconclusive(const PropertyReport& p) {
  return p.verdict == Verdict::Inconclusive && p.basis == Basis::Search;
}

}  // namespace tcpmc
