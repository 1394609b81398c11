// Mutation testing of a spec: are its properties strong enough to notice a small change to its
// rules?
//
// The spec is loaded and type-checked once; every mutant is a copy of the typed IR (ir::Model)
// with exactly one change at one site of one rule, checked through the verifier with the run's own
// options (defines, faults, limits, selected properties). Operators (operator_names()):
//   drop-stmt        drop one statement (an assignment, a goto or an if; sends and timers have
//                    their own operators)
//   drop-send        drop one `send`
//   drop-conjunct    drop one conjunct of a rule's `when` guard (the `in STATES` list is kept)
//   negate-conjunct  negate one conjunct of a rule's `when` guard
//   comparison       `<`<->`<=`, `>`<->`>=`, `==`<->`!=` (in guards, conditions and values)
//   plus-minus-one   add or subtract 1 to an integer or seq constant (timer durations included,
//                    within 0..60) or to an arithmetic term without a constant operand
//   goto             change a `goto` target to the neighbouring state (enum order), either side
//   flag             clear or set one flag of a sent segment
//   swap-recv        swap two adjacent `recv` rules (first-match order)
//   drop-timer       drop one `stop T` or `timer T := N`
// Ghost-only statements (assignments to ghost variables, an `if` whose branches change only ghost
// state), ghost segment fields, properties and monitors (properties' bookkeeping) are never
// mutated; a swap-recv keeps a monitor's `rule == NAME` naming the same rule.
//
// Per mutant the outcome is killed (a property's verdict differs from the original run's: the
// first property that held and is violated, with its counterexample length, else the first that
// was violated and holds), survived, probably equivalent (complete, with the original's state and
// transition counts and verdicts), invalid (a model error, or a mutant the compiler refuses), or
// inconclusive (a limit stopped it before any verdict changed). A mutant of a rule's body whose
// rule never fired in the (complete) original run is equivalent without a run. Mutants run on
// `jobs` threads, each with a single-threaded engine; results are in mutant-id order, the same for
// any job count. Nothing here prints.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "verifier.hpp"

namespace tcpmc::mutate {

enum class Operator { DropStmt, DropSend, DropConjunct, NegateConjunct, Comparison, PlusMinusOne, Goto, Flag, SwapRecv, DropTimer };
constexpr int kOperatorCount = 10;

const char* operator_name(Operator op);
const std::vector<std::string>& operator_names();  // in enum order
std::optional<Operator> operator_by_name(const std::string& name);

struct Mutant {
  int id = 0;                // 1-based, in enumeration order over all operators (stable under --operators)
  Operator op = Operator::DropStmt;
  int rule = -1;             // the mutated rule (the first of two swapped recv rules)
  std::string rule_name;     // "recv ack"
  SourceRange where;         // the mutated source span
  std::string location;      // "specs/x.tcp:212:5"
  int line = 0;
  std::string original;      // the span's source text on one line
  std::string replacement;   // what it becomes ("dropped" for a drop)
  bool in_guard = false;     // the change is in the rule's guard (may make a never-firing rule fire)
  std::function<void(ir::Model&)> apply;
  // "line 212: `snd_una := s.ack` → dropped"
  std::string description() const;
};

// Every mutant of the model, in rule order, each rule's guard first, then its body in order.
std::vector<Mutant> enumerate_mutants(const ir::Model& m);

enum class Outcome { Killed, Survived, Equivalent, Invalid, Inconclusive, NotRun };
const char* outcome_name(Outcome o);  // "killed", "survived", "equivalent", "invalid", "inconclusive", "not run"

struct MutantResult {
  int id = 0;
  Outcome outcome = Outcome::NotRun;
  bool ran = false;                       // false: classified without a run (or not run at all)
  std::string killed_by;                  // Killed: the property
  std::optional<uint64_t> cex_length;     // Killed by a violation: its counterexample's length
  uint64_t states = 0, transitions = 0;
  std::string detail;                     // why invalid / inconclusive / equivalent without a run
  double seconds = 0;
};

struct Summary {
  size_t total = 0, killed = 0, survived = 0, equivalent = 0, invalid = 0, inconclusive = 0, not_run = 0;
  // killed / (total - equivalent - invalid - not run); inconclusive mutants count as not killed.
  // 1 when nothing is left to kill.
  double score() const;
};

struct MutationOptions {
  CheckOptions check;                  // the spec's run options; limits.threads is used for the original run only
  int jobs = 1;                        // mutants checked at once
  std::vector<Operator> operators;     // empty = all
  // Called (under a lock, from a worker thread) after each mutant.
  std::function<void(const Mutant&, const MutantResult&, size_t done, size_t total)> on_result;
};

struct MutationRun {
  std::unique_ptr<SpecResult> original;
  std::vector<Mutant> mutants;         // the selected ones, in id order
  std::vector<MutantResult> results;   // parallel to mutants
  bool interrupted = false;
  double seconds = 0;                  // the whole run, original included
  Summary summary() const;
};

// Checks the original, then every selected mutant. When the original run has a model error, no
// mutant is run (the caller reports it).
MutationRun run_mutation(const LoadedSpec& spec, const MutationOptions& opts);

}  // namespace tcpmc::mutate
