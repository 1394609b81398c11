#include "state_vars.hpp"

#include <algorithm>

namespace tcpmc::symbolic {
namespace {

// Interval analysis of every integer the model computes, for the width of Int bit-vectors: the
// interpreter computes in 64 bits and a result that does not fit is a model error; when every
// value provably fits in W-2 bits, W-bit arithmetic gives the same values and never overflows
// either, so the errors agree (none) and the formulas are smaller. Returns 64 when unsure.
struct Interval {
  __int128 lo = 0, hi = 0;
};

class IntWidth {
 public:
  explicit IntWidth(const ir::Model& m) : m_(m) {
    seq_hi_ = m.seq_bits > 0 ? (__int128{1} << m.seq_bits) - 1 : 1;
    for (const auto& r : m.rules) {
      for (const auto& p : r.params) note(type(p.type));
      expr(r.guard);
      stmts(r.body);
    }
    for (const auto& mo : m.monitors) {
      expr(mo.guard);
      stmts(mo.body);
    }
    for (const auto& p : m.properties) {
      expr(p.expr);
      expr(p.trigger);
    }
    for (const auto& l : m.lemmas) expr(l.expr);
    for (const auto& v : m.endpoint_vars) note(type(v.type));
    for (const auto& v : m.global_vars) note(type(v.type));
    for (const auto& f : m.seg_fields) note(type(f.type));
    note({0, seq_hi_});  // a seq read as a number
    for (const auto& t : m.timers) note({0, t.max_duration + kTimerBias});
    note({0, 64});  // budgets, counts, ages, endpoint ids (capacity, msl and budgets are small)
    note({0, m.capacity + 1});
    note({0, m.msl + 1});
  }
  unsigned bits() const {
    if (wide_) return 64;
    unsigned b = 2;
    while (b < 64 && (max_ >= (__int128{1} << (b - 2)))) ++b;
    return b;
  }

 private:
  const ir::Model& m_;
  __int128 seq_hi_ = 1, max_ = 0;
  bool wide_ = false;
  static constexpr __int128 kLimit = __int128{1} << 61;

