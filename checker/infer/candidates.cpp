#include "candidates.hpp"

#include <algorithm>
#include <tuple>

namespace tcpmc::infer {

namespace {

void mark_carried(const std::vector<ir::Stmt>& body, Carried& out) {
  for (const ir::Stmt& st : body) {
    mark_carried(st.then_body, out);
    mark_carried(st.else_body, out);
    if (st.kind != ir::Stmt::Kind::Send) continue;
    for (const auto& [field, value] : st.fields) {
      const ir::Expr* e = &value;
      uint8_t how = 2;
      while ((e->op == ir::Expr::Op::Add || e->op == ir::Expr::Op::Sub) && e->args.size() == 2 &&
             e->args[1].op == ir::Expr::Op::Const) {
        e = &e->args[0];
        how = 1;
      }
      if (e->op == ir::Expr::Op::EpVar && e->who == ir::Who::Self && e->index >= 0) {
        uint8_t& c = out[static_cast<size_t>(field)][static_cast<size_t>(e->index)];
        c = std::max(c, how);
      }
    }
  }
}

}  // namespace

Carried carried_variables(const ir::Model& m) {
  Carried out(m.seg_fields.size(), std::vector<uint8_t>(m.endpoint_vars.size(), 0));
  for (const ir::Rule& r : m.rules) mark_carried(r.body, out);
  return out;
}

Atom make_atom(Atom::Op op, const Term& x, int64_t c) {
  Atom a;
  a.op = op;
  a.x = x;
  a.c = c;
  return a;
}

Atom make_atom(Atom::Op op, const Term& x, const Term& y, int64_t c) {
  Atom a = make_atom(op, x, c);
  a.y = y;
  a.has_y = true;
  return a;
}

namespace {

using Kind = ir::Type::Kind;
constexpr int64_t kMaxConstRange = 16;  // x == c for every c of a range this small

bool same_term(const Term& a, const Term& b) { return a.src == b.src && a.ep == b.ep && a.index == b.index; }
bool same_atom(const Atom& a, const Atom& b) {
  return a.op == b.op && same_term(a.x, b.x) && a.has_y == b.has_y && (!a.has_y || same_term(a.y, b.y)) && a.c == b.c;
}

Term ep_term(const ir::Model& m, int ep, int v) {
  Term t;
  t.src = Term::Src::Ep;
  t.ep = ep;
  t.index = v;
  t.type = m.endpoint_vars[v].type;
  return t;
}

struct Terms {
  std::vector<Term> seq, ints, bools;
  void append(const Terms& o) {
    seq.insert(seq.end(), o.seq.begin(), o.seq.end());
    ints.insert(ints.end(), o.ints.begin(), o.ints.end());
    bools.insert(bools.end(), o.bools.begin(), o.bools.end());
  }
};

void classify(const Term& t, Terms& out) {
  if (t.type.kind == Kind::Seq) out.seq.push_back(t);
  if (t.type.kind == Kind::Int) out.ints.push_back(t);
  if (t.type.kind == Kind::Bool) out.bools.push_back(t);
}

Terms endpoint_terms(const ir::Model& m, int ep) {
  Terms out;
  for (size_t v = 0; v < m.endpoint_vars.size(); ++v)
    if (static_cast<int>(v) != m.state_var) classify(ep_term(m, ep, static_cast<int>(v)), out);
  for (size_t i = 0; i < m.timers.size(); ++i) {
    Term t;
    t.ep = ep;
    t.index = static_cast<int>(i);
    t.src = Term::Src::TimerRunning;
    t.type = ir::Type::boolean();
    out.bools.push_back(t);
    t.src = Term::Src::TimerLeft;
    t.type = ir::Type::integer(0, m.timers[i].max_duration);
    out.ints.push_back(t);
  }
  return out;
}

Terms global_terms(const ir::Model& m) {
  Terms out;
  for (size_t g = 0; g < m.global_vars.size(); ++g) {
    Term t;
    t.src = Term::Src::Global;
    t.index = static_cast<int>(g);
    t.type = m.global_vars[g].type;
    classify(t, out);
  }
  return out;
}

Atom atom(Atom::Op op, const Term& x, int64_t c) { return make_atom(op, x, c); }
Atom atom(Atom::Op op, const Term& x, const Term& y, int64_t c) { return make_atom(op, x, y, c); }

void seq_pair(const Term& x, const Term& y, std::vector<Atom>& out) {
  using Op = Atom::Op;
  for (int c = 0; c <= 2; ++c) out.push_back(atom(Op::SeqEq, x, y, c));
  for (int c = 1; c <= 2; ++c) out.push_back(atom(Op::SeqEq, y, x, c));
  for (int c = 1; c <= 2; ++c) out.push_back(atom(Op::SeqDist, x, y, c));
  for (int c = 1; c <= 2; ++c) out.push_back(atom(Op::SeqDist, y, x, c));
  out.push_back(atom(Op::SeqLe, x, y, 0));
  out.push_back(atom(Op::SeqLe, y, x, 0));
}

void int_pair(const Term& x, const Term& y, std::vector<Atom>& out) {
  using Op = Atom::Op;
  if (x.type.hi < y.type.lo || y.type.hi < x.type.lo) return;  // never equal; an order is then a tautology or false
  out.push_back(atom(Op::IntEq, x, y, 0));
}

void int_consts(const Term& x, std::vector<Atom>& out) {
  using Op = Atom::Op;
  if (x.type.hi - x.type.lo > kMaxConstRange) return;
  for (int64_t c = x.type.lo; c <= x.type.hi; ++c) out.push_back(atom(Op::IntEq, x, c));
  for (int64_t c = x.type.lo; c < x.type.hi; ++c) out.push_back(atom(Op::IntLe, x, c));
  for (int64_t c = x.type.lo + 1; c <= x.type.hi; ++c) out.push_back(atom(Op::IntGe, x, c));
}

// Relations among the terms of one set (seq with seq, int with int, each flag), and of the
// constants: what an antecedent over one endpoint (or none) tries.
std::vector<Atom> atoms_within(const Terms& t) {
  std::vector<Atom> out;
  for (size_t i = 0; i < t.seq.size(); ++i) {
    out.push_back(atom(Atom::Op::SeqEq, t.seq[i], 0));
    for (size_t j = i + 1; j < t.seq.size(); ++j) seq_pair(t.seq[i], t.seq[j], out);
  }
  for (size_t i = 0; i < t.ints.size(); ++i) {
    int_consts(t.ints[i], out);
    for (size_t j = i + 1; j < t.ints.size(); ++j) int_pair(t.ints[i], t.ints[j], out);
  }
  for (const Term& b : t.bools) {
    out.push_back(atom(Atom::Op::Flag, b, 1));
    out.push_back(atom(Atom::Op::Flag, b, 0));
  }
  return out;
}

// Relations between a term of `a` and one of `b` (the two endpoints under a pair of TCP states).
std::vector<Atom> atoms_across(const Terms& a, const Terms& b) {
  std::vector<Atom> out;
  for (const Term& x : a.seq)
    for (const Term& y : b.seq) {
      for (int c = 0; c <= 2; ++c) out.push_back(atom(Atom::Op::SeqEq, x, y, c));
      for (int c = 1; c <= 2; ++c) out.push_back(atom(Atom::Op::SeqEq, y, x, c));
    }
  for (const Term& x : a.ints)
    for (const Term& y : b.ints) int_pair(x, y, out);
  return out;
}

}  // namespace

void CandidateSet::add_group(const Antecedent& a, const std::vector<Atom>& atoms) {
  const int g = static_cast<int>(groups_.size());
  const size_t begin = all_.size();
  Candidate never;
  never.ante = a;
  never.group = g;
  all_.push_back(never);  // Atom::Op::Never
  for (const Atom& at : atoms) {
    Candidate c;
    c.ante = a;
    c.atom = at;
    c.group = g;
    all_.push_back(c);
  }
  groups_.push_back({begin, all_.size()});
  std::vector<size_t> live(all_.size() - begin);
  for (size_t i = 0; i < live.size(); ++i) live[i] = begin + i;
  live_.push_back(std::move(live));
  seen_.push_back(0);
}

CandidateSet::CandidateSet(const ir::Model& m) : m_(m) {
  const Terms ga = endpoint_terms(m, 0), gb = endpoint_terms(m, 1), gl = global_terms(m);
  Terms both = ga;
  both.append(gb);
  both.append(gl);
  Terms ep_terms[2] = {ga, gb};
  ep_terms[0].append(gl);
  ep_terms[1].append(gl);
  const int ns = m.state_var >= 0 ? static_cast<int>(m.state_enum().members.size()) : 0;
  // What one endpoint says of itself to an antecedent about the other (or about a segment it
  // sent): its flags, the TCP states it is not in, and (under a pair of states) its small counters'
  // values.
  std::vector<Atom> flags[2], not_in_state[2], counters[2];
  for (int ep = 0; ep < 2; ++ep) {
    for (const Term& b : (ep == 0 ? ga : gb).bools) {
      if (b.src != Term::Src::Ep) continue;
      flags[ep].push_back(atom(Atom::Op::Flag, b, 1));
      flags[ep].push_back(atom(Atom::Op::Flag, b, 0));
    }
    for (int st = 0; st < ns; ++st) not_in_state[ep].push_back(atom(Atom::Op::IntNe, ep_term(m, ep, m.state_var), st));
    for (const Term& x : (ep == 0 ? ga : gb).ints)
      if (x.src == Term::Src::Ep && x.type.hi - x.type.lo <= kMaxConstRange)
        for (int64_t c = x.type.lo; c <= x.type.hi; ++c) counters[ep].push_back(atom(Atom::Op::IntEq, x, c));
  }
  auto with = [](std::vector<Atom> a, const std::vector<Atom>& b, const std::vector<Atom>& c = {}) {
    a.insert(a.end(), b.begin(), b.end());
    a.insert(a.end(), c.begin(), c.end());
    return a;
  };

  Antecedent none;
  group_none_ = 0;
  add_group(none, atoms_within(both));
  for (int ep = 0; ep < 2 && ns > 0; ++ep) {
    const std::vector<Atom> within = with(atoms_within(ep_terms[ep]), flags[1 - ep], not_in_state[1 - ep]);
    for (int s = 0; s < ns; ++s) {
      Antecedent a;
      a.kind = Antecedent::Kind::State;
      a.ep = ep;
      a.sa = s;
      group_state_[ep].push_back(static_cast<int>(groups_.size()));
      add_group(a, within);
    }
  }
  if (ns > 0) {
    const std::vector<Atom> across = with(with(atoms_across(ga, gb), flags[0], flags[1]), counters[0], counters[1]);
    for (int sa = 0; sa < ns; ++sa)
      for (int sb = 0; sb < ns; ++sb) {
        Antecedent a;
        a.kind = Antecedent::Kind::StatePair;
        a.sa = sa;
        a.sb = sb;
        group_pair_.push_back(static_cast<int>(groups_.size()));
        add_group(a, across);
      }
  }
  for (int ep = 0; ep < 2; ++ep) {
    const std::vector<Atom> within = with(atoms_within(ep_terms[ep]), flags[1 - ep], not_in_state[1 - ep]);
    for (const Term& f : (ep == 0 ? ga : gb).bools) {
      if (f.src != Term::Src::Ep) continue;
      Antecedent a;
      a.kind = Antecedent::Kind::Flag;
      a.ep = ep;
      a.flag = f;
      group_flag_.push_back({f, static_cast<int>(groups_.size())});
      add_group(a, within);
    }
  }
  // Segments in flight: their fields against both endpoints' terms; the sender's flags and the
  // TCP states it is not in.
  Terms seg;
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    Term t;
    t.src = Term::Src::Seg;
    t.index = static_cast<int>(f);
    t.type = m.seg_fields[f].type;
    if (m.seg_fields[f].is_flag) t.type = ir::Type::boolean();
    classify(t, seg);
  }
  std::vector<Atom> flight;
  for (const Term& x : seg.seq) {
    flight.push_back(atom(Atom::Op::SeqEq, x, 0));
    for (const Term& y : ga.seq) seq_pair(x, y, flight);
    for (const Term& y : gb.seq) seq_pair(x, y, flight);
  }
  for (const Term& x : seg.ints) {
    int_consts(x, flight);
    for (const Term& y : ga.ints) int_pair(x, y, flight);
    for (const Term& y : gb.ints) int_pair(x, y, flight);
  }
  for (const Term& b : seg.bools) {
    flight.push_back(atom(Atom::Op::Flag, b, 1));
    flight.push_back(atom(Atom::Op::Flag, b, 0));
  }
  Term age;
  age.src = Term::Src::Age;
  age.type = ir::Type::integer(0, m.msl);
  for (int64_t c = 0; c < m.msl; ++c) flight.push_back(atom(Atom::Op::IntLe, age, c));
  // The current segments: a field that some send sets to a sender variable itself, equal to it.
  const Carried carried = carried_variables(m);
  std::vector<std::pair<int, int>> current{{-1, -1}};
  for (size_t f = 0; f < m.seg_fields.size(); ++f)
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v)
      if (carried[f][v] == 2 && m.seg_fields[f].type.kind == Kind::Int && m.endpoint_vars[v].type.kind == Kind::Int &&
          static_cast<int>(v) != m.state_var)
        current.push_back({static_cast<int>(f), static_cast<int>(v)});
  for (int ep = 0; ep < 2; ++ep) {
    const std::vector<Atom> atoms = with(flight, flags[ep], not_in_state[ep]);
    auto add = [&](int flag, int state, std::pair<int, int> cur) {
      Antecedent a;
      a.kind = Antecedent::Kind::Flight;
      a.ep = ep;
      a.guard_flag = flag;
      a.guard_state = state;
      a.guard_field = cur.first;
      a.guard_var = cur.second;
      group_flight_[ep].push_back(static_cast<int>(groups_.size()));
      if (cur.first < 0) return add_group(a, atoms);
      std::vector<Atom> rest;  // without the guard's own equation
      for (const Atom& at : atoms)
        if (!(at.op == Atom::Op::IntEq && at.has_y && at.x.src == Term::Src::Seg && at.x.index == cur.first &&
              at.y.src == Term::Src::Ep && at.y.ep == ep && at.y.index == cur.second))
          rest.push_back(at);
      add_group(a, rest);
    };
    for (const auto& cur : current) {
      add(-1, -1, cur);
      for (size_t f = 0; f < m.seg_fields.size(); ++f)
        if (m.seg_fields[f].is_flag) add(static_cast<int>(f), -1, cur);
    }
  }
  alive_.assign(all_.size(), 1);
}

