#include "invariant_inference.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "bmc.hpp"
#include "interrupt.hpp"
#include "kinduction.hpp"
#include "successor_refuter.hpp"
#include "trace_decoder.hpp"

namespace tcpmc {
namespace {

using symbolic::Goal;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The goals of a Houdini run: the selected invariants, then every lemma (the same order in every
// worker's copy: the board speaks of goals by index).
std::vector<Goal> make_goals(const ir::Model& m, const std::vector<uint8_t>& selected) {
  std::vector<Goal> goals;
  goals.reserve(m.properties.size() + m.lemmas.size());
  for (size_t i = 0; i < m.properties.size(); ++i) {
    if (!selected.empty() && !(i < selected.size() && selected[i])) continue;
    if (m.properties[i].kind != ir::Property::Kind::Invariant) continue;
    Goal g;
    g.property = static_cast<int>(i);
    g.decl = &m.properties[i];
    goals.push_back(g);
  }
  for (size_t l = 0; l < m.lemmas.size(); ++l) {
    Goal g;
    g.lemma = static_cast<int>(l);
    g.decl = &m.lemmas[l];
    goals.push_back(g);
  }
  return goals;
}

// One worker of the Houdini run: a problem (a Z3 context), its goals, its step over its share of
// the actions and its successor refuter; and what it spent.
struct Worker {
  Worker(const CompiledSystem& sys, const std::vector<uint8_t>& selected) : p(sys), goals(make_goals(sys.model(), selected)) {}
  symbolic::SymbolicProblem p;
  std::vector<Goal> goals;
  std::unique_ptr<symbolic::KInduction> step;
  std::unique_ptr<symbolic::SuccessorRefuter> refuter;
  unsigned questions = 0;
  double seconds = 0, refine_seconds = 0;
};

class Inference {
 public:
  Inference(const CompiledSystem& sys, const std::vector<uint8_t>& selected, InferenceResult& out,
            const std::function<void(unsigned, size_t)>& progress, const InferenceOptions& options)
      : sys_(sys), p_(sys), out_(out), progress_(progress), options_(options), goals_(make_goals(sys.model(), selected)),
        selected_(selected) {
    const ir::Model& m = sys.model();
    out_.lemma_initially_false.assign(m.lemmas.size(), 0);
    out_.lemma_inductive.assign(m.lemmas.size(), 0);
    out_.property_proved.assign(m.properties.size(), 0);
    out_.property_inductive.assign(m.properties.size(), 0);
    out_.support_lemmas.assign(m.properties.size(), {});
    out_.support_properties.assign(m.properties.size(), {});
    out_.cti.assign(m.properties.size(), std::nullopt);
    out_.lemma_cti.assign(m.lemmas.size(), std::nullopt);
    out_.property_note.assign(m.properties.size(), {});
  }

  void run() {
    const auto t0 = Clock::now();
    if (stopped()) return give_up("interrupted");  // before Z3 is asked anything
    std::vector<Goal*> open = base_case();
    if (!out_.complete) return;
    // The goals known inductive (options_.known_*): assumed, not asked.
    std::vector<size_t> asked, known_goals;
    for (Goal* g : open) (is_known(*g) ? known_goals : asked).push_back(static_cast<size_t>(g - goals_.data()));
    const size_t n = std::max<size_t>(options_.workers, 1);
    symbolic::HoudiniBoard board(asked, n);
    // Each worker has a copy of the problem (a Z3 context of its own: what this one answers
    // after Houdini must not depend on the questions Houdini asked, which depend on how the
    // workers' answers interleave). Worker 0 runs on this thread, the others on threads of their own.
    {
      std::lock_guard lock(workers_mutex_);
      for (size_t w = 0; w < n; ++w) workers_.push_back(std::make_unique<Worker>(sys_, selected_));
      board_ = &board;
    }
    if (stopped()) board.give_up();  // an interrupt before board_ was set
    std::vector<std::thread> threads;
    for (size_t w = 1; w < n; ++w)
      threads.emplace_back([&, w] {
        try {
          houdini(*workers_[w], board, w, n, known_goals, {});
        } catch (const z3::exception&) {
          board.give_up();  // this worker's reason is the run's (below)
        }
      });
    try {
      houdini(*workers_[0], board, 0, n, known_goals, progress_);
    } catch (const z3::exception&) {
      board.give_up();
      join(threads);
      throw;
    }
    join(threads);
    for (auto& w : workers_) {
      if (!w->step) continue;  // it failed before it could ask
      out_.z3_questions += w->questions;
      out_.z3_sat_answers += w->step->sat_answers();
      out_.z3_unsat_answers += w->step->unsat_answers();
      out_.dropped_by_z3 += w->step->dropped_by_models();
      out_.dropped_by_successors += w->step->dropped_by_refine();
      out_.z3_seconds += w->seconds - w->refine_seconds;
      out_.successor_seconds += w->refine_seconds;
      if (w->refuter) {
        out_.successor_states_expanded += w->refuter->expanded();
        out_.successor_states_evaluated += w->refuter->evaluated();
        out_.successor_disagreements += w->refuter->disagreements();
        out_.successor_mutants += w->refuter->mutants();
      }
    }
    if (!board.inductive()) return give_up("Z3 gave up in the induction step");
    out_.houdini_seconds = seconds_since(t0);
    // What follows (cores, also those the minimization asks again after a drop, and the
    // counterexamples to induction) asks this problem's own solver: the same proofs and
    // counterexamples on any number of workers. The workers' solvers stay for the minimization's
    // other questions (minimize), whose answers do not depend on who gives them.
    struct ClearWorkers {
      Inference& in;
      void now() {
        std::lock_guard lock(in.workers_mutex_);
        in.workers_.clear();
      }
      ~ClearWorkers() { now(); }
    } clear_workers{*this};
    std::vector<Goal*> kept;
    for (size_t i : board.set()) kept.push_back(&goals_[i]);
    for (size_t i : known_goals) kept.push_back(&goals_[i]);
    for (Goal* g : kept) {
      if (g->property >= 0)
        out_.property_proved[g->property] = out_.property_inductive[g->property] = 1;
      else
        out_.lemma_inductive[g->lemma] = 1;
    }
    const bool lemma_ctis = std::find(options_.lemma_cti.begin(), options_.lemma_cti.end(), 1) != options_.lemma_cti.end();
    if (!options_.proofs && !options_.property_ctis && !lemma_ctis) return;  // the inductive set was all
    std::vector<Goal*> all;
    for (Goal& g : goals_) all.push_back(&g);
    symbolic::KInduction step(p_, all, p_.make_solver(false));
    step.extend_to(1);
    step.set_per_action(options_.per_action);
    // What each proved property needs: the closure of unsat cores from it. A property whose
    // closure Z3 could not give (a support query not unsat) has no proof to print or re-check:
    // it is reported not proved, with a note.
    // Minimized cores: the support of a proved property is what its proof needs (without it
    // every lemma in the solver's way tends to appear). Only now: Z3 minimizes the core of every
    // unsat answer, which would slow each of Houdini's.
    try {
      step.set_param("core.minimize", true);
    } catch (const z3::exception&) {
      // a Z3 without the option: cores are then larger, never wrong
    }
    if (options_.support_rlimit > 0) step.set_param("rlimit", options_.support_rlimit);
    for (Goal* g : kept) {
      if (g->property < 0 || !options_.proofs) continue;
      std::vector<Goal*> closure{g}, todo{g};
      Needs needs;  // per member of the closure: its core
      while (!todo.empty()) {
        Goal* h = todo.back();
        todo.pop_back();
        if (stopped()) return give_up("interrupted");
        auto core = step.support(h, kept);
        if (!core) {
          if (stopped()) return give_up("interrupted");
          out_.property_note[g->property] = "Z3 did not answer unsat for the lemmas " +
                                            std::string(h == g ? "it" : h->decl->name) +
                                            " needs in the inductive set: no proof to print";
          break;
        }
        needs[h] = *core;
        for (Goal* c : *core)
          if (std::find(closure.begin(), closure.end(), c) == closure.end()) {
            closure.push_back(c);
            todo.push_back(c);
          }
      }
      if (!out_.property_note[g->property].empty()) {
        out_.property_proved[g->property] = 0;
        continue;
      }
      // Minimal: each member of the closure in turn (the last found first) is dropped when the
      // rest, g with them, is still inductive. Z3 without an answer keeps the member.
      if (options_.minimize_support && !minimize(closure, needs, step)) return give_up("interrupted");
      for (Goal* c : closure) {
        if (c == g) continue;
        if (c->property >= 0)
          out_.support_properties[g->property].push_back(c->property);
        else
          out_.support_lemmas[g->property].push_back(c->lemma);
      }
      std::sort(out_.support_lemmas[g->property].begin(), out_.support_lemmas[g->property].end());
      std::sort(out_.support_properties[g->property].begin(), out_.support_properties[g->property].end());
    }
    out_.proof_seconds = seconds_since(t0) - out_.houdini_seconds;
    clear_workers.now();  // the minimization is over: what follows asks this problem's solver only
    // A proof that relies on a property without one is not a proof either.
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t p = 0; p < out_.property_proved.size(); ++p) {
        if (!out_.property_proved[p]) continue;
        for (int q : out_.support_properties[p])
          if (!out_.property_proved[q]) {
            out_.property_proved[p] = 0;
            out_.property_note[p] = "its proof needs " + sys_.model().properties[q].name + ", which has none";
            changed = true;
            break;
          }
      }
    }
    step.set_param("rlimit", 0u);
    // The properties not proved: a counterexample to induction relative to the inductive set.
    for (Goal* g : kept) step.assert_proved(g);
    // A CTI for g (replayed), into `to`; a model that does not replay is reported.
    auto cti_of = [&](Goal& g, std::optional<Trace>& to) {
      auto m = step.counterexample(&g);
      if (!m) return;
      auto t = symbolic::replay_decoded(sys_, symbolic::decode_run(*m, step.unrolling().relation, step.k()), true);
      if (t && validate_steps(sys_, *t))
        to = std::move(*t);
      else
        out_.replay_failed = true;
    };
    for (Goal& g : goals_) {
      // One in the inductive set (a note says why it is not proved) has none.
      if (!options_.property_ctis) break;
      if (g.property < 0 || out_.property_proved[g.property] || !out_.property_note[g.property].empty()) continue;
      if (stopped()) return give_up("interrupted");
      cti_of(g, out_.cti[g.property]);
    }
    for (Goal& g : goals_) {
      if (g.lemma < 0 || out_.lemma_inductive[g.lemma] || out_.lemma_initially_false[g.lemma]) continue;
      if (static_cast<size_t>(g.lemma) >= options_.lemma_cti.size() || !options_.lemma_cti[g.lemma]) continue;
      if (stopped()) return give_up("interrupted");
      cti_of(g, out_.lemma_cti[g.lemma]);
    }
    out_.cti_seconds = seconds_since(t0) - out_.houdini_seconds - out_.proof_seconds;
  }

