// Typed IR of a spec: every name resolved, every expression typed, constants folded into values.
// This is the one description of the model that every engine reads: the explicit engine compiles
// it to bytecode (compiled_system.hpp); a symbolic engine can translate the same rules to
// formulas. It therefore holds no explicit-engine details (no slots, no bit offsets).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "source.hpp"

namespace tcpmc::ir {

struct Type {
  enum class Kind { Bool, Int, Enum, Seq, Endpoint };
  Kind kind = Kind::Int;
  int64_t lo = 0, hi = 0;  // value range (Bool 0..1, Enum 0..n-1, Seq 0..2^bits-1, Endpoint 0..1)
  int enum_id = -1;
  static Type boolean() { return {Kind::Bool, 0, 1, -1}; }
  static Type integer(int64_t lo, int64_t hi) { return {Kind::Int, lo, hi, -1}; }
  static Type endpoint() { return {Kind::Endpoint, 0, 1, -1}; }
};

// Which endpoint's variable an expression reads. In rules only Self is allowed; properties use A/B;
// monitors any of them (Peer: the endpoint other than self, resolved per rule instance like Self).
enum class Who { Self, A, B, Peer };

// The longest a timer may be started for (`timer T := N`, N in 0..kMaxTimerTicks).
constexpr int64_t kMaxTimerTicks = 60;
// The largest loss or duplication budget of a run (`faults { loss = N }`, `--loss N`).
constexpr int kMaxFaultBudget = 15;

struct Expr {
  enum class Op {
    Const, EpVar, GlobalVar, SegField, Param, TimerExpired, TimerRunning, SelfId,
    // TimerTicksLeft: while the timer runs, the ticks it still counts before the next one expires
    // it (N right after `timer T := N`); 0 when it is stopped or expired. Int 0..kMaxTimerTicks.
    TimerTicksLeft,
    Not, Neg, Add, Sub, Mul, Div, Mod,
    SeqAdd, SeqSub, SeqDist, SeqLt, SeqLe,  // modulo 2^seq_bits, RFC 9293 comparisons
    Lt, Le, Eq, Ne, And, Or, Implies, Ite,
    // Monitors only. Old: args[0] evaluated in the state before the transition (never nested).
    // RuleIs: true when the firing rule is model.rules[index] (`rule == NAME`; `rule in {..}` is
    // a disjunction of them); Bool.
    Old, RuleIs,
    // Properties and lemmas only. InFlight: args[0] holds for every segment in flight from `who`
    // (A or B; true when none is); inside it, SegField reads that segment and SegAge its age
    // (0..msl). Never nested.
    InFlight, SegAge,
    // Properties and lemmas only. FaultsLeft: the faults the run's budget still allows, index 0
    // losses (`loss_left()`, kMaxFaultBudget under unbounded loss), index 1 duplications
    // (`dup_left()`). Int 0..kMaxFaultBudget.
    FaultsLeft,
  };
  Op op = Op::Const;
  Type type;
  int64_t value = 0;  // Const
  int index = -1;     // EpVar/GlobalVar/SegField/Param/Timer*: which one
  Who who = Who::Self;  // EpVar/Timer*: whose; InFlight: the sender
  std::vector<Expr> args;
  SourceRange range;
  bool reads_ghost = false;  // derived: the expression reads a ghost variable or ghost segment field
};

// A constant expression of type `t` (folding and mutation make them).
inline Expr constant_expr(int64_t v, Type t, SourceRange r) {
  Expr e;
  e.op = Expr::Op::Const;
  e.value = v;
  e.type = t;
  e.range = r;
  return e;
}

struct Stmt {
  enum class Kind { AssignEp, AssignGlobal, Send, TimerStart, TimerStop, If };
  Kind kind = Kind::AssignEp;
  int index = -1;  // variable or timer
  Expr value;      // assigned value, timer duration (Const), If condition
  std::vector<std::pair<int, Expr>> fields;  // Send: (segment field index, value); unset fields are 0
  std::vector<Stmt> then_body, else_body;
  SourceRange range;
};

struct Var {
  std::string name;
  Type type;
  bool ghost = false;
  int64_t init = 0;
  SourceRange range;
};

struct Timer {
  std::string name;
  int64_t max_duration = 0;  // the largest duration any rule starts it with
  SourceRange range;
};

struct SegField {
  std::string name;
  Type type;
  bool ghost = false;
  bool is_flag = false;
  SourceRange range;
};

struct Param {
  std::string name;
  Type type;
};

// What a rule reads and writes, for frame conditions and reductions.
struct Access {
  enum class Kind { EpVar, GlobalVar, Timer, ChannelIn, ChannelOut };
  Kind kind;
  int index;  // -1 for channels
  bool operator==(const Access&) const = default;
};

struct Rule {
  enum class Kind { Call, Recv, Timeout };
  Kind kind = Kind::Call;
  std::string name;
  std::vector<Param> params;  // Call only
  int timer = -1;             // Timeout only
  Expr guard;                 // includes the `in STATES` list; Bool
  std::vector<Stmt> body;
  std::vector<Access> reads, writes;
  SourceRange range;
};

// `monitor NAME on EVENT [in STATES] [when COND] { BODY }`: run after every firing of a rule
// instance that matches `event` (Send: once per segment the firing sent, that segment being the
// SegField operand), for that instance's endpoint (Self; Peer is the other one). The guard is
// evaluated after the transition: `Old(in-STATES) && COND`. The body assigns only ghost
// variables (AssignEp of a ghost endpoint variable of self, AssignGlobal) under `If`s.
struct Monitor {
  enum class Event { Any, Call, Recv, Timeout, Send };
  std::string name;
  Event event = Event::Any;
  Expr guard;  // Bool
  std::vector<Stmt> body;
  SourceRange range;