int64_t term_value(const Term& t, const StateLayout& l, const int32_t* s, const int32_t* seg) {
  switch (t.src) {
    case Term::Src::Ep: return typed_value(t.type, s[l.ep_var(t.ep, t.index)]);
    case Term::Src::Global: return typed_value(t.type, s[l.global_var(t.index)]);
    case Term::Src::Seg: return typed_value(t.type, seg[t.index]);
    case Term::Src::Age: return seg[l.num_seg_fields()];
    case Term::Src::TimerLeft: {
      const int32_t v = s[l.timer(t.ep, t.index)];
      return v >= kTimerBias ? v - kTimerBias : 0;
    }
    case Term::Src::TimerRunning: return s[l.timer(t.ep, t.index)] >= kTimerBias;
  }
  return 0;
}

bool atom_holds(const Atom& a, const StateLayout& l, uint64_t mask, const int32_t* s, const int32_t* seg) {
  using Op = Atom::Op;
  const int64_t x = a.op == Op::Never ? 0 : term_value(a.x, l, s, seg);
  const int64_t y = a.has_y ? term_value(a.y, l, s, seg) : 0;
  const uint64_t d = (static_cast<uint64_t>(x) - static_cast<uint64_t>(y)) & mask;  // x - y as a seq distance
  switch (a.op) {
    case Op::Never: return false;
    case Op::Flag: return (x != 0) == (a.c != 0);
    case Op::SeqEq: return ((d - static_cast<uint64_t>(a.c)) & mask) == 0;
    case Op::SeqDist: return d <= static_cast<uint64_t>(a.c);
    case Op::SeqLe: return d < (mask >> 1) + 1;  // y <= x: x - y < 2^(n-1)
    case Op::IntEq: return a.has_y ? x == y : x == a.c;
    case Op::IntLe: return a.has_y ? x <= y : x <= a.c;
    case Op::IntGe: return x >= a.c;
    case Op::IntNe: return x != a.c;
  }
  return false;
}