  void interrupt() {
    p_.ctx().interrupt();
    std::lock_guard lock(workers_mutex_);
    for (auto& w : workers_) w->p.ctx().interrupt();
    if (board_) board_->give_up();
  }

 private:
  const CompiledSystem& sys_;
  symbolic::SymbolicProblem p_;
  InferenceResult& out_;
  std::function<void(unsigned, size_t)> progress_;
  InferenceOptions options_;
  std::vector<Goal> goals_;
  std::vector<uint8_t> selected_;
  // The workers of the Houdini run and its board (interrupt() reaches them).
  std::mutex workers_mutex_;
  std::vector<std::unique_ptr<Worker>> workers_;
  symbolic::HoudiniBoard* board_ = nullptr;

  // Worker `index` of `n`: its step over its share of the actions, then its part of the run.
  void houdini(Worker& w, symbolic::HoudiniBoard& board, size_t index, size_t n, const std::vector<size_t>& known_goals,
               const std::function<void(unsigned, size_t)>& progress) {
    std::vector<Goal*> all, known;
    for (Goal& g : w.goals) all.push_back(&g);
    for (size_t i : known_goals) known.push_back(&w.goals[i]);
    w.step = std::make_unique<symbolic::KInduction>(w.p, all, w.p.make_solver(false));
    w.step->extend_to(1);
    // A bit-blasted question is about one action: the simplifier then drops the rest of the
    // relation before bit-blasting (a question for the share would carry them all).
    w.step->set_per_action(options_.per_action || options_.bit_blasted_questions);
    w.step->set_bit_blasted_questions(options_.bit_blasted_questions);
    w.step->set_action_share(index, n);
    symbolic::KInduction::Refine refine;
    if (options_.successor_states > 0) {
      w.refuter = std::make_unique<symbolic::SuccessorRefuter>(sys_, options_.successor_states);
      w.refuter->set_mutate(options_.mutate);
      refine = [&](const z3::model& m, const std::vector<Goal*>& set) {
        const auto start = Clock::now();
        const symbolic::DecodedRun run = symbolic::decode_run(m, w.step->unrolling().relation, 1);
        std::vector<int32_t> extra;
        for (int32_t v : run.labels[0].params) extra.push_back(v);
        std::vector<Goal*> with_known = set;  // the pre-states the refuter may use satisfy them too
        with_known.insert(with_known.end(), known.begin(), known.end());
        size_t budget = options_.successor_states;
        if (options_.effort_per_successor > 0)
          budget = std::clamp<size_t>(w.step->last_effort() / options_.effort_per_successor,
                                      InferenceOptions::kMinSuccessorStates, budget);
        std::vector<Goal*> left;
        for (Goal* g : w.refuter->refine(run.states[0], with_known, extra, budget))
          if (std::find(known.begin(), known.end(), g) == known.end()) left.push_back(g);
        w.refine_seconds += seconds_since(start);
        return left;
      };
    }
    const auto start = Clock::now();
    w.step->work_on(board, index, w.questions, progress, refine, known);
    w.seconds += seconds_since(start);
  }