  void note(const Interval& i) {
    const __int128 a = i.lo < 0 ? -i.lo : i.lo, b = i.hi < 0 ? -i.hi : i.hi;
    max_ = std::max(max_, std::max(a, b));
    if (max_ >= kLimit) wide_ = true;
  }
  Interval type(const ir::Type& t) const {
    if (t.kind == ir::Type::Kind::Seq) return {0, seq_hi_};
    return {std::min<__int128>(t.lo, 0), std::max<__int128>(t.hi, 0)};
  }
  static Interval clamp(Interval i) {
    i.lo = std::max(i.lo, -kLimit * 4);
    i.hi = std::min(i.hi, kLimit * 4);
    return i;
  }
  Interval expr(const ir::Expr& e) {
    using Op = ir::Expr::Op;
    if (wide_) return {0, 0};
    std::vector<Interval> a;
    for (const auto& x : e.args) a.push_back(expr(x));
    Interval r{0, 1};
    switch (e.op) {
      case Op::Const: r = {e.value, e.value}; break;
      case Op::EpVar: r = type(m_.endpoint_vars[e.index].type); break;
      case Op::GlobalVar: r = type(m_.global_vars[e.index].type); break;
      case Op::SegField: r = type(m_.seg_fields[e.index].type); break;
      case Op::SegAge:
      case Op::TimerTicksLeft:
      case Op::FaultsLeft: r = type(e.type); break;
      case Op::Param: r = type(e.type); break;
      case Op::Neg: r = {-a[0].hi, -a[0].lo}; break;
      case Op::Add: r = {a[0].lo + a[1].lo, a[0].hi + a[1].hi}; break;
      case Op::Sub: r = {a[0].lo - a[1].hi, a[0].hi - a[1].lo}; break;
      case Op::Mul: {
        const __int128 c[4] = {a[0].lo * a[1].lo, a[0].lo * a[1].hi, a[0].hi * a[1].lo, a[0].hi * a[1].hi};
        r = {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
        break;
      }
      case Op::Div:
      case Op::Mod: {
        const __int128 m = std::max({a[0].lo < 0 ? -a[0].lo : a[0].lo, a[0].hi < 0 ? -a[0].hi : a[0].hi});
        r = {-m, m};
        break;
      }
      case Op::SeqAdd: case Op::SeqSub: case Op::SeqDist: r = {0, seq_hi_}; break;
      case Op::Ite: r = {std::min(a[1].lo, a[2].lo), std::max(a[1].hi, a[2].hi)}; break;
      case Op::Old: r = a[0]; break;
      default: r = {0, 1}; break;  // comparisons, logic, timers, self, rule: 0..1
    }
    r = clamp(r);
    for (const auto& x : a) note(x);
    note(r);
    return r;
  }
  void stmts(const std::vector<ir::Stmt>& body) {
    for (const auto& s : body) {
      expr(s.value);
      for (const auto& [f, v] : s.fields) expr(v);
      stmts(s.then_body);
      stmts(s.else_body);
    }
  }
};

}  // namespace

ValKind kind_of(const ir::Type& t) {
  switch (t.kind) {
    case ir::Type::Kind::Bool: return ValKind::Bool;
    case ir::Type::Kind::Seq: return ValKind::Seq;
    default: return ValKind::Int;
  }
}

SlotCodec::SlotCodec(z3::context& ctx, const CompiledSystem& sys) : ctx_(ctx), sys_(sys) {
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  seq_bits_ = m.seq_bits > 0 ? static_cast<unsigned>(m.seq_bits) : 1;
  int_bits_ = IntWidth(m).bits();
  slots_.resize(L.num_slots());
  for (int i = 0; i < L.num_slots(); ++i) {
    slots_[i].lo = L.slot(i).lo;
    slots_[i].hi = L.slot(i).hi;
    slots_[i].width = std::max<unsigned>(1, L.slot(i).bits);
  }
  auto set_kind = [&](int slot, const ir::Type& t) {
    slots_[slot].kind = kind_of(t);
    if (slots_[slot].kind == ValKind::Seq) slots_[slot].width = seq_bits_;
  };
  for (int ep = 0; ep < 2; ++ep)
    for (size_t v = 0; v < m.endpoint_vars.size(); ++v) set_kind(L.ep_var(ep, static_cast<int>(v)), m.endpoint_vars[v].type);
  for (size_t g = 0; g < m.global_vars.size(); ++g) set_kind(L.global_var(static_cast<int>(g)), m.global_vars[g].type);
  for (int c = 0; c < 2; ++c)
    for (int p = 0; p < L.capacity(); ++p)
      for (size_t f = 0; f < m.seg_fields.size(); ++f) set_kind(L.seg_base(c, p) + static_cast<int>(f), m.seg_fields[f].type);
}

Val SlotCodec::load(int slot, const z3::expr& stored) const {
  const SlotInfo& s = slots_[slot];
  switch (s.kind) {
    case ValKind::Seq: return {stored, ValKind::Seq};
    case ValKind::Bool:
      // A Bool slot may be stored in 0 bits (never set) or 1; lo is 0.
      return {stored == ctx_.bv_val(1, s.width), ValKind::Bool};
    case ValKind::Int: break;
  }
  z3::expr wide = s.width < int_bits_ ? z3::zext(stored, int_bits_ - s.width) : stored;
  return {wide + int_const(s.lo), ValKind::Int};
}

z3::expr SlotCodec::store(int slot, const Val& v) const {
  const SlotInfo& s = slots_[slot];
  switch (s.kind) {
    case ValKind::Seq: return as_seq(v);
    case ValKind::Bool: return z3::ite(as_bool(v), ctx_.bv_val(1, s.width), ctx_.bv_val(0, s.width));
    case ValKind::Int: break;
  }
  z3::expr off = as_int(v) - int_const(s.lo);
  return s.width < int_bits_ ? off.extract(s.width - 1, 0) : off;
}

z3::expr SlotCodec::stored_constant(int slot, int32_t value) const {
  const SlotInfo& s = slots_[slot];
  if (s.kind == ValKind::Seq) return ctx_.bv_val(static_cast<uint64_t>(static_cast<uint32_t>(value)), s.width);
  return ctx_.bv_val(static_cast<uint64_t>(static_cast<int64_t>(value) - s.lo), s.width);
}

int32_t SlotCodec::decode(int slot, uint64_t stored) const {
  const SlotInfo& s = slots_[slot];
  if (s.kind == ValKind::Seq) return static_cast<int32_t>(static_cast<uint32_t>(stored));
  return static_cast<int32_t>(static_cast<int64_t>(stored) + s.lo);
}

z3::expr SlotCodec::in_range(int slot, const z3::expr& stored) const {
  const SlotInfo& s = slots_[slot];
  if (s.kind == ValKind::Seq) return ctx_.bool_val(true);
  const uint64_t span = static_cast<uint64_t>(s.hi) - static_cast<uint64_t>(s.lo);
  if (s.width < 64 && span + 1 == (uint64_t{1} << s.width)) return ctx_.bool_val(true);
  return z3::ule(stored, ctx_.bv_val(span, s.width));
}

z3::expr SlotCodec::less(int slot, const z3::expr& a, const z3::expr& b) const {
  // Stored offsets order like values; a 32-bit sequence number is an int32 bit pattern, which
  // the explicit engine compares as a signed number.
  if (slots_[slot].kind == ValKind::Seq && slots_[slot].width == 32) return z3::slt(a, b);
  return z3::ult(a, b);
}

std::vector<Val> SlotCodec::segment_at(const std::vector<z3::expr>& s, int chan, int pos, bool with_age) const {
  const StateLayout& L = sys_.layout();
  std::vector<Val> seg;
  const int n = L.num_seg_fields() + (with_age ? 1 : 0);
  for (int f = 0; f < n; ++f) {
    const int slot = L.seg_base(chan, pos) + f;
    seg.push_back(load(slot, s[slot]));
  }
  return seg;
}

z3::expr SlotCodec::next_record_less(const std::vector<z3::expr>& s, int ch, int p) const {
  const StateLayout& L = sys_.layout();
  z3::expr less_so_far = ctx_.bool_val(false), equal_so_far = ctx_.bool_val(true);
  for (int f = 0; f < L.seg_stride(); ++f) {
    const int a = L.seg_base(ch, p) + f, b = L.seg_base(ch, p + 1) + f;
    less_so_far = less_so_far || (equal_so_far && less(a, s[b], s[a]));
    equal_so_far = equal_so_far && s[a] == s[b];
  }
  return less_so_far;
}

z3::expr SlotCodec::as_int(const Val& v) const {
  switch (v.kind) {
    case ValKind::Int: return v.e;
    case ValKind::Seq: return seq_bits_ < int_bits_ ? z3::zext(v.e, int_bits_ - seq_bits_) : v.e;
    case ValKind::Bool: return z3::ite(v.e, int_const(1), int_const(0));
  }
  return v.e;
}

z3::expr SlotCodec::as_seq(const Val& v) const {
  switch (v.kind) {
    case ValKind::Seq: return v.e;
    case ValKind::Int: return v.e.extract(seq_bits_ - 1, 0);
    case ValKind::Bool: return z3::ite(v.e, ctx_.bv_val(1, seq_bits_), ctx_.bv_val(0, seq_bits_));
  }
  return v.e;
}

z3::expr SlotCodec::as_bool(const Val& v) const {
  if (v.kind == ValKind::Bool) return v.e;
  return v.e != ctx_.bv_val(0, v.e.get_sort().bv_size());
}

Unroller::Unroller(const SlotCodec& codec, bool from_initial) : codec_(codec) {
  const CompiledSystem& sys = codec.system();
  const StateLayout& L = sys.layout();
  std::vector<int32_t> init(L.num_slots());
  sys.initial_state(init.data());
  StateVec s;
  for (int j = 0; j < codec.num_slots(); ++j)
    s.push_back(from_initial ? codec.stored_constant(j, init[j])
                             : codec.ctx().bv_const(("s0." + L.slot(j).name).c_str(), codec.slot(j).width));
  frames_.push_back(std::move(s));
}

const StateVec& Unroller::push() {
  const size_t k = frames_.size();
  const StateLayout& L = codec_.system().layout();
  StateVec s;
  for (int j = 0; j < codec_.num_slots(); ++j)
    s.push_back(codec_.ctx().bv_const(("s" + std::to_string(k) + "." + L.slot(j).name).c_str(), codec_.slot(j).width));
  frames_.push_back(std::move(s));
  return frames_.back();
}

z3::expr Unroller::well_formed(const StateVec& s) const {
  z3::context& c = codec_.ctx();
  const CompiledSystem& sys = codec_.system();
  const StateLayout& L = sys.layout();
  z3::expr_vector parts(c);
  for (int j = 0; j < codec_.num_slots(); ++j) parts.push_back(codec_.in_range(j, s[j]));
  // Timers: a running timer has at most the largest duration any rule starts it with left
  // (the slot's range says so already). Channels: records past the count are zero, and under
  // reordering the records in flight are sorted.
  const int stride = L.seg_stride(), cap = L.capacity();
  for (int ch = 0; ch < 2; ++ch) {
    const int cs = L.chan_count(ch);
    for (int p = 0; p < cap; ++p) {
      z3::expr used = z3::ugt(s[cs], c.bv_val(p, codec_.slot(cs).width));
      z3::expr_vector zero(c);
      for (int f = 0; f < stride; ++f) {
        const int slot = L.seg_base(ch, p) + f;
        zero.push_back(s[slot] == codec_.stored_constant(slot, 0));
      }
      parts.push_back(z3::implies(!used, z3::mk_and(zero)));
      // A record in flight is never older than MSL (a tick waits for it to arrive or be lost).
    }
    if (sys.faults().reorder)
      for (int p = 0; p + 1 < cap; ++p) {
        z3::expr both = z3::ugt(s[cs], c.bv_val(p + 1, codec_.slot(cs).width));
        parts.push_back(z3::implies(both, !codec_.next_record_less(s, ch, p)));
      }
  }
  return z3::mk_and(parts);
}

}  // namespace tcpmc::symbolic