int CandidateSet::flight_group(int ep, int flag, int field, int var) const {
  for (int g : group_flight_[ep]) {
    const Antecedent& a = all_[groups_[g].first].ante;
    if (a.guard_flag == flag && a.guard_state < 0 && a.guard_field == field && a.guard_var == var) return g;
  }
  return group_flight_[ep][0];
}

void CandidateSet::observe_group(int g, const CompiledSystem& sys, const int32_t* state, const int32_t* seg) {
  seen_[g] = 1;
  std::vector<size_t>& live = live_[g];
  if (live.empty()) return;
  const uint64_t mask = seq_mask(sys.model().seq_bits);
  const StateLayout& l = sys.layout();
  size_t out = 0;
  for (size_t i = 0; i < live.size(); ++i) {
    const size_t c = live[i];
    if (atom_holds(all_[c].atom, l, mask, state, seg))
      live[out++] = c;
    else
      alive_[c] = 0;
  }
  live.resize(out);
}

void CandidateSet::observe(const CompiledSystem& sys, const int32_t* s) {
  const StateLayout& l = sys.layout();
  observe_group(group_none_, sys, s, nullptr);
  const int ns = static_cast<int>(group_state_[0].size());
  int st[2] = {0, 0};
  if (ns > 0) {
    for (int ep = 0; ep < 2; ++ep) {
      st[ep] = s[sys.state_slot(ep)];
      observe_group(group_state_[ep][st[ep]], sys, s, nullptr);
    }
    observe_group(group_pair_[st[0] * ns + st[1]], sys, s, nullptr);
  }
  for (const auto& [f, g] : group_flag_)
    if (term_value(f, l, s, nullptr)) observe_group(g, sys, s, nullptr);
  const std::vector<ir::SegField>& fields = sys.model().seg_fields;
  for (int ep = 0; ep < 2; ++ep) {
    const int n = s[l.chan_count(ep)];
    for (int pos = 0; pos < n; ++pos) {
      const int32_t* seg = s + l.seg_base(ep, pos);
      for (int g : group_flight_[ep]) {
        const Antecedent& a = all_[groups_[g].first].ante;
        if (a.guard_flag >= 0 && !seg[a.guard_flag]) continue;
        if (a.guard_state >= 0 && st[ep] != a.guard_state) continue;
        if (a.guard_field >= 0 && typed_value(fields[a.guard_field].type, seg[a.guard_field]) !=
                                      typed_value(sys.model().endpoint_vars[a.guard_var].type, s[l.ep_var(ep, a.guard_var)]))
          continue;
        observe_group(g, sys, s, seg);
      }
    }
  }
}

