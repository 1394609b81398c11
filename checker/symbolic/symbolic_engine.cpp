#include "symbolic_engine.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "bmc.hpp"
#include "interrupt.hpp"
#include "kinduction.hpp"
#include "process_memory.hpp"
#include "trace_decoder.hpp"

namespace tcpmc {
namespace {

using symbolic::Goal;
using Kind = ir::Property::Kind;

bool judged(Kind k) { return k == Kind::Invariant || k == Kind::Stuck || k == Kind::Reachable; }

class Run {
 public:
  Run(const CompiledSystem& sys, const EngineLimits& limits, EngineResult& out, bool kinduction)
      : sys_(sys), limits_(limits), out_(out), p_(sys), start_(std::chrono::steady_clock::now()) {
    const auto& props = sys.model().properties;
    out_.properties.assign(props.size(), PropertyOutcome{});
    for (size_t i = 0; i < props.size(); ++i) {
      if (!limits.selected.empty() && !limits.selected[i]) continue;
      if (!judged(props[i].kind)) {
        out_.properties[i].basis = Basis::NotChecked;
        continue;
      }
      Goal g;
      g.property = static_cast<int>(i);
      g.kind = props[i].kind;
      g.decl = &props[i];
      goals_.push_back(g);
    }
    // The spec's lemmas: proved (and then assumed) by the induction step; BMC checks their base.
    if (limits.max_depth > 0 && kinduction)
      for (size_t l = 0; l < sys.model().lemmas.size(); ++l) {
        Goal g;
        g.lemma = static_cast<int>(l);
        g.decl = &sys.model().lemmas[l];
        goals_.push_back(g);
      }
    const size_t ni = sys.instances().size();
    out_.coverage.recorded = false;
    out_.coverage.fired.assign(ni, 0);
    out_.coverage.overflow.assign(ni, 0);
  }

  // BMC at depth k for every open goal: one question for all of them (is any bad at k?), then,
  // while the answer is yes, the goals that model violates are settled and the question is asked
  // again for the rest. False when Z3 gave up or the run was interrupted.
  bool bmc_depth(symbolic::Bmc& bmc, const std::vector<Goal*>& group, size_t k) {
    bmc.extend_to(k);
    std::vector<Goal*> open;
    std::vector<z3::expr> bad;
    for (Goal* g : group)
      if (g->open) {
        open.push_back(g);
        bad.push_back(bmc.unrolling().bad(*g, k));
      }
    while (!open.empty()) {
      if (stopped()) return false;
      z3::expr_vector any(p_.ctx());
      for (const z3::expr& b : bad) any.push_back(b);
      const z3::check_result r = bmc.check(z3::mk_or(any));
      if (r == z3::unknown) {
        if (!stopped()) out_.stop_reason = "Z3 gave up at depth " + std::to_string(k) + ": " + bmc.reason_unknown();
        return false;
      }
      if (r == z3::unsat) {
        // No run of k steps violates these: say so to the solver, a fact the deeper questions
        // can use (an invariant then holds at every earlier step).
        bmc.assume_clean(!z3::mk_or(any));
        break;
      }
      const z3::model m = bmc.model();
      std::vector<Goal*> rest;
      std::vector<z3::expr> rest_bad;
      for (size_t i = 0; i < open.size(); ++i) {
        if (m.eval(bad[i], true).is_true()) {
          // A property's run is shown as breadth-first search would find it (a false lemma's
          // and a model error's as they come).
          std::optional<z3::model> least;
          if (open[i]->property >= 0 && !open[i]->model_error) least = bmc.least_run(bad[i], k);
          found(*open[i], least ? *least : m, bmc.unrolling(), k);
        } else {
          rest.push_back(open[i]);
          rest_bad.push_back(bad[i]);
        }
      }
      if (rest.size() == open.size()) break;  // cannot happen: the model violates some goal
      open = std::move(rest);
      bad = std::move(rest_bad);
    }
    out_.depth = std::max(out_.depth, static_cast<uint32_t>(k));
    progress(k, false);
    return true;
  }

  // The goals in groups that each get their own solvers: stuck properties that must quantify
  // over a call's sequence-number parameter need a quantifier-capable solver, which would slow
  // every other goal down; the rest share the incremental bit-blasting one.
  std::vector<std::vector<Goal*>> groups() {
    std::vector<std::vector<Goal*>> out(2);
    const bool wide = p_.wide_parameters();
    for (Goal& g : goals_) out[wide && g.kind == Kind::Stuck].push_back(&g);
    if (out[1].empty()) out.pop_back();
    return out;
  }
  static bool quantified(const std::vector<Goal*>& group) { return !group.empty() && group[0]->kind == Kind::Stuck; }

