// The induction step of k-induction, for a set of goals at once (invariants, stuck properties
// and the spec's lemmas). Its solver holds states 0..k, each only well formed (any values the
// layout allows, channels in canonical shape), linked by the transition relation. Goals already
// proved are asserted at every step; the open ones are assumed at steps 0..k-1 through one
// literal each. Houdini-style, `prove` drops the goals that fail at step k until the rest hold
// together: those are proved (with the base case, which BMC checks to depth k-1).
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "houdini_board.hpp"
#include "symbolic_problem.hpp"

namespace tcpmc::symbolic {

class KInduction {
 public:
  KInduction(SymbolicProblem& p, std::vector<Goal*> goals, z3::solver solver);
  // Extends the step to k transitions (states 0..k): goals still open are assumed at 0..k-1.
  void extend_to(size_t k);
  size_t k() const { return k_; }
  // The open goals that hold at step k whenever all of them hold at 0..k-1 (a maximal such
  // set); they are asserted at every step from now on. Returns them (not yet marked).
  std::vector<Goal*> prove(const std::vector<Goal*>& open);
  // The same fixpoint with one question for the whole set ("can any goal of the set fail at k?"):
  // far fewer queries when the set is large and mostly inductive (`tcpmc prove`'s candidates),
  // as one of the workers sharing `board` (houdini_board.hpp; one worker: the whole fixpoint).
  // The board holds the set (indices into this step's goals, the same in every worker's step);
  // this step asks about its share of the actions (set_action_share), and each of its models
  // drops from the board every goal it refutes. Returns when the run is over: the board says
  // whether the set left is inductive (not when Z3 gave up). `rounds` counts the questions asked;
  // `progress` is called after each model with them and the goals left. `refine`, when given, is
  // called with each model and the set without the goals it refutes, and returns the set to go
  // on with: a subset, without only goals it has refuted itself (successor_refuter.hpp: from the
  // model's step 0, which satisfies the whole set of the question). `assumed`: goals known to be
  // inductive by themselves (a previous fixpoint), assumed at 0..k-1 with the set but never asked
  // at k (they hold there: sound only if they are inductive, which the caller vouches for; never
  // on the board).
  using Refine = std::function<std::vector<Goal*>(const z3::model&, const std::vector<Goal*>&)>;
  void work_on(HoudiniBoard& board, size_t worker, unsigned& rounds,
               const std::function<void(unsigned, size_t)>& progress = {}, const Refine& refine = {},
               const std::vector<Goal*>& assumed = {});
  // From now on the questions are about the actions of the last step whose index is `index`
  // modulo `count` only (a worker's share; (0, 1): every action, the default). Every question
  // (support and counterexample too) then speaks of that share only.
  void set_action_share(size_t index, size_t count);
  // The goals the models of work_on dropped, and those `refine` dropped after
  // them (each counted once, by the worker that dropped it).
  size_t dropped_by_models() const { return dropped_by_models_; }
  size_t dropped_by_refine() const { return dropped_by_refine_; }
  // work_on, support and counterexample ask one question per action of the last step
  // (its selector assumed equal to it, the goals at k evaluated on the state that action makes,
  // so that a goal over slots it leaves alone is literally the one assumed before it) rather than
  // one for the whole relation. work_on asks the actions in turn, round robin, starting
  // again at the one that last refuted goals; the set is inductive when every action in a row has
  // answered unsat for it (a set that lost goals is weaker: the actions that were unsat before
  // are asked again). support unions the cores of the actions. Switching makes the questions again.
  void set_per_action(bool on);
  // work_on asks each question of a solver of its own, made for it: the step's assertions with the
  // question's assumptions as facts, simplified, bit-blasted and given to Z3's SAT solver (no
  // incremental state). The same answers; at a narrow width, near a fixpoint, where the
  // incremental solver takes seconds per question, this takes a fraction of one (the facts
  // simplify most of the step away; per action, the selector fixed, so does the rest of the
  // relation: at 32 bits tens of milliseconds a question where one about half of the actions
  // takes seconds).
  void set_bit_blasted_questions(bool on) { bit_blasted_ = on; }
  // Z3's resource units (its "rlimit count", a deterministic measure of its work) that work_on's
  // last question took.
  uint64_t last_effort() const { return last_effort_; }
  // Answers of work_on's questions so far: sat (goals refuted) and unsat.
  unsigned sat_answers() const { return sat_answers_; }
  unsigned unsat_answers() const { return unsat_answers_; }
  // Whether every goal of `checked` holds at k whenever `set` holds at 0..k-1 (one question, or
  // one per action); nullopt when Z3 gave up. With checked == set: whether `set` is inductive.
  std::optional<bool> preserves(const std::vector<Goal*>& set, const std::vector<Goal*>& checked);
  // The goals of `set` (not yet asserted as proved) whose assumption at 0..k-1 an unsat answer
  // to "g fails at k" used (an unsat core, minimized by Z3); nullopt when g can fail at k given
  // them all, or Z3 gave up.
  std::optional<std::vector<Goal*>> support(Goal* g, const std::vector<Goal*>& set);
  // A counterexample to induction for g at the current k: g holds at 0..k-1 (and the proved
  // goals everywhere), and fails at k. Returns the model, or nullopt (unsat or unknown).
  std::optional<z3::model> counterexample(Goal* g);
  // The model in which the last `prove` (at the current k) first saw g fail at step k while every
  // goal still in its set held at 0..k-1 (a counterexample to induction relative to those
  // candidates), if g was dropped.
  const std::optional<z3::model>& refutation(const Goal* g) const { return refutation_[index_of(g)]; }
  // A parameter of the solver for the queries from now on ("rlimit": Z3's resource limit per query,
  // 0 none; "core.minimize").
  void set_param(const char* name, unsigned value) { solver_.set(name, value); }
  void set_param(const char* name, bool value) { solver_.set(name, value); }
  // The goal is proved: assert it at every step, present and future.
  void assert_proved(Goal* g);
  Unrolling& unrolling() { return u_; }