void CandidateSet::refute(const Candidate& c) {
  if (&c < all_.data() || &c >= all_.data() + all_.size()) return;  // not one of this set's
  const size_t i = static_cast<size_t>(&c - all_.data());
  alive_[i] = 0;
  auto& live = live_[c.group];
  live.erase(std::remove(live.begin(), live.end(), i), live.end());
}

size_t CandidateSet::alive_count() const {
  size_t n = 0;
  for (uint8_t a : alive_) n += a;
  return n;
}

namespace {

// How strong an atom is among those over the same terms (lower first): an equation, then a
// bounded distance, then modular order; a constant equation before a bound.
int64_t rank(const Atom& a) {
  switch (a.op) {
    case Atom::Op::SeqEq:
    case Atom::Op::IntEq: return -1;
    case Atom::Op::SeqDist: return a.c;
    case Atom::Op::SeqLe: return 10;
    case Atom::Op::IntLe: return a.has_y ? 0 : a.c - a.x.type.lo;  // the tightest bound first
    case Atom::Op::IntGe: return a.x.type.hi - a.c;
    default: return 0;
  }
}

// The unordered terms an atom relates (its "slot": one survivor per slot and kind of bound).
bool same_slot(const Atom& a, const Atom& b) {
  if (a.op == Atom::Op::IntNe || b.op == Atom::Op::IntNe) return same_atom(a, b);  // each state apart
  if (!a.has_y || !b.has_y) {
    if (a.has_y != b.has_y || !same_term(a.x, b.x)) return false;
    // constants: x == c subsumes the bounds; x <= c and x >= c are separate slots
    if (a.op == Atom::Op::IntEq || b.op == Atom::Op::IntEq) return true;
    return a.op == b.op;
  }
  return (same_term(a.x, b.x) && same_term(a.y, b.y)) || (same_term(a.x, b.y) && same_term(a.y, b.x));
}

bool is_equality(const Atom& a) { return a.op == Atom::Op::SeqEq || a.op == Atom::Op::IntEq; }

// Union-find with offsets over the terms of equalities: x == root + offset. Seq terms and int
// terms are apart, each with a node for the constant 0.
class Equalities {
 public:
  // Records x == y + c (or x == c); false when it was implied already.
  bool add(const Atom& a) {
    if (!is_equality(a)) return false;
    const bool seq = a.op == Atom::Op::SeqEq;
    const int x = node(a.x, seq);
    const int y = a.has_y ? node(a.y, seq) : zero(seq);
    auto [rx, ox] = find(x);
    auto [ry, oy] = find(y);
    if (rx == ry) return false;
    // x = rx + ox, y = ry + oy, x = y + c: rx = ry + oy + c - ox
    parent_[rx] = ry;
    offset_[rx] = oy + a.c - ox;
    return true;
  }
  // A distance, order or constant bound between terms whose difference the equalities fix.
  bool implies_bound(const Atom& a) const {
    const bool seq = a.op == Atom::Op::SeqDist || a.op == Atom::Op::SeqLe;
    const bool bound = seq || a.op == Atom::Op::IntLe || a.op == Atom::Op::IntGe;
    if (!bound) return false;
    const int x = lookup(a.x, seq), y = a.has_y ? lookup(a.y, seq) : lookup_zero(seq);
    return x >= 0 && y >= 0 && find(x).first == find(y).first;
  }

