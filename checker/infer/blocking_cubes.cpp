#include "blocking_cubes.hpp"

#include <algorithm>
#include <bit>
#include <bitset>
#include <cctype>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "interrupt.hpp"

namespace tcpmc::infer {

namespace {

using Kind = ir::Type::Kind;
constexpr size_t kMaxLiterals = 256;
using Bits = std::bitset<kMaxLiterals>;

// A literal of a cube: the atom, or its negation; rank orders the cover's choices (lower first);
// level says when the cover may use it (relevance to the goal, block()).
struct Literal {
  Atom atom;
  bool negated = false;
  int rank = 0;
  int level = 0;
};

// The levels of relevance a cover goes through: 0, the TCP states and the variables the goal
// names; 1, also the endpoints' other flags and counters and the segment's; 2, everything.
constexpr int kLevels = 3;

// Whether the goal's text names term t (an endpoint variable of either endpoint, a segment field,
// a global, a timer): a variable the goal is about makes the other endpoint's relevant too.
bool named_in(const ir::Model& m, const Term& t, const std::string& goal) {
  auto has = [&](const std::string& name) {
    for (size_t at = goal.find(name); at != std::string::npos; at = goal.find(name, at + 1)) {
      const size_t end = at + name.size();
      const bool left = at == 0 || !(std::isalnum(static_cast<unsigned char>(goal[at - 1])) || goal[at - 1] == '_');
      const bool right = end == goal.size() || !(std::isalnum(static_cast<unsigned char>(goal[end])) || goal[end] == '_');
      if (left && right) return true;
    }
    return false;
  };
  switch (t.src) {
    case Term::Src::Ep: return has("A." + m.endpoint_vars[t.index].name) || has("B." + m.endpoint_vars[t.index].name);
    case Term::Src::Global: return has(m.global_vars[t.index].name);
    case Term::Src::Seg: return has("s." + m.seg_fields[t.index].name);
    case Term::Src::TimerLeft:
    case Term::Src::TimerRunning: return has(m.timers[t.index].name);
    case Term::Src::Age: return has("age");
  }
  return false;
}

int level_of(const ir::Model& m, const Literal& lit, const std::string& goal) {
  const Atom& a = lit.atom;
  const bool state = a.x.src == Term::Src::Ep && a.x.index == m.state_var && !a.has_y;
  if (state || named_in(m, a.x, goal) || (a.has_y && named_in(m, a.y, goal))) return 0;
  const bool seq = a.op == Atom::Op::SeqEq;
  const bool local = a.x.src == Term::Src::Ep || a.x.src == Term::Src::Seg;
  return !seq && local ? 1 : 2;
}

Term make_term(Term::Src src, int ep, int index, ir::Type type) {
  Term t;
  t.src = src;
  t.ep = ep;
  t.index = index;
  t.type = type;
  return t;
}

// The literal of atom a that holds in s (seg: the segment, for segment terms): a, or its negation.
Literal literal_in(const Atom& a, int rank, const StateLayout& l, uint64_t mask, const int32_t* s, const int32_t* seg) {
  Literal lit;
  lit.atom = a;
  lit.rank = rank;
  lit.negated = !atom_holds(a, l, mask, s, seg);
  return lit;
}

bool small(const ir::Type& t) { return t.kind == Kind::Bool || t.kind == Kind::Int || t.kind == Kind::Enum; }

// What a cube asks of one segment in flight (seg_ep >= 0) or of none, and its literals.
struct Cube {
  int seg_ep = -1;
  std::vector<Literal> lits;  // the endpoint literals first, then the segment's
};

// The terms of the state (both endpoints, globals) and what holds of them in s.
void endpoint_literals(const ir::Model& m, const StateLayout& l, uint64_t mask, const int32_t* s,
                       std::vector<Literal>& out, std::vector<Term>& seqs) {
  auto push = [&](const Atom& a, int rank) { out.push_back(literal_in(a, rank, l, mask, s, nullptr)); };
  for (int ep = 0; ep < 2; ++ep) {
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
      const Term t = make_term(Term::Src::Ep, ep, static_cast<int>(v), m.endpoint_vars[v].type);
      if (t.type.kind == Kind::Seq) {
        seqs.push_back(t);
        continue;
      }
      if (!small(t.type)) continue;
      const int64_t x = term_value(t, l, s, nullptr);
      if (t.type.kind == Kind::Bool)
        push(make_atom(Atom::Op::Flag, t, x), 1);
      else
        push(make_atom(Atom::Op::IntEq, t, x), static_cast<int>(v) == m.state_var ? 0 : 2);
    }
    for (size_t i = 0; i < m.timers.size(); ++i) {
      const Term t = make_term(Term::Src::TimerRunning, ep, static_cast<int>(i), ir::Type::boolean());
      push(make_atom(Atom::Op::Flag, t, term_value(t, l, s, nullptr)), 1);
    }
  }
  for (size_t g = 0; g < m.global_vars.size(); ++g) {
    const Term t = make_term(Term::Src::Global, 0, static_cast<int>(g), m.global_vars[g].type);
    if (t.type.kind == Kind::Seq) seqs.push_back(t);
    if (!small(t.type)) continue;
    const int64_t x = term_value(t, l, s, nullptr);
    push(make_atom(t.type.kind == Kind::Bool ? Atom::Op::Flag : Atom::Op::IntEq, t, x), 2);
  }
  // The two endpoints' like counters: equal or not.
  for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
    const ir::Type& ty = m.endpoint_vars[v].type;
    if (ty.kind != Kind::Int || static_cast<int>(v) == m.state_var) continue;
    const Term a = make_term(Term::Src::Ep, 0, static_cast<int>(v), ty), b = make_term(Term::Src::Ep, 1, static_cast<int>(v), ty);
    push(make_atom(Atom::Op::IntEq, a, b, 0), 3);
  }
  // Sequence variables: equal up to +2, else apart; and zero or not.
  for (size_t i = 0; i < seqs.size(); ++i) {
    push(make_atom(Atom::Op::SeqEq, seqs[i], 0), 5);
    for (size_t j = i + 1; j < seqs.size(); ++j) {
      const uint64_t x = static_cast<uint64_t>(term_value(seqs[i], l, s, nullptr));
      const uint64_t y = static_cast<uint64_t>(term_value(seqs[j], l, s, nullptr));
      const uint64_t d = (x - y) & mask, e = (y - x) & mask;
      if (d <= 2)
        push(make_atom(Atom::Op::SeqEq, seqs[i], seqs[j], static_cast<int64_t>(d)), 4);
      else if (e <= 2)
        push(make_atom(Atom::Op::SeqEq, seqs[j], seqs[i], static_cast<int64_t>(e)), 4);
      else
        push(make_atom(Atom::Op::SeqEq, seqs[i], seqs[j], 0), 5);
    }
  }
}