 private:
  SymbolicProblem& p_;
  Unrolling u_;
  z3::solver solver_;
  std::vector<Goal*> goals_;
  std::vector<z3::expr> literal_;  // per goal: assumes it at steps 0..k-1
  std::vector<bool> proved_;
  std::vector<std::optional<z3::model>> refutation_;
  // Per question about the last step: the literal that selects its action (per_action_), or one
  // of its share's actions; empty: one question for the whole relation.
  std::vector<z3::expr> action_literal_;
  std::vector<int> question_action_;  // per question: its action, or -1 (any of the share's)
  size_t share_index_ = 0, share_count_ = 1;
  size_t dropped_by_models_ = 0, dropped_by_refine_ = 0;
  size_t k_ = 0;
  unsigned queries_ = 0, sat_answers_ = 0, unsat_answers_ = 0;
  uint64_t effort_ = 0, last_effort_ = 0;  // Z3's resource units: all so far, the last question's
  int index_of(const Goal* g) const;
  bool per_action_ = false;
  bool bit_blasted_ = false;
  // For set_bit_blasted_questions: what the solver holds for every question (the steps, the
  // proved goals, the actions' literals) and, per goal still open, what its literal assumes (it
  // holds at steps 0..k-1).
  z3::expr_vector base_;
  std::vector<z3::expr_vector> held_;
  z3::tactic bit_blasting_;
  // Per question: base_ with its action's literal as a fact, simplified once (made on first use,
  // again when base_ grows): each of its bit-blasted questions starts from it, the rest of the
  // relation already gone (the simplification of the whole base took most of a 3-bit question).
  std::vector<std::optional<z3::expr_vector>> base_with_action_;
  const z3::expr_vector& base_with_action(size_t q);
  void assert_base(const z3::expr& e);
  // The question "some of `fails` holds at k after question `q`'s action, given that the goals
  // `held` hold at 0..k-1", asked of a solver of its own; its model when sat.
  z3::check_result ask_bit_blasted(const std::vector<Goal*>& held, size_t q, const z3::expr_vector& fails,
                                   std::optional<z3::model>& model);
  // Per question, per goal: the goal fails at k after that question's action (made on first use).
  std::vector<std::vector<std::optional<z3::expr>>> fails_after_;
  // Drops the questions made so far (their literals, failures and simplified bases): the step, the
  // share or the split changed.
  void forget_questions();
  // The questions a query is split into: the actions of the last step (of the share), the
  // share's actions at once, or the whole relation.
  size_t questions();
  // The goal fails at k: after action `q` of the last step, or (per_action_ off) after any step.
  z3::expr fails(const Goal* g, size_t q);
  // A fresh literal that, assumed, makes some goal of `gs` fail at k after question `q`'s action
  // (their failures in `out`).
  z3::expr any_fails(const std::vector<Goal*>& gs, size_t q, z3::expr_vector& out);
  // The literal selecting question `q`'s action (none for the whole relation): made on first use.
  void assume_question(size_t q, z3::expr_vector& assumptions);
};

}  // namespace tcpmc::symbolic