 private:
  std::vector<std::tuple<int, int, int, bool>> keys_;  // src, ep, index, seq
  mutable std::vector<int> parent_;
  mutable std::vector<int64_t> offset_;
  int lookup(const Term& t, bool seq) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == std::make_tuple(static_cast<int>(t.src), t.ep, t.index, seq)) return static_cast<int>(i);
    return -1;
  }
  int lookup_zero(bool seq) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] == std::make_tuple(-1, 0, 0, seq)) return static_cast<int>(i);
    return -1;
  }
  int push(std::tuple<int, int, int, bool> k) {
    keys_.push_back(k);
    parent_.push_back(static_cast<int>(parent_.size()));
    offset_.push_back(0);
    return static_cast<int>(keys_.size()) - 1;
  }
  int node(const Term& t, bool seq) {
    const int i = lookup(t, seq);
    return i >= 0 ? i : push({static_cast<int>(t.src), t.ep, t.index, seq});
  }
  int zero(bool seq) {
    const int i = lookup_zero(seq);
    return i >= 0 ? i : push({-1, 0, 0, seq});
  }
  std::pair<int, int64_t> find(int x) const {
    int64_t off = 0;
    while (parent_[x] != x) {
      off += offset_[x];
      x = parent_[x];
    }
    return {x, off};
  }
};

}  // namespace

