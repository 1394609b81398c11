#include "kinduction.hpp"

#include <algorithm>

namespace tcpmc::symbolic {

namespace {

// The solver's resource units so far (Z3's "rlimit count" statistic; 0 if it has none).
uint64_t resource_units(const z3::solver& s) {
  const z3::stats st = s.statistics();
  for (unsigned i = 0; i < st.size(); ++i)
    if (st.is_uint(i) && st.key(i) == "rlimit count") return st.uint_value(i);
  return 0;
}

// Rewrites and propagates the values that facts fix: equivalence-preserving (no variable is
// eliminated), so a model of the result is one of the input.
z3::tactic simplifying(z3::context& c) { return z3::tactic(c, "simplify") & z3::tactic(c, "propagate-values"); }

// Simplifies with the facts, eliminates what they fix, bit-blasts and gives the rest to Z3's SAT
// solver.
z3::tactic bit_blasting(z3::context& c) {
  return simplifying(c) & z3::tactic(c, "solve-eqs") & z3::tactic(c, "simplify") & z3::tactic(c, "bit-blast") &
         z3::tactic(c, "sat");
}

}  // namespace

KInduction::KInduction(SymbolicProblem& p, std::vector<Goal*> goals, z3::solver solver)
    : p_(p),
      u_(p.codec(), false),
      solver_(std::move(solver)),
      goals_(std::move(goals)),
      proved_(goals_.size(), false),
      refutation_(goals_.size()),
      base_(p.ctx()),
      bit_blasting_(bit_blasting(p.ctx())) {
  for (size_t i = 0; i < goals_.size(); ++i) {
    literal_.push_back(p.ctx().bool_const(("kind_assume" + std::to_string(i)).c_str()));
    held_.emplace_back(p.ctx());  // each a vector of its own (copies of an expr_vector share one)
  }
  // Later steps are computed from step 0 by the relation, so they are well formed if it is.
  assert_base(u_.unroller.well_formed(u_.relation.state(0)));
}

void KInduction::assert_base(const z3::expr& e) {
  solver_.add(e);
  base_.push_back(e);
  base_with_action_.clear();  // made again from the new base
}

const z3::expr_vector& KInduction::base_with_action(size_t q) {
  const size_t n = std::max<size_t>(action_literal_.size(), 1);  // (none: the whole relation)
  if (base_with_action_.size() != n) base_with_action_.assign(n, std::nullopt);
  std::optional<z3::expr_vector>& b = base_with_action_[q];
  if (!b) {
    z3::context& c = p_.ctx();
    z3::goal g(c);
    for (unsigned i = 0; i < base_.size(); ++i) g.add(base_[i]);
    z3::expr_vector action(c);
    assume_question(q, action);
    g.add(action);
    const z3::apply_result r = simplifying(c).apply(g);  // a model of the result is one of the base
    b.emplace(c);
    for (unsigned i = 0; i < r.size(); ++i)
      for (unsigned j = 0; j < r[i].size(); ++j) b->push_back(r[i][j]);
  }
  return *b;
}

int KInduction::index_of(const Goal* g) const {
  for (size_t i = 0; i < goals_.size(); ++i)
    if (goals_[i] == g) return static_cast<int>(i);
  return -1;
}

void KInduction::extend_to(size_t k) {
  while (k_ < k) {
    // Step k_ -> k_+1; the goals are assumed at k_ (proved ones asserted).
    for (size_t i = 0; i < goals_.size(); ++i) {
      const z3::expr g = u_.good(*goals_[i], k_);
      if (proved_[i]) {
        assert_base(g);
      } else {
        solver_.add(z3::implies(literal_[i], g));
        held_[i].push_back(g);
      }
    }
    assert_base(u_.relation.step(k_).relation);
    ++k_;
    forget_questions();  // the questions are about the last step
    for (size_t i = 0; i < goals_.size(); ++i)
      if (proved_[i]) assert_base(u_.good(*goals_[i], k_));
  }
}

std::vector<Goal*> KInduction::prove(const std::vector<Goal*>& open) {
  // One question per goal ("can it fail at k while the whole set held before?") rather than one
  // for all at once: each is a smaller proof for Z3. A model that refutes one goal refutes every
  // goal false in it; they leave the set, and passes over the set repeat until one finds none
  // failing (the greatest fixpoint, as Houdini's).
  std::vector<Goal*> set = open;
  for (Goal* g : open) refutation_[index_of(g)].reset();  // a refutation is of the current k
  bool changed = true;
  while (changed && !set.empty()) {
    changed = false;
    for (size_t i = 0; i < set.size();) {
      z3::expr_vector assumptions(p_.ctx());
      for (Goal* g : set) assumptions.push_back(literal_[index_of(g)]);
      const z3::expr q = p_.ctx().bool_const(("kind_q" + std::to_string(queries_++)).c_str());
      solver_.add(z3::implies(q, !u_.good(*set[i], k_)));
      assumptions.push_back(q);
      const z3::check_result r = solver_.check(assumptions);
      if (r == z3::unsat) {
        ++i;
        continue;
      }
      if (r == z3::unknown) return {};
      const z3::model m = solver_.get_model();
      std::vector<Goal*> kept;
      for (Goal* g : set) {
        if (g != set[i] && !m.eval(!u_.good(*g, k_), true).is_true()) {
          kept.push_back(g);
          continue;
        }
        std::optional<z3::model>& r = refutation_[index_of(g)];
        if (!r) r = m;
      }
      set = std::move(kept);  // set[i] is now the next goal of this pass
      changed = true;
    }
  }
  return set;
}

void KInduction::forget_questions() {
  action_literal_.clear();
  question_action_.clear();
  fails_after_.clear();
  base_with_action_.clear();
}

void KInduction::set_per_action(bool on) {
  per_action_ = on;
  forget_questions();
}

void KInduction::set_action_share(size_t index, size_t count) {
  share_count_ = std::max<size_t>(count, 1);
  share_index_ = index % share_count_;
  forget_questions();
}

size_t KInduction::questions() {
  if (k_ == 0 || (!per_action_ && share_count_ == 1)) return 1;
  if (action_literal_.empty()) {
    const Step& st = u_.relation.step(k_ - 1);
    const unsigned w = st.selector.get_sort().bv_size();
    auto literal = [&](const z3::expr& selects) {
      action_literal_.push_back(p_.ctx().bool_const(("kind_act" + std::to_string(queries_++)).c_str()));
      assert_base(z3::implies(action_literal_.back(), selects));
    };
    z3::expr_vector share(p_.ctx());
    for (size_t a = share_index_; a < st.actions.size(); a += share_count_) {
      const z3::expr selects = st.selector == p_.ctx().bv_val(a, w);
      if (!per_action_) {
        share.push_back(selects);
        continue;
      }
      literal(selects);
      question_action_.push_back(static_cast<int>(a));
    }
    if (!per_action_ || action_literal_.empty()) {  // one question for the share (none: never)
      literal(share.empty() ? p_.ctx().bool_val(false) : z3::mk_or(share));
      question_action_.push_back(-1);
    }
    fails_after_.assign(action_literal_.size(), std::vector<std::optional<z3::expr>>(goals_.size()));
  }
  return action_literal_.size();
}

z3::expr KInduction::fails(const Goal* g, size_t q) {
  if (action_literal_.empty() || question_action_[q] < 0 || g->kind != ir::Property::Kind::Invariant)
    return !u_.good(*g, k_);
  std::optional<z3::expr>& f = fails_after_[q][index_of(g)];
  if (!f) f = !u_.relation.predicate(g->decl->expr, u_.relation.step(k_ - 1).actions[question_action_[q]].next);
  return *f;
}

z3::expr KInduction::any_fails(const std::vector<Goal*>& gs, size_t q, z3::expr_vector& out) {
  for (const Goal* g : gs) out.push_back(fails(g, q));
  const z3::expr lit = p_.ctx().bool_const(("kind_q" + std::to_string(queries_++)).c_str());
  solver_.add(z3::implies(lit, z3::mk_or(out)));
  return lit;
}

void KInduction::assume_question(size_t q, z3::expr_vector& assumptions) {
  if (!action_literal_.empty()) assumptions.push_back(action_literal_[q]);
}

void KInduction::work_on(HoudiniBoard& board, size_t worker, unsigned& rounds,
                         const std::function<void(unsigned, size_t)>& progress, const Refine& refine,
                         const std::vector<Goal*>& assumed) {
  const size_t n = questions();
  size_t next = 0, unsat_in_a_row = 0;
  uint64_t asked_version = ~uint64_t{0};
  std::vector<size_t> indices;
  uint64_t version = 0;
  bool first = true;
  while (board.next(worker, indices, version)) {
    std::vector<Goal*> set;
    for (size_t i : indices) set.push_back(goals_[i]);
    if (first) {  // a refutation is of the current k
      for (Goal* g : set) refutation_[index_of(g)].reset();
      first = false;
    }
    if (version != asked_version) {  // a set that lost goals is weaker: every question again
      asked_version = version;
      unsat_in_a_row = 0;
    }
    z3::expr_vector failures(p_.ctx());
    std::optional<z3::model> model;
    z3::check_result r = z3::unknown;
    ++rounds;
    if (bit_blasted_) {
      std::vector<Goal*> held = set;
      held.insert(held.end(), assumed.begin(), assumed.end());
      for (const Goal* g : set) failures.push_back(fails(g, next));
      r = ask_bit_blasted(held, next, failures, model);
    } else {
      z3::expr_vector assumptions(p_.ctx());
      for (Goal* g : set) assumptions.push_back(literal_[index_of(g)]);
      for (Goal* g : assumed) assumptions.push_back(literal_[index_of(g)]);
      assumptions.push_back(any_fails(set, next, failures));
      assume_question(next, assumptions);
      r = solver_.check(assumptions);
      if (r == z3::sat) model = solver_.get_model();
    }
    const uint64_t effort = resource_units(solver_);
    last_effort_ = effort - std::min(effort, effort_);
    effort_ = effort;
    if (r == z3::unknown) return board.give_up();
    if (r == z3::unsat) {
      ++unsat_answers_;
      if (++unsat_in_a_row >= n) board.none_breaks(worker, version);  // no action of the share refutes any goal
      next = (next + 1) % n;
      continue;
    }
    ++sat_answers_;
    const z3::model& m = *model;
    std::vector<Goal*> kept;
    std::vector<size_t> by_model;
    for (size_t i = 0; i < set.size(); ++i) {
      if (!m.eval(failures[static_cast<unsigned>(i)], true).is_true()) {
        kept.push_back(set[i]);
        continue;
      }
      by_model.push_back(static_cast<size_t>(index_of(set[i])));
      std::optional<z3::model>& ref = refutation_[index_of(set[i])];
      if (!ref) ref = m;
    }
    if (by_model.empty()) return board.give_up();  // cannot happen: the model refutes one
    dropped_by_models_ += board.drop(by_model);
    if (refine) {
      const std::vector<Goal*> left = refine(m, kept);
      std::vector<size_t> by_refine;
      for (Goal* g : kept)
        if (std::find(left.begin(), left.end(), g) == left.end()) by_refine.push_back(static_cast<size_t>(index_of(g)));
      dropped_by_refine_ += board.drop(by_refine);
    }
    if (progress) progress(rounds, board.size());
  }
}

z3::check_result KInduction::ask_bit_blasted(const std::vector<Goal*>& held, size_t q, const z3::expr_vector& fails,
                                             std::optional<z3::model>& model) {
  z3::solver s = bit_blasting_.mk_solver();
  s.add(base_with_action(q));
  for (const Goal* g : held) s.add(held_[index_of(g)]);
  s.add(z3::mk_or(fails));
  const z3::check_result r = s.check();
  if (r == z3::sat) model = s.get_model();
  return r;
}

std::optional<bool> KInduction::preserves(const std::vector<Goal*>& set, const std::vector<Goal*>& checked) {
  for (size_t a = 0, n = questions(); a < n; ++a) {
    z3::expr_vector assumptions(p_.ctx()), fails(p_.ctx());
    for (Goal* h : set) assumptions.push_back(literal_[index_of(h)]);
    assumptions.push_back(any_fails(checked, a, fails));
    assume_question(a, assumptions);
    const z3::check_result r = solver_.check(assumptions);
    if (r == z3::unknown) return std::nullopt;
    if (r == z3::sat) return false;
  }
  return true;
}

std::optional<std::vector<Goal*>> KInduction::support(Goal* g, const std::vector<Goal*>& set) {
  std::vector<Goal*> out;
  for (size_t a = 0, n = questions(); a < n; ++a) {
    z3::expr_vector assumptions(p_.ctx()), fails(p_.ctx());
    for (Goal* h : set) assumptions.push_back(literal_[index_of(h)]);
    assumptions.push_back(any_fails({g}, a, fails));
    assume_question(a, assumptions);
    if (solver_.check(assumptions) != z3::unsat) return std::nullopt;
    const z3::expr_vector core = solver_.unsat_core();
    for (Goal* h : set)
      for (unsigned i = 0; i < core.size(); ++i)
        if (z3::eq(core[i], literal_[index_of(h)])) {
          if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
          break;
        }
  }
  // In the set's order, as one core would be.
  std::vector<Goal*> ordered;
  for (Goal* h : set)
    if (std::find(out.begin(), out.end(), h) != out.end()) ordered.push_back(h);
  return ordered;
}

std::optional<z3::model> KInduction::counterexample(Goal* g) {
  for (size_t a = 0, n = questions(); a < n; ++a) {
    z3::expr_vector assumptions(p_.ctx()), fails(p_.ctx());
    assumptions.push_back(literal_[index_of(g)]);
    assumptions.push_back(any_fails({g}, a, fails));
    assume_question(a, assumptions);
    const z3::check_result r = solver_.check(assumptions);
    if (r == z3::sat) return solver_.get_model();
    if (r == z3::unknown) return std::nullopt;
  }
  return std::nullopt;
}

void KInduction::assert_proved(Goal* g) {
  const int i = index_of(g);
  if (proved_[i]) return;
  proved_[i] = true;
  for (size_t s = 0; s <= k_; ++s) assert_base(u_.good(*g, s));
}

}  // namespace tcpmc::symbolic