  // Whether it observes the firing of a rule of kind k (Send: of any kind, per segment sent).
  bool observes(Rule::Kind k) const {
    switch (event) {
      case Event::Any: case Event::Send: return true;
      case Event::Call: return k == Rule::Kind::Call;
      case Event::Recv: return k == Rule::Kind::Recv;
      case Event::Timeout: return k == Rule::Kind::Timeout;
    }
    return false;
  }
};

struct Property {
  // Invariant: EXPR holds in every reachable state. Stuck: in every state without successors.
  // Reachable: in some reachable state (its witness is a shortest run to the first such state).
  // Coverage: every edge of RFC 9293 Figure 5 is reached (`expect figure5 covered`, named
  // figure5_coverage); judged from the run's coverage, not per state: its expr is `true`.
  // Eventually: every fair run from the initial state reaches a state where EXPR holds.
  // LeadsTo: on every fair run, a state where `trigger` holds is followed (then or later) by one
  // where EXPR holds. Both are temporal: judged on the reachable graph under the model's fairness.
  enum class Kind { Invariant, Stuck, Reachable, Coverage, Eventually, LeadsTo };
  Kind kind = Kind::Invariant;
  std::string name;
  bool expect_hold = true;
  Expr expr;     // LeadsTo: Q (the goal); Eventually: P
  Expr trigger;  // LeadsTo: P; otherwise `true`
  bool temporal() const { return kind == Kind::Eventually || kind == Kind::LeadsTo; }
  SourceRange range;
  SourceRange expr_range;  // the expression as written (for showing it), outer parentheses included
};

struct Constant {
  std::string name;
  int64_t value = 0;
  bool overridden = false;  // set from the command line
};

struct Enum {
  std::string name;
  std::vector<std::string> members;
};

struct FaultBudget {
  static constexpr int kUnboundedLoss = -1;  // `loss = unbounded`: any number of losses, not counted
  int loss = 0;
  bool unbounded_loss() const { return loss == kUnboundedLoss; }
  std::string loss_text() const { return unbounded_loss() ? "unbounded" : std::to_string(loss); }
  // What `loss_left()` counts down from: the budget, or kMaxFaultBudget under unbounded loss
  // (whose losses are not counted). The explicit state layout and the Promela export share it.
  int loss_cap() const { return unbounded_loss() ? kMaxFaultBudget : loss; }
  int dup = 0;
  bool reorder = false;
};

// The fairness the spec declares (LANGUAGE.md, "Fairness"); engines apply it unless a run asks for
// none. Rule fairness is per endpoint: each endpoint's firings of a rule (any parameters) form one
// constraint. Time is always fair under the spec's fairness: a tick that stays enabled is taken.
struct Fairness {
  std::vector<int> weak, strong;  // rule indices, ascending, disjoint (strong wins)
  bool network = false;           // strong fairness of the delivery of every segment value
};

struct Model {
  std::string name, description, path;
  std::vector<Constant> consts;
  std::vector<Enum> enums;
  std::vector<Var> endpoint_vars;
  int state_var = -1;   // index into endpoint_vars of `state`
  std::vector<Var> global_vars;
  std::vector<Timer> timers;
  std::vector<SegField> seg_fields;  // flags first, in declaration order, then fields
  int seq_bits = 0;
  int capacity = 2;
  int msl = 2;
  FaultBudget default_faults;
  std::vector<Rule> rules;
  std::vector<Property> properties;
  // `lemma NAME: EXPR`: auxiliary invariants (kind Invariant, expect_hold) for k-induction. A
  // symbolic engine proves each and then assumes it in the induction step; they are not
  // properties: no engine reports them, and the explicit engine ignores them.
  std::vector<Property> lemmas;
  std::vector<Monitor> monitors;  // in declaration order (the order they run in)
  Fairness fairness;

  const Enum& state_enum() const { return enums[endpoint_vars[state_var].type.enum_id]; }
  int seg_field(const std::string& n) const {
    for (size_t i = 0; i < seg_fields.size(); ++i)
      if (seg_fields[i].name == n) return static_cast<int>(i);
    return -1;
  }
};

// The sends of one execution of a rule body on its path with the most of them (statements in
// sequence add up; an If takes the larger of its branches, the `then` branch on a tie, whether
// or not its condition can hold): how many (`most`), and the Send on that path that is the
// (limit+1)-th, or nullptr when `most` <= limit. Defined in typecheck.cpp.
struct SendCount {
  int most = 0;
  const Stmt* beyond = nullptr;
};
SendCount count_sends(const std::vector<Stmt>& body, int limit);

const char* rule_kind_name(Rule::Kind k);  // "call", "recv", "timeout"
const char* property_kind_name(Property::Kind k);  // "invariant", "stuck", "reachable", "coverage",
                                                   // "eventually", "leadsto"
const char* monitor_event_name(Monitor::Event e);  // "any", "call", "recv", "timeout", "send"

// The name of the pseudo-property that `expect figure5 covered` declares.
inline constexpr const char* kFigure5CoverageName = "figure5_coverage";

}  // namespace tcpmc::ir