std::vector<const Candidate*> CandidateSet::survivors() const {
  std::vector<const Candidate*> out;
  auto alive_in = [&](int g, const Atom& at) {
    if (g < 0 || !seen_[g]) return false;
    for (size_t c : live_[g])
      if (same_atom(all_[c].atom, at)) return true;
    return false;
  };
  for (size_t g = 0; g < groups_.size(); ++g) {
    const auto [begin, end] = groups_[g];
    const Antecedent& a = all_[begin].ante;
    if (!seen_[g]) {
      // Never seen: the antecedent is false in every sample; a pair whose single states were
      // never seen either says nothing more.
      if (a.kind == Antecedent::Kind::StatePair &&
          (!seen_[group_state_[0][a.sa]] || !seen_[group_state_[1][a.sb]]))
        continue;
      if (a.kind == Antecedent::Kind::Flight && a.guard_state >= 0 && !seen_[group_state_[a.ep][a.guard_state]])
        continue;
      if (a.kind == Antecedent::Kind::Flight && (a.guard_flag >= 0 || a.guard_state >= 0 || a.guard_field >= 0) &&
          !seen_[group_flight_[a.ep][0]])
        continue;
      if (a.kind == Antecedent::Kind::Flight && a.guard_field >= 0 && a.guard_flag >= 0 &&
          !seen_[flight_group(a.ep, a.guard_flag, -1, -1)])
        continue;  // no segment with the flag at all
      if (alive_[begin]) out.push_back(&all_[begin]);
      continue;
    }
    // The more general antecedents whose survivors this one need not repeat.
    std::vector<int> general;
    if (a.kind == Antecedent::Kind::State || a.kind == Antecedent::Kind::StatePair || a.kind == Antecedent::Kind::Flag)
      general.push_back(group_none_);
    if (a.kind == Antecedent::Kind::StatePair) {
      general.push_back(group_state_[0][a.sa]);
      general.push_back(group_state_[1][a.sb]);
    }
    if (a.kind == Antecedent::Kind::Flight && (a.guard_flag >= 0 || a.guard_state >= 0 || a.guard_field >= 0))
      general.push_back(group_flight_[a.ep][0]);
    if (a.kind == Antecedent::Kind::Flight && a.guard_field >= 0 && a.guard_flag >= 0) {
      general.push_back(flight_group(a.ep, a.guard_flag, -1, -1));  // the same flag, any segment
      general.push_back(flight_group(a.ep, -1, a.guard_field, a.guard_var));  // any current segment
    }
    // Equalities (x == y + c, x == c) as a forest: one that the general antecedents' equalities,
    // or this one's already kept, imply is left out; so is a bound on terms the forest relates.
    Equalities eq;
    for (int gg : general)
      if (seen_[gg])
        for (size_t c : live_[gg]) eq.add(all_[c].atom);
    std::vector<const Candidate*> kept;
    std::vector<size_t> order(live_[g].begin(), live_[g].end());
    std::stable_sort(order.begin(), order.end(), [&](size_t l, size_t r) {
      return !all_[l].atom.has_y && all_[r].atom.has_y;  // constants first: x == 0 before x == y
    });
    for (size_t c : order) {
      const Candidate& cand = all_[c];
      bool redundant = false;
      for (int gg : general) redundant = redundant || alive_in(gg, cand.atom);
      if (redundant) continue;
      if (is_equality(cand.atom)) {
        if (eq.add(cand.atom)) kept.push_back(&cand);
        continue;
      }
      if (eq.implies_bound(cand.atom)) continue;
      // One survivor per slot: the strongest.
      bool replaced = false;
      for (const Candidate*& k : kept)
        if (!is_equality(k->atom) && same_slot(k->atom, cand.atom)) {
          if (rank(cand.atom) < rank(k->atom)) k = &cand;
          replaced = true;
          break;
        }
      if (!replaced) kept.push_back(&cand);
    }
    out.insert(out.end(), kept.begin(), kept.end());
  }
  return out;
}