// What holds of one segment `seg` in s: its flags and fields, its counters against the
// endpoint counters they carry and its sequence fields within +2 of the endpoints'.
void segment_literals(const ir::Model& m, const Carried& carried, const StateLayout& l, uint64_t mask,
                      const int32_t* s, const int32_t* seg, const std::vector<Term>& seqs, std::vector<Literal>& out) {
  auto push = [&](const Atom& a, int rank) { out.push_back(literal_in(a, rank, l, mask, s, seg)); };
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    ir::Type ty = m.seg_fields[f].type;
    if (m.seg_fields[f].is_flag) ty = ir::Type::boolean();
    const Term t = make_term(Term::Src::Seg, 0, static_cast<int>(f), ty);
    if (ty.kind == Kind::Seq) {
      const uint64_t x = static_cast<uint64_t>(term_value(t, l, s, seg));
      for (const Term& y : seqs) {
        const uint64_t v = static_cast<uint64_t>(term_value(y, l, s, nullptr));
        const uint64_t d = (x - v) & mask, e = (v - x) & mask;
        if (d <= 2) push(make_atom(Atom::Op::SeqEq, t, y, static_cast<int64_t>(d)), 4);
        if (e <= 2 && e > 0) push(make_atom(Atom::Op::SeqEq, y, t, static_cast<int64_t>(e)), 4);
      }
      continue;
    }
    if (!small(ty)) continue;
    const int64_t x = term_value(t, l, s, seg);
    if (ty.kind == Kind::Bool) {
      push(make_atom(Atom::Op::Flag, t, x), 1);
      continue;
    }
    push(make_atom(Atom::Op::IntEq, t, x), 2);
    for (int ep = 0; ep < 2; ++ep)
      for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
        const ir::Type& et = m.endpoint_vars[v].type;
        if (et.kind != Kind::Int || static_cast<int>(v) == m.state_var || !carried[f][v]) continue;
        push(make_atom(Atom::Op::IntEq, t, make_term(Term::Src::Ep, ep, static_cast<int>(v), et), 0), 2);
      }
  }
  const Term age = make_term(Term::Src::Age, 0, 0, ir::Type::integer(0, m.msl));
  push(make_atom(Atom::Op::IntEq, age, term_value(age, l, s, seg)), 3);
}

bool literal_holds(const Literal& lit, const StateLayout& l, uint64_t mask, const int32_t* s, const int32_t* seg) {
  return atom_holds(lit.atom, l, mask, s, seg) != lit.negated;
}

std::string literal_text(const ir::Model& m, const Literal& lit) {
  const Atom& a = lit.atom;
  if (!lit.negated) return atom_text(m, a);
  if (a.op == Atom::Op::Flag) {
    Atom b = a;
    b.c = !a.c;
    return atom_text(m, b);
  }
  std::string t = atom_text(m, a);
  const size_t eq = t.find(" == ");
  return eq == std::string::npos ? "!(" + t + ")" : t.replace(eq, 4, " != ");
}