  // Per member of a closure of unsat cores: the members its core named (it holds after a step
  // from them).
  using Needs = std::unordered_map<const Goal*, std::vector<Goal*>>;

  // Drops from `closure` (its property first) each other member c in turn, the last found first,
  // when the rest are still inductive; Z3 without an answer keeps it. Only the members whose core
  // names c can fail without it: c goes with no question when none is left, else when they all
  // hold after a step from the rest; then each of them gets its core again, from the rest, on
  // `step` (this problem's own solver, whose questions are the same on any number of workers).
  // The workers' solvers (all with the whole relation again) answer the next members' questions
  // in parallel, each assuming that the ones before it in the batch are kept; after the first
  // one dropped, the rest of the batch is asked again. So the result is the sequential one on any
  // number of workers (whether a set holds after a step from another is a fact, whoever answers
  // it; with a resource limit, each solver has it too and an unknown may differ). False when
  // interrupted.
  bool minimize(std::vector<Goal*>& closure, Needs& needs, symbolic::KInduction& step) {
    std::vector<Worker*> askers;
    for (auto& w : workers_)
      if (w->step) {
        w->step->set_per_action(options_.per_action);  // the incremental solver's questions
        w->step->set_action_share(0, 1);
        if (options_.support_rlimit > 0) w->step->set_param("rlimit", options_.support_rlimit);
        askers.push_back(w.get());
      }
    if (askers.empty()) return false;  // cannot happen: Houdini ended with an inductive set
    auto in_worker = [&](Worker& w, Goal* h) { return &w.goals[static_cast<size_t>(h - goals_.data())]; };
    // The members of the closure that name c in their core.
    auto needing = [&](Goal* c) {
      std::vector<Goal*> out;
      for (Goal* h : closure)
        if (h != c && std::find(needs[h].begin(), needs[h].end(), c) != needs[h].end()) out.push_back(h);
      return out;
    };
    auto drop = [&](Goal* c, const std::vector<Goal*>& needed_by) {
      closure.erase(std::find(closure.begin(), closure.end(), c));
      ++out_.minimize_dropped;
      for (Goal* h : needed_by) {
        auto core = step.support(h, closure);
        ++out_.minimize_questions;
        needs[h] = core ? *core : closure;  // (no core: all of it, as the question above showed)
      }
    };
    const std::vector<Goal*> order(closure.rbegin(), closure.rend() - 1);  // all but the property
    for (size_t i = 0; i < order.size();) {
      if (stopped()) return false;
      std::vector<std::vector<Goal*>> needed_by;  // per member of the batch
      while (needed_by.size() < askers.size() && i + needed_by.size() < order.size()) {
        std::vector<Goal*> n = needing(order[i + needed_by.size()]);
        if (n.empty() && !needed_by.empty()) break;  // it goes without a question: after this batch
        needed_by.push_back(std::move(n));
        if (needed_by.back().empty()) break;
      }
      if (needed_by[0].empty()) {
        drop(order[i++], {});
        continue;
      }
      const size_t batch = needed_by.size();
      std::vector<std::optional<bool>> holds(batch);
      std::vector<uint8_t> failed(batch, 0);
      auto ask = [&](size_t b) {
        Worker& w = *askers[b];
        std::vector<Goal*> rest, checked;  // the closure without order[i + b]; those needing it
        for (Goal* h : closure)
          if (h != order[i + b]) rest.push_back(in_worker(w, h));
        for (Goal* h : needed_by[b]) checked.push_back(in_worker(w, h));
        try {
          holds[b] = w.step->preserves(rest, checked);
        } catch (const z3::exception&) {
          failed[b] = 1;
        }
      };
      std::vector<std::thread> threads;
      for (size_t b = 1; b < batch; ++b) threads.emplace_back(ask, b);
      ask(0);
      for (std::thread& t : threads) t.join();
      out_.minimize_questions += static_cast<unsigned>(batch);
      size_t b = 0;
      for (; b < batch; ++b) {
        if (failed[b]) throw z3::exception("a minimization question failed");
        if (holds[b].value_or(false)) {  // dropped: the answers after it assumed it kept
          drop(order[i + b], needed_by[b]);
          ++b;
          break;
        }
      }
      i += b;
    }
    return !stopped();
  }