std::string term_text(const ir::Model& m, const Term& t) {
  const char* ep = t.ep == 0 ? "A." : "B.";
  switch (t.src) {
    case Term::Src::Ep: return ep + m.endpoint_vars[t.index].name;
    case Term::Src::Global: return m.global_vars[t.index].name;
    case Term::Src::Seg: return "s." + m.seg_fields[t.index].name;
    case Term::Src::Age: return "age(s)";
    case Term::Src::TimerLeft: return "ticks_left(" + std::string(ep) + m.timers[t.index].name + ")";
    case Term::Src::TimerRunning: return "running(" + std::string(ep) + m.timers[t.index].name + ")";
  }
  return "?";
}

std::string atom_text(const ir::Model& m, const Atom& a) {
  using Op = Atom::Op;
  const std::string x = term_text(m, a.x), y = a.has_y ? term_text(m, a.y) : "";
  const bool named = a.x.type.kind == ir::Type::Kind::Enum && !a.has_y && a.x.type.enum_id >= 0;
  const std::string c = named ? m.enums[a.x.type.enum_id].members[a.c] : std::to_string(a.c);
  switch (a.op) {
    case Op::Never: return "false";
    case Op::Flag: return (a.c ? "" : "!") + x;
    case Op::SeqEq: return a.has_y ? x + " == " + y + (a.c ? " + " + c : "") : x + " == " + c;
    case Op::SeqDist: return x + " - " + y + " <= " + c;
    case Op::SeqLe: return y + " <= " + x;
    case Op::IntEq: return x + " == " + (a.has_y ? y : c);
    case Op::IntLe: return x + " <= " + (a.has_y ? y : c);
    case Op::IntGe: return x + " >= " + c;
    case Op::IntNe: return x + " != " + c;
  }
  return "?";
}