// f(i) for each literal i in b, in order: a word at a time, the set bits only.
template <class F>
void for_each_literal(const Bits& b, F f) {
  const Bits word(~0ull);
  for (size_t w = 0; w < kMaxLiterals / 64; ++w)
    for (uint64_t x = ((b >> (64 * w)) & word).to_ullong(); x != 0; x &= x - 1)
      f(64 * w + static_cast<size_t>(std::countr_zero(x)));
}

struct BitsHash {
  size_t operator()(const Bits& b) const { return std::hash<Bits>()(b); }
};

// The smallest cover found greedily, of literals outside `banned` (and of `level` or below): literals (indices) such that
// every violation set contains one; empty when there is none (a sample satisfies every literal
// allowed).
std::vector<size_t> cover(const std::vector<Literal>& lits, const std::unordered_set<Bits, BitsHash>& sets,
                          Bits banned, int level) {
  for (size_t i = 0; i < lits.size(); ++i)
    if (lits[i].level > level) banned.set(i);
  // The sets as the allowed literals see them: far fewer distinct ones when few are allowed.
  std::unordered_set<Bits, BitsHash> seen;
  for (const Bits& b : sets) {
    const Bits allowed = b & ~banned;
    if (allowed.none()) return {};
    seen.insert(allowed);
  }
  const std::vector<Bits> projected(seen.begin(), seen.end());
  std::vector<Bits> open = projected;
  std::vector<size_t> chosen, count(lits.size());
  while (!open.empty()) {
    std::fill(count.begin(), count.end(), 0);
    for (const Bits& b : open) for_each_literal(b, [&](size_t i) { ++count[i]; });
    size_t best = lits.size(), best_count = 0;
    for (size_t i = 0; i < lits.size(); ++i)
      if (count[i] > best_count || (count[i] == best_count && count[i] > 0 && lits[i].rank < lits[best].rank)) {
        best = i;
        best_count = count[i];
      }
    if (best_count == 0) return {};
    chosen.push_back(best);
    open.erase(std::remove_if(open.begin(), open.end(), [&](const Bits& b) { return b[best]; }), open.end());
  }
  // Drop what the others cover already, the last chosen first.
  for (size_t k = chosen.size(); k-- > 0;) {
    Bits rest;
    for (size_t j = 0; j < chosen.size(); ++j)
      if (j != k) rest.set(chosen[j]);
    bool needed = false;
    for (const Bits& b : projected) needed = needed || (b & rest).none();  // (every b meets chosen)
    if (!needed) chosen.erase(chosen.begin() + static_cast<long>(k));
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// The cubes of one CTI: the one without a segment, then one per segment in flight; the first
// n_ep literals of each are the CTI's endpoint literals, the same in all.
struct CtiCubes {
  size_t n_ep = 0;
  std::vector<Cube> cubes;
  std::vector<std::unordered_set<Bits, BitsHash>> sets;  // per cube: what the samples violate
};

// What the samples of `run` in [begin, end) violate of each cube, into `into` (one per CTI).
void violations(const SampledStates::Run& run, size_t begin, size_t end, std::vector<CtiCubes>& into) {
  const StateLayout& l = run.layout();
  const uint64_t mask = run.seq_mask();
  std::vector<int32_t> st(static_cast<size_t>(l.num_slots()));
  for (size_t i = begin; i < end; ++i) {
    if (i % 4096 == 0 && interrupt_requested()) return;  // (block() then gives no lemma)
    l.unpack(run.get(i), st.data());
    const int32_t* s = st.data();
    for (CtiCubes& c : into) {
      Bits ep_bits;
      const std::vector<Literal>& ep_lits = c.cubes[0].lits;
      for (size_t k = 0; k < c.n_ep; ++k)
        if (!literal_holds(ep_lits[k], l, mask, s, nullptr)) ep_bits.set(k);
      c.sets[0].insert(ep_bits);
      for (size_t w = 1; w < c.cubes.size(); ++w) {
        const Cube& cube = c.cubes[w];
        for (int pos = 0; pos < s[l.chan_count(cube.seg_ep)]; ++pos) {
          const int32_t* seg = s + l.seg_base(cube.seg_ep, pos);
          Bits b = ep_bits;
          for (size_t k = c.n_ep; k < cube.lits.size(); ++k)
            if (!literal_holds(cube.lits[k], l, mask, s, seg)) b.set(k);
          c.sets[w].insert(b);
        }
      }
    }
  }
}

std::string cube_text(const ir::Model& m, const Cube& cube, const std::vector<size_t>& chosen) {
  std::string body;
  for (size_t i : chosen) body += (body.empty() ? "" : " && ") + literal_text(m, cube.lits[i]);
  return cube.seg_ep < 0 ? "!(" + body + ")"
                         : std::string("forall s in flight(") + (cube.seg_ep == 0 ? "A" : "B") + "): !(" + body + ")";
}

}  // namespace

std::vector<std::vector<std::string>> CtiBlocker::block(const CompiledSystem& sys,
                                                        const std::vector<const int32_t*>& pre_states,
                                                        const std::vector<std::string>& goals,
                                                        size_t alternatives) const {
  const StateLayout& cl = sys.layout();
  const uint64_t cmask = seq_mask(sys.model().seq_bits);
  std::vector<CtiCubes> ctis(pre_states.size());
  const Carried carried = carried_variables(m_);
  for (size_t c = 0; c < pre_states.size(); ++c) {
    const int32_t* s = pre_states[c];
    std::vector<Literal> ep_lits;
    std::vector<Term> seqs;
    endpoint_literals(m_, cl, cmask, s, ep_lits, seqs);
    if (ep_lits.size() > kMaxLiterals) ep_lits.resize(kMaxLiterals);
    ctis[c].n_ep = ep_lits.size();
    ctis[c].cubes.push_back({-1, ep_lits});
    for (int ep = 0; ep < 2; ++ep)
      for (int pos = 0; pos < s[cl.chan_count(ep)]; ++pos) {
        Cube cube{ep, ep_lits};
        segment_literals(m_, carried, cl, cmask, s, s + cl.seg_base(ep, pos), seqs, cube.lits);
        if (cube.lits.size() > kMaxLiterals) cube.lits.resize(kMaxLiterals);
        ctis[c].cubes.push_back(std::move(cube));
      }
    ctis[c].sets.resize(ctis[c].cubes.size());
    const std::string& goal = c < goals.size() ? goals[c] : std::string();
    for (Cube& cube : ctis[c].cubes)
      for (Literal& lit : cube.lits) lit.level = level_of(m_, lit, goal);
  }
  // One pass over the samples, in two halves at once.
  for (const SampledStates::Run& run : samples_.runs()) {
    const size_t n = run.size(), half = n / 2;
    std::vector<CtiCubes> second = ctis;  // the same cubes, its own sets
    for (CtiCubes& c : second)
      for (auto& set : c.sets) set.clear();
    std::thread t([&] { violations(run, half, n, second); });
    violations(run, 0, half, ctis);
    t.join();
    for (size_t c = 0; c < ctis.size(); ++c)
      for (size_t w = 0; w < ctis[c].sets.size(); ++w) ctis[c].sets[w].merge(second[c].sets[w]);
  }
  // Per CTI: the smallest cube (fewest literals, then without a segment, then the lower ranks) of
  // the most relevant literals that give one, then as many more as asked that share none of its
  // literals, each again from the most relevant level up to the first one's (a less relevant
  // literal, as a counter at a value Z3 happened to pick, is no other reason).
  std::vector<std::vector<std::string>> out(pre_states.size());
  if (interrupt_requested()) return out;  // the violation sets may be partial: no lemma from them
  for (size_t c = 0; c < ctis.size() && !interrupt_requested(); ++c) {
    const CtiCubes& cc = ctis[c];
    std::vector<Bits> banned(cc.cubes.size());
    int first_level = kLevels - 1;  // the alternatives: of the first one's level or below
    for (size_t a = 0; a < std::max<size_t>(1, alternatives); ++a) {
      int best = -1, best_level = 0;
      std::vector<size_t> best_chosen;
      std::tuple<size_t, bool, int> best_key{};
      for (int level = 0; level <= (a == 0 ? kLevels - 1 : first_level) && best < 0; ++level) {
        best_level = level;
        for (size_t w = 0; w < cc.cubes.size(); ++w) {
          std::vector<size_t> chosen = cover(cc.cubes[w].lits, cc.sets[w], banned[w], level);
          if (chosen.empty()) continue;
          int rank = 0;
          for (size_t i : chosen) rank += cc.cubes[w].lits[i].rank;
          const auto key = std::make_tuple(chosen.size(), cc.cubes[w].seg_ep >= 0, rank);
          if (best >= 0 && best_key <= key) continue;
          best = static_cast<int>(w);
          best_chosen = std::move(chosen);
          best_key = key;
        }
      }
      if (best < 0) break;
      if (a == 0) first_level = best_level;
      out[c].push_back(cube_text(m_, cc.cubes[best], best_chosen));
      for (size_t i : best_chosen)  // the next shares none of its literals (endpoint ones: in no cube)
        for (size_t w = 0; w < cc.cubes.size(); ++w)
          if (i < cc.n_ep || static_cast<int>(w) == best) banned[w].set(i);
    }
  }
  return out;
}

}  // namespace tcpmc::infer
