#include "bmc.hpp"

#include <algorithm>
#include <array>

namespace tcpmc::symbolic {

Bmc::Bmc(SymbolicProblem& p, z3::solver solver) : p_(p), u_(p.codec(), true), solver_(std::move(solver)) {}

void Bmc::extend_to(size_t k) {
  while (depth_ < k) {
    solver_.add(u_.relation.step(depth_).relation);
    ++depth_;
  }
}

z3::expr Bmc::literal(const z3::expr& meaning) {
  // A fresh literal per question: the question is retracted by not assuming it again.
  const z3::expr lit = p_.ctx().bool_const(("bmc_q" + std::to_string(literals_++)).c_str());
  solver_.add(z3::implies(lit, meaning));
  return lit;
}

z3::check_result Bmc::check(const z3::expr& bad) {
  z3::expr_vector assumptions(p_.ctx());
  assumptions.push_back(literal(bad));
  return solver_.check(assumptions);
}

namespace {

// Where CompiledSystem::successors tries an action: (group, then positions within it).
std::array<int, 4> exploration_rank(const CompiledSystem& sys, const Action& a) {
  switch (a.kind) {
    case Label::Kind::Call: return {0, sys.instances()[a.inst].rule, a.ep, 0};
    case Label::Kind::Recv:
    case Label::Kind::Unhandled: return {1, a.ep, a.pos, 0};
    case Label::Kind::Timeout: return {2, sys.instances()[a.inst].rule, a.ep, 0};
    case Label::Kind::Loss: return {3, a.ep, a.pos, 0};
    case Label::Kind::Dup: return {3, a.ep, a.pos, 1};
    case Label::Kind::Tick: break;
  }
  return {4, 0, 0, 0};
}

}  // namespace

std::optional<z3::model> Bmc::least_run(const z3::expr& bad, size_t k) {
  z3::context& c = p_.ctx();
  z3::expr_vector fixed(c);  // the run's prefix chosen so far, as assumptions
  fixed.push_back(literal(bad));
  auto holds_with = [&](const z3::expr& extra) -> std::optional<bool> {
    z3::expr_vector assumptions(c);  // (a copy of an expr_vector would share it)
    for (const z3::expr& f : fixed) assumptions.push_back(f);
    assumptions.push_back(literal(extra));
    const z3::check_result r = solver_.check(assumptions);
    if (r == z3::unknown) return std::nullopt;
    return r == z3::sat;
  };
  const CompiledSystem& sys = p_.codec().system();
  for (size_t i = 0; i < k; ++i) {
    const Step& st = u_.relation.step(i);
    std::vector<size_t> order(st.actions.size());
    for (size_t a = 0; a < order.size(); ++a) order[a] = a;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      return exploration_rank(sys, st.actions[x]) < exploration_rank(sys, st.actions[y]);
    });
    const unsigned w = st.selector.get_sort().bv_size();
    auto among_first = [&](size_t n) {
      z3::expr_vector any(c);
      for (size_t j = 0; j < n; ++j) any.push_back(st.selector == c.bv_val(order[j], w));
      return z3::mk_or(any);
    };
    // The fewest actions, in exploration order, among which the run can still go on.
    size_t lo = 1, hi = order.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      const std::optional<bool> r = holds_with(among_first(mid));
      if (!r) return std::nullopt;
      if (*r) hi = mid; else lo = mid + 1;
    }
    const Action& chosen = st.actions[order[lo - 1]];
    fixed.push_back(literal(st.selector == c.bv_val(order[lo - 1], w)));
    // Its parameters: the last one first, each the least value with which the run goes on.
    const ir::Rule* rule = chosen.kind == Label::Kind::Call ? &sys.model().rules[sys.instances()[chosen.inst].rule] : nullptr;
    for (size_t q = chosen.params.size(); q-- > 0;) {
      const z3::expr& v = chosen.params[q];
      const unsigned pw = v.get_sort().bv_size();
      const bool seq = chosen.param_kinds[q] == ValKind::Seq;  // (unsigned; an Int is signed)
      int64_t vlo = rule->params[q].type.lo, vhi = rule->params[q].type.hi;
      auto at_most = [&](int64_t x) {
        const z3::expr bound = c.bv_val(static_cast<uint64_t>(x), pw);
        return seq ? z3::ule(v, bound) : z3::sle(v, bound);
      };
      while (vlo < vhi) {
        const int64_t mid = vlo + (vhi - vlo) / 2;
        const std::optional<bool> r = holds_with(at_most(mid));
        if (!r) return std::nullopt;
        if (*r) vhi = mid; else vlo = mid + 1;
      }
      fixed.push_back(literal(v == c.bv_val(static_cast<uint64_t>(vlo), pw)));
    }
  }
  if (solver_.check(fixed) != z3::sat) return std::nullopt;
  return solver_.get_model();
}

}  // namespace tcpmc::symbolic
