// Candidate invariants for `tcpmc prove`, from templates over a spec's variables (README.md,
// "Proofs without lemmas", has the grammar as a table), filtered on sampled reachable states.
//
// A candidate is `ANTECEDENT -> ATOM`, or `forall s in flight(E): GUARD -> ATOM` over the
// segments in flight; the atoms relate terms in ways that read the same at every SEQ_BITS
// (equal, equal plus a small constant, a bounded distance, modular order, a flag, a counter's
// value), so that what holds at SEQ_BITS=3 or 4 is worth trying at 32. The sampler (explicit
// engine, bounded) and the evaluator here only choose what to try: nothing is trusted until
// Houdini with Z3 (invariant_inference.hpp) keeps it, so a mistake here can only cost a proof,
// never make a false one.
// Cost: evaluation is per sampled state over the candidates still alive, grouped by antecedent
// (the TCP state of A, of B, of the pair), so that a state evaluates a few groups only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiled_system.hpp"

namespace tcpmc::infer {

struct Term {
  enum class Src : uint8_t { Ep, Global, Seg, Age, TimerLeft, TimerRunning };
  Src src = Src::Ep;
  int ep = 0;     // Ep, TimerLeft, TimerRunning: 0 = A, 1 = B
  int index = 0;  // endpoint var, global var, segment field or timer
  ir::Type type;  // Bool, Int (enums as Int), Seq
};

struct Atom {
  enum class Op : uint8_t {
    Never,     // the antecedent itself is false (an unreached TCP state or pair): `!(ANTECEDENT)`
    Flag,      // x (c = 1) or !x (c = 0)
    SeqEq,     // x == y + c (c = 0..2); y may be absent (`x == c`)
    SeqDist,   // x - y <= c (the distance from y up to x, c = 1..2)
    SeqLe,     // y <= x (RFC 9293's modular order)
    IntEq,     // x == y, or x == c when y is absent
    IntLe,     // x <= y, or x <= c when y is absent
    IntGe,     // x >= c
    IntNe,     // x != c (a TCP state the endpoint is not in)
  };
  Op op = Op::Never;
  Term x, y;
  bool has_y = false;
  int64_t c = 0;
};

// What a candidate assumes: nothing, a TCP state of one endpoint, the TCP states of both, or a
// flag (endpoint or global) being set; over the segments in flight, the channel (its sender) and
// optional guards: a segment flag, the sender's TCP state, and that the segment is current (a
// field that sends copy from a sender variable equals it: `s.inc == A.gen`).
struct Antecedent {
  enum class Kind : uint8_t { None, State, StatePair, Flag, Flight };
  Kind kind = Kind::None;
  int ep = 0;           // State, Flight: the endpoint (sender); Flag over an endpoint var
  int sa = -1, sb = -1; // State: sa; StatePair: A's and B's
  Term flag;            // Flag
  int guard_flag = -1;  // Flight: segment flag index, or -1
  int guard_state = -1; // Flight: the sender's TCP state, or -1
  int guard_field = -1, guard_var = -1;  // Flight: s.field == E.var (a carried pair), or -1
};

struct Candidate {
  Antecedent ante;
  Atom atom;
  int group = 0;  // antecedent group index (candidates of one antecedent are contiguous)
};

// Per segment field, per endpoint variable: 2 when some send sets the field to the variable
// itself (`inc = gen`), 1 when only to it plus or minus a constant (`data = sent + 1`), else 0.
using Carried = std::vector<std::vector<uint8_t>>;
Carried carried_variables(const ir::Model& m);

// The atom op(x, c), and op(x, y, c).
Atom make_atom(Atom::Op op, const Term& x, int64_t c);
Atom make_atom(Atom::Op op, const Term& x, const Term& y, int64_t c);

// A term's value in an unpacked state of a system with layout l (seg: the segment's fields, for
// Seg and Age terms), an atom's truth there (mask: the seq width's, 2^SEQ_BITS - 1), and both
// as text in the spec language.
// The mask of sequence numbers SEQ_BITS wide: 2^bits - 1 (every bit at 64).
inline uint64_t seq_mask(int64_t bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }
int64_t term_value(const Term& t, const StateLayout& l, const int32_t* state, const int32_t* seg);
bool atom_holds(const Atom& a, const StateLayout& l, uint64_t mask, const int32_t* state, const int32_t* seg);
std::string term_text(const ir::Model& m, const Term& t);
std::string atom_text(const ir::Model& m, const Atom& a);

class CandidateSet {
 public:
  // Every candidate of the templates over model m (variable and field indices are the same in
  // the spec at any -D values; `m` gives names, types and the TCP state enum).
  explicit CandidateSet(const ir::Model& m);
  size_t size() const { return all_.size(); }
  const std::vector<Candidate>& all() const { return all_; }
  // Evaluates every candidate still alive on an unpacked state of `sys` (the same spec, any
  // -D values): kills those false there. Marks each antecedent seen when it holds.
  void observe(const CompiledSystem& sys, const int32_t* state);
  size_t alive_count() const;
  // The survivors worth trying, strongest first: for a pair of terms, the strongest relation
  // that survived; an antecedent never seen gives one candidate, `!(ANTECEDENT)`; an atom that
  // survived under a more general antecedent (none, or one TCP state) is not repeated under a
  // narrower one.
  std::vector<const Candidate*> survivors() const;
  // Houdini dropped c (it is not inductive): it no longer hides the weaker candidates of its slot
  // or of narrower antecedents, which survivors() gives from now on. An unseen antecedent's
  // `!(ANTECEDENT)` is simply gone.
  void refute(const Candidate& c);
  // The candidate as a lemma expression in the spec language.
  std::string text(const Candidate& c) const;

 private:
  const ir::Model& m_;
  std::vector<Candidate> all_;
  std::vector<uint8_t> alive_;
  std::vector<uint8_t> seen_;            // per group
  std::vector<std::pair<size_t, size_t>> groups_;  // per group: [begin, end) in all_
  std::vector<std::vector<size_t>> live_;  // per group: indices still alive (compacted)
  int group_none_ = -1;
  std::vector<int> group_state_[2];       // per TCP state
  std::vector<int> group_pair_;           // sa * n + sb
  std::vector<std::pair<Term, int>> group_flag_;  // flag term, group
  std::vector<int> group_flight_[2];  // per sender: the guard groups (the first: no guard)

  void add_group(const Antecedent& a, const std::vector<Atom>& atoms);
  // The flight group of sender ep with that flag guard (-1: none) and current-segment guard
  // s.field == E.var (-1: none), no state guard.
  int flight_group(int ep, int flag, int field, int var) const;
  void observe_group(int g, const CompiledSystem& sys, const int32_t* state, const int32_t* seg);
  std::string ante_text(const Antecedent& a) const;
};

}  // namespace tcpmc::infer
