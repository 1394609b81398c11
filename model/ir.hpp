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

// Which endpoint's variable an expression reads. In rules only Self is allowed; properties use A/B.
enum class Who { Self, A, B };

struct Expr {
  enum class Op {
    Const, EpVar, GlobalVar, SegField, Param, TimerExpired, TimerRunning, SelfId,
    Not, Neg, Add, Sub, Mul, Div, Mod,
    SeqAdd, SeqSub, SeqDist, SeqLt, SeqLe,  // modulo 2^seq_bits, RFC 9293 comparisons
    Lt, Le, Eq, Ne, And, Or, Implies, Ite,
  };
  Op op = Op::Const;
  Type type;
  int64_t value = 0;  // Const
  int index = -1;     // EpVar/GlobalVar/SegField/Param/Timer*: which one
  Who who = Who::Self;
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

struct Property {
  // Invariant: EXPR holds in every reachable state. Stuck: in every state without successors.
  // Reachable: in some reachable state (its witness is a shortest run to the first such state).
  // Coverage: every edge of RFC 9293 Figure 5 is reached (`expect figure5 covered`, named
  // figure5_coverage); judged from the run's coverage, not per state: its expr is `true`.
  enum class Kind { Invariant, Stuck, Reachable, Coverage };
  Kind kind = Kind::Invariant;
  std::string name;
  bool expect_hold = true;
  Expr expr;
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
  int loss = 0;
  int dup = 0;
  bool reorder = false;
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

  const Enum& state_enum() const { return enums[endpoint_vars[state_var].type.enum_id]; }
  int seg_field(const std::string& n) const {
    for (size_t i = 0; i < seg_fields.size(); ++i)
      if (seg_fields[i].name == n) return static_cast<int>(i);
    return -1;
  }
};

const char* rule_kind_name(Rule::Kind k);  // "call", "recv", "timeout"
const char* property_kind_name(Property::Kind k);  // "invariant", "stuck", "reachable", "coverage"

// The name of the pseudo-property that `expect figure5 covered` declares.
inline constexpr const char* kFigure5CoverageName = "figure5_coverage";

}  // namespace tcpmc::ir