  bool stopped() const { return interrupt_requested(); }
  void join(std::vector<std::thread>& threads) {
    for (std::thread& t : threads) t.join();
    std::lock_guard lock(workers_mutex_);
    board_ = nullptr;
  }
  bool is_known(const Goal& g) const {
    const std::vector<uint8_t>& known = g.property >= 0 ? options_.known_properties : options_.known_lemmas;
    const size_t i = static_cast<size_t>(g.property >= 0 ? g.property : g.lemma);
    return i < known.size() && known[i];
  }
  void give_up(const std::string& why) {
    out_.complete = false;
    if (out_.stop_reason.empty()) out_.stop_reason = stopped() ? "interrupted" : why;
  }

  // The goals true in every initial state (BMC at depth 0): one question for all, then again for
  // those the model does not refute.
  std::vector<Goal*> base_case() {
    symbolic::Bmc bmc(p_, p_.make_solver(false));
    bmc.extend_to(0);
    std::vector<Goal*> open;
    for (Goal& g : goals_) open.push_back(&g);
    for (;;) {
      if (open.empty()) return open;
      z3::expr_vector bad(p_.ctx());
      for (Goal* g : open) bad.push_back(bmc.unrolling().bad(*g, 0));
      const z3::check_result r = bmc.check(z3::mk_or(bad));
      if (r == z3::unsat) return open;
      if (r == z3::unknown) {
        give_up("Z3 gave up on the initial states: " + bmc.reason_unknown());
        return {};
      }
      const z3::model m = bmc.model();
      std::vector<Goal*> rest;
      for (size_t i = 0; i < open.size(); ++i) {
        if (!m.eval(bad[static_cast<unsigned>(i)], true).is_true()) {
          rest.push_back(open[i]);
          continue;
        }
        if (open[i]->lemma >= 0) out_.lemma_initially_false[open[i]->lemma] = 1;
      }
      if (rest.size() == open.size()) return {};
      open = std::move(rest);
    }
  }
};

}  // namespace

InferenceResult infer_inductive_invariant(const CompiledSystem& sys, const std::vector<uint8_t>& selected,
                                          const std::function<void(unsigned, size_t)>& progress,
                                          const InferenceOptions& options) {
  InferenceResult out;
  Inference inf(sys, selected, out, progress, options);
  run_watched(
      [&] {
        try {
          inf.run();
        } catch (const z3::exception& e) {
          out.complete = false;
          out.stop_reason = std::string("Z3: ") + e.msg();
        }
      },
      [&] { inf.interrupt(); });
  return out;
}

}  // namespace tcpmc