  // Model errors (a value out of range, an overflow, a division by zero), which the explicit
  // engine reports as it meets them: searched by BMC after the properties, to the depth they were
  // checked to, when every property is checked (a --property selection asks about those only).
  // Proving that no step of depth k fails is as hard as proving an invariant per assignment, so
  // it comes last: the properties' verdicts never wait for it.
  void search_model_errors(uint32_t depth) {
    if (!limits_.selected.empty() || stopped()) return;
    Goal g;
    g.model_error = true;
    std::vector<Goal*> group{&g};
    symbolic::Bmc bmc(p_, p_.make_solver(false));
    int64_t reached = -1;
    for (size_t k = 0; k <= depth && g.open; ++k) {
      if (!bmc_depth(bmc, group, k)) break;
      reached = static_cast<int64_t>(k);
    }
    if (!g.open) return;  // found: reported as the run's model error
    if (reached == static_cast<int64_t>(depth))
      out_.notes.push_back("no model error (value out of range, overflow, division by zero) in runs of up to " +
                           std::to_string(depth) + " steps");
    else
      out_.notes.push_back("the search for model errors stopped: none in runs of up to " +
                           std::to_string(std::max<int64_t>(reached, 0)) + " steps");
  }

  // The groups depth by depth, so that a time budget (Ctrl-C) leaves each as deep as the others.
  void run_bmc() {
    const auto gs = groups();
    std::vector<std::unique_ptr<symbolic::Bmc>> bmcs;
    for (const auto& group : gs)
      bmcs.push_back(std::make_unique<symbolic::Bmc>(p_, p_.make_solver(quantified(group) && p_.wide_parameters())));
    std::vector<int64_t> reached(gs.size(), -1);  // per group: the deepest depth fully checked
    auto open = [](const std::vector<Goal*>& group) {
      for (const Goal* g : group)
        if (g->open) return true;
      return false;
    };
    bool stop = false;
    for (size_t k = 0; k <= limits_.max_depth && !stop; ++k) {
      bool any = false;
      for (size_t i = 0; i < gs.size() && !stop; ++i) {
        if (!open(gs[i])) continue;
        any = true;
        if (bmc_depth(*bmcs[i], gs[i], k))
          reached[i] = static_cast<int64_t>(k);
        else
          stop = true;
      }
      if (!any) break;
    }
    for (size_t i = 0; i < gs.size(); ++i)
      for (Goal* g : gs[i]) {
        if (!g->open || g->property < 0) continue;
        PropertyOutcome& o = out_.properties[g->property];
        if (reached[i] < 0) continue;  // nothing checked: inconclusive
        o.basis = Basis::Bounded;
        o.bound = stop ? static_cast<uint32_t>(reached[i]) : limits_.max_depth;
        o.verdict = g->kind == Kind::Reachable ? Verdict::Inconclusive : Verdict::Holds;
      }
    if (!stop) search_model_errors(limits_.max_depth);
  }

  void run_kinduction() {
    for (const auto& group : groups()) kinduction_group(group);
    search_model_errors(out_.depth);
    if (!proved_lemmas_.empty()) {
      std::string s;
      for (const auto& n : proved_lemmas_) s += (s.empty() ? "" : ", ") + n;
      out_.notes.push_back("lemmas proved and assumed: " + s);
    }
  }

  // A counterexample to induction from the step's model, replayed from its free first state.
  std::optional<Trace> replayed(const z3::model& m, symbolic::KInduction& step) {
    auto t = symbolic::replay_decoded(sys_, symbolic::decode_run(m, step.unrolling().relation, step.k()), true);
    if (t && validate_steps(sys_, *t)) return t;
    return std::nullopt;
  }

  void kinduction_group(const std::vector<Goal*>& group) {
    const bool q = quantified(group) && p_.wide_parameters();
    symbolic::Bmc bmc(p_, p_.make_solver(q));
    std::vector<Goal*> inductive;
    for (Goal* g : group)
      if (g->kind != Kind::Reachable && !g->model_error) inductive.push_back(g);
    symbolic::KInduction step(p_, inductive, p_.make_solver(q));
    size_t k = 1;
    bool ok = true;
    for (; k <= limits_.max_depth; ++k) {
      if (!bmc_depth(bmc, group, k - 1)) {  // the base case: no violation within k-1 steps
        ok = false;
        break;
      }
      std::vector<Goal*> open;
      for (Goal* g : inductive)
        if (g->open) open.push_back(g);
      if (open.empty()) break;
      step.extend_to(k);
      if (stopped()) {
        ok = false;
        break;
      }
      for (Goal* g : step.prove(open)) {
        g->open = false;
        step.assert_proved(g);
        if (g->property < 0) {
          proved_lemmas_.push_back(g->decl->name + " (k=" + std::to_string(k) + ")");
          continue;
        }
        PropertyOutcome& o = out_.properties[g->property];
        o.verdict = Verdict::Holds;
        o.basis = Basis::Proved;
        o.bound = static_cast<uint32_t>(k);
      }
    }
    const size_t last_k = std::min<size_t>(k, limits_.max_depth);
    for (Goal* g : inductive) {
      if (!g->open) continue;
      if (g->property < 0) {
        if (!ok) continue;
        out_.notes.push_back("lemma '" + g->decl->name + "' is not k-inductive at k=" + std::to_string(last_k) +
                             " (with the lemmas and properties proved), so it was not assumed");
        if (limits_.lemma_ctis && step.refutation(g)) {
          auto t = replayed(*step.refutation(g), step);
          if (t)
            out_.lemma_ctis.push_back({g->lemma, static_cast<uint32_t>(step.k()), std::move(*t)});
          else
            out_.replay_failed = true;
        }
        continue;
      }
      PropertyOutcome& o = out_.properties[g->property];
      if (!ok) continue;  // stopped: inconclusive, nothing more to say
      o.verdict = Verdict::Inconclusive;
      o.basis = Basis::NotInductive;
      o.bound = static_cast<uint32_t>(last_k);
      if (auto m = step.counterexample(g)) {
        auto t = replayed(*m, step);
        if (t)
          o.cti = std::move(*t);
        else
          out_.replay_failed = true;
      }
    }
    // Reachable properties: BMC only.
    for (Goal* g : group) {
      if (!g->open || g->kind != Kind::Reachable || g->property < 0 || !ok) continue;
      PropertyOutcome& o = out_.properties[g->property];
      o.verdict = Verdict::Inconclusive;
      o.basis = Basis::Bounded;
      o.bound = out_.depth;
    }
  }

