// Syntax tree of a spec, as the parser read it: names are unresolved and nothing is typed.
// Every node keeps its source range so that the type checker can point at it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "source.hpp"

namespace tcpmc::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind { Int, Bool, Name, Field, Unary, Binary, Call, InSet, IfThenElse, Forall };
  Kind kind = Kind::Int;
  SourceRange range;
  SourceRange name_range;   // for Name/Field/Call: the identifier itself
  std::string name;         // Name: identifier; Field: field name; Call: function; Unary/Binary: operator
  int64_t value = 0;        // Int / Bool
  int depth = 1;            // height of this subtree (the parser bounds it)
  std::vector<ExprPtr> args;  // Field: [base]; Unary: [x]; Binary: [l, r]; Call: args; InSet: [x, members...];
                              // IfThenElse: [cond, then, else];
                              // Forall (`forall s in flight(X): body`): name = s, [X (a Name), body]
};

struct TypeExpr {
  enum class Kind { Named, Range };
  Kind kind = Kind::Named;
  SourceRange range;
  std::string name;
  ExprPtr lo, hi;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct FieldInit {
  std::string name;
  SourceRange range;
  ExprPtr value;
};

struct Stmt {
  enum class Kind { Assign, Goto, Send, TimerStart, TimerStop, If };
  Kind kind = Kind::Assign;
  SourceRange range;
  std::string name;          // Assign target, Goto state, timer name
  SourceRange name_range;
  std::string base;          // Assign to `BASE.name` (as in `self.x := ...`); empty for a plain name
  SourceRange base_range;
  ExprPtr value;             // Assign value, TimerStart duration, If condition
  std::vector<std::pair<std::string, SourceRange>> flags;  // Send
  std::vector<FieldInit> fields;                           // Send
  std::vector<StmtPtr> then_body, else_body;               // If
};

struct VarDecl {
  std::string name;
  SourceRange range;
  bool ghost = false;
  bool is_timer = false;
  TypeExpr type;
  ExprPtr init;  // may be null
};

struct Param {
  std::string name;
  SourceRange range;
  TypeExpr type;
};

struct Rule {
  enum class Kind { Call, Recv, Timeout };
  Kind kind = Kind::Call;
  std::string name;
  SourceRange range, name_range;
  std::vector<Param> params;         // Call: parameters; Recv: one (the segment), type unused
  std::string timer;                 // Timeout: timer name
  SourceRange timer_range;
  std::vector<std::pair<std::string, SourceRange>> states;  // `in S1, S2`
  ExprPtr guard;                     // may be null
  std::vector<StmtPtr> body;
  bool is_override = false;          // `override recv ...`: replaces the included rule, in its place
  std::string before;                // `recv x(s) before y ...`: placed before rule y
  SourceRange before_range;
};

struct Property {
  // Coverage: `expect figure5 covered` (named figure5_coverage, no expression).
  // Eventually: `eventually NAME expect ...: P`; LeadsTo: `leadsto NAME expect ...: P ~> Q`.
  enum class Kind { Invariant, Stuck, Reachable, Coverage, Eventually, LeadsTo };
  Kind kind = Kind::Invariant;
  std::string name;
  SourceRange range, name_range;
  bool expect_hold = true;
  ExprPtr expect_if;                 // `expect hold|violation if C`: C constant; when false, the other one
  ExprPtr expr;                      // null only for an override that changes the expectation
                                     // (LeadsTo: Q, the expression after `~>`)
  ExprPtr trigger;                   // LeadsTo: P, the expression before `~>`
  SourceRange expr_range;            // the expression's whole text, outer parentheses included
  bool is_override = false;
};

// `monitor NAME on EVENT [in STATES] [when COND] { BODY }`: an observer run after every
// transition matching EVENT (see LANGUAGE.md, Monitors).
struct Monitor {
  enum class Event { Any, Call, Recv, Timeout, Send };
  Event event = Event::Any;
  std::string name;
  SourceRange range, name_range;
  SourceRange event_range;           // the event as written, e.g. `recv(s)`
  std::string seg_name;              // Recv/Send: the segment's name (`s` in `recv(s)`)
  SourceRange seg_range;
  std::vector<std::pair<std::string, SourceRange>> states;  // `in S1, S2`: self's state before
  ExprPtr guard;                     // `when COND` (after the transition); may be null
  std::vector<StmtPtr> body;
  bool is_override = false;          // `override monitor ...`: replaces the included monitor, in its place
};

struct Include {
  std::string path;  // as written, relative to the including file
  SourceRange range;
};

struct Removal {  // `remove NAME`: drops an included rule, property, lemma or monitor
  std::string name;
  SourceRange range;
  bool fairness = false;  // `remove fair network` / `remove fair RULE`: drops a fairness declaration
};

// `fair weak R1, R2`, `fair strong R1, R2` (fairness of rules, per endpoint), `fair network`
// (strong fairness of the delivery of every segment). See LANGUAGE.md, "Fairness".
struct Fairness {
  enum class Kind { Weak, Strong, Network };
  Kind kind = Kind::Weak;
  std::vector<std::pair<std::string, SourceRange>> rules;
  SourceRange range;
};

struct ConstDecl {
  std::string name;
  SourceRange range;
  ExprPtr value;
  bool is_override = false;  // `override const`: replaces an included constant's value
};

struct EnumDecl {
  std::string name;
  SourceRange range;
  std::vector<std::pair<std::string, SourceRange>> members;
};

struct Setting {  // `name = expr` inside network { } or faults { }
  std::string name;
  SourceRange range;
  ExprPtr value;
};

struct Spec {
  std::string path;  // the file it was read from
  std::string name, description;
  std::vector<ConstDecl> consts;
  std::vector<EnumDecl> enums;
  std::vector<VarDecl> endpoint_vars;
  std::vector<VarDecl> global_vars;
  std::vector<std::pair<std::string, SourceRange>> flags;
  std::vector<VarDecl> segment_fields;
  std::vector<Setting> network, faults;
  std::vector<Rule> rules;
  std::vector<Property> properties;
  // `lemma NAME: EXPR`: auxiliary invariants for k-induction (kind Invariant, expect_hold true).
  std::vector<Property> lemmas;
  std::vector<Monitor> monitors;
  std::vector<Fairness> fairness;
  std::vector<Include> includes;
  std::vector<Removal> removals;
  SourceRange name_range;
  SourceRange segment_range, network_range, endpoint_range;
};

}  // namespace tcpmc::ast