std::string CandidateSet::ante_text(const Antecedent& a) const {
  const auto& states = m_.state_enum().members;
  switch (a.kind) {
    case Antecedent::Kind::None: return "";
    case Antecedent::Kind::State: return std::string(a.ep == 0 ? "A" : "B") + ".state == " + states[a.sa];
    case Antecedent::Kind::StatePair: return "A.state == " + states[a.sa] + " && B.state == " + states[a.sb];
    case Antecedent::Kind::Flag: return term_text(m_, a.flag);
    case Antecedent::Kind::Flight: {
      std::string out;
      auto add = [&](const std::string& g) { out += (out.empty() ? "" : " && ") + g; };
      const std::string ep = a.ep == 0 ? "A" : "B";
      if (a.guard_flag >= 0) add("s." + m_.seg_fields[a.guard_flag].name);
      if (a.guard_state >= 0) add(ep + ".state == " + states[a.guard_state]);
      if (a.guard_field >= 0) add("s." + m_.seg_fields[a.guard_field].name + " == " + ep + "." + m_.endpoint_vars[a.guard_var].name);
      return out;
    }
  }
  return "";
}

std::string CandidateSet::text(const Candidate& c) const {
  const std::string ante = ante_text(c.ante);
  std::string body;
  if (c.atom.op == Atom::Op::Never)
    body = ante.empty() ? "false" : "!(" + ante + ")";
  else
    body = ante.empty() ? atom_text(m_, c.atom) : ante + " -> " + atom_text(m_, c.atom);
  if (c.ante.kind == Antecedent::Kind::Flight)
    return std::string("forall s in flight(") + (c.ante.ep == 0 ? "A" : "B") + "): " + body;
  return body;
}

}  // namespace tcpmc::infer