  void interrupt() { p_.ctx().interrupt(); }

  void finish() {
    out_.seconds = seconds();
    out_.memory_bytes = resident_bytes();
    // Complete: the engine went as far as asked (the verdicts say what that establishes); not
    // complete when Z3 gave up or the run was interrupted before.
    out_.complete = out_.stop_reason.empty() && !out_.interrupted;
    if (out_.interrupted) out_.stop_reason = "interrupted";
    progress(out_.depth, true);
  }

 private:
  const CompiledSystem& sys_;
  const EngineLimits& limits_;
  EngineResult& out_;
  symbolic::SymbolicProblem p_;
  std::vector<Goal> goals_;
  std::chrono::steady_clock::time_point start_;
  bool reported_ = false;
  std::vector<std::string> proved_lemmas_;

  bool stopped() {
    if (interrupt_requested()) out_.interrupted = true;
    return out_.interrupted;
  }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void progress(size_t depth, bool final) {
    if (!limits_.progress || !limits_.on_progress || (final && !reported_)) return;
    EngineProgress pr;
    pr.label = limits_.progress_label.empty() ? sys_.model().name : limits_.progress_label;
    pr.depth = static_cast<uint32_t>(depth);
    pr.memory_bytes = resident_bytes();
    pr.seconds = seconds();
    pr.final = final;
    limits_.on_progress(pr);
    reported_ = true;
  }

  // A step from the state at depth k fails with a model error: the run there, and the error as
  // the explicit semantics reports it when that step is fired.
  void found_model_error(const z3::model& m, symbolic::Unrolling& u, size_t k) {
    auto t = symbolic::replay_decoded(sys_, symbolic::decode_run(m, u.relation, k), false);
    const symbolic::Step& step = u.relation.step(k);
    for (const symbolic::Action& a : step.actions) {
      if (!t || !m.eval(a.fails, true).is_true()) continue;
      Scratch sc = sys_.make_scratch();
      sys_.fire(t->final_state().data(), symbolic::decode_label(m, a), sc, [](const Label&, const int32_t*) {});
      if (!sc.has_error) continue;
      out_.model_error = sc.error;
      t->error = sc.error;
      out_.model_error_trace = std::move(*t);
      return;
    }
    out_.replay_failed = true;  // Z3 saw an error the explicit semantics does not have
  }

  // A violation (or a reachable property's witness) in the model of the BMC solver at depth k.
  void found(Goal& g, const z3::model& m, symbolic::Unrolling& u, size_t k) {
    g.open = false;
    if (g.model_error) return found_model_error(m, u, k);
    if (g.property < 0) {  // a lemma that is false: never assumed
      out_.notes.push_back("lemma '" + g.decl->name + "' is false: violated by a run of " + std::to_string(k) +
                           " steps, so it was not assumed");
      return;
    }
    PropertyOutcome& o = out_.properties[g.property];
    o.verdict = g.kind == Kind::Reachable ? Verdict::Holds : Verdict::Violated;
    o.basis = Basis::Bounded;
    o.bound = static_cast<uint32_t>(k);
    o.depth = static_cast<uint32_t>(k);
    auto run = symbolic::decode_run(m, u.relation, k);
    auto t = symbolic::replay_decoded(sys_, run, false);
    if (t && validate_trace(sys_, *t))
      o.witness = std::move(*t);
    else
      out_.replay_failed = true;
  }
};

}  // namespace

EngineResult SymbolicEngine::check(const EngineLimits& limits) {
  EngineResult out;
  Run run(sys_, limits, out, mode_ == Mode::KInduction);
  // Z3 answers one question at a time, possibly for long: an interrupt (Ctrl-C) stops it.
  run_watched(
      [&] {
        if (mode_ == Mode::Bmc)
          run.run_bmc();
        else
          run.run_kinduction();
      },
      [&] { run.interrupt(); });
  run.finish();
  return out;
}

}  // namespace tcpmc
