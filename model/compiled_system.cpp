#include "compiled_system.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tcpmc {
namespace {

using Op = ir::Expr::Op;

// The mask of a seq operand, 2^n - 1, as the int32 bit pattern the bytecode reads as a uint32
// (-1 at n = 32). 1 when the model has no seq type.
int32_t seq_mask(int seq_bits) {
  return seq_bits > 0 ? static_cast<int32_t>(static_cast<uint32_t>((uint64_t{1} << seq_bits) - 1)) : 1;
}

// Compiles IR expressions and statements into bytecode for one endpoint's instance of a rule
// (or, with ep = -1, for a property, where only A./B. references occur). A monitor is compiled
// per rule instance: `rule` (the firing rule) folds RuleIs to a constant.
class Compiler {
 public:
  Compiler(const ir::Model& m, const StateLayout& l, int ep, Code& out, int rule = -1)
      : m_(m), l_(l), ep_(ep), rule_(rule), c_(out) {
    mask_ = seq_mask(m.seq_bits);
    // A 32-bit seq is held as its bit pattern: a load may read it negative (bytecode.hpp).
    zero_extend_seq_ = m.seq_bits >= 32;
  }

  void expr(const ir::Expr& e) {
    switch (e.op) {
      case Op::Const: constant(e); return;
      case Op::EpVar: emit(load(), e.range, l_.ep_var(who(e), e.index)); loaded(e); return;
      case Op::GlobalVar: emit(load(), e.range, l_.global_var(e.index)); loaded(e); return;
      case Op::SegField:
        if (flight_base_ >= 0)
          emit(load(), e.range, flight_base_ + e.index);
        else
          emit(Opc::LoadSeg, e.range, e.index);
        loaded(e);
        return;
      case Op::SegAge: emit(load(), e.range, flight_base_ + l_.num_seg_fields()); return;
      case Op::InFlight: in_flight(e); return;
      case Op::Param: emit(Opc::LoadParam, e.range, e.index); loaded(e); return;
      case Op::SelfId: emit(Opc::Const, e.range, ep_); return;
      case Op::TimerExpired:
        emit(load(), e.range, l_.timer(who(e), e.index));
        emit(Opc::Const, e.range, kTimerExpired);
        emit(Opc::Eq, e.range);
        return;
      case Op::TimerRunning:
        emit(Opc::Const, e.range, kTimerBias);
        emit(load(), e.range, l_.timer(who(e), e.index));
        emit(Opc::Le, e.range);
        return;
      case Op::FaultsLeft:  // budget - used
        emit(Opc::Const, e.range, l_.fault_budget(e.index));
        emit(load(), e.range, e.index == 0 ? l_.loss_slot() : l_.dup_slot());
        emit(Opc::Sub, e.range);
        return;
      case Op::TimerTicksLeft: {  // running ? slot - kTimerBias : 0
        const int slot = l_.timer(who(e), e.index);
        emit(Opc::Const, e.range, kTimerBias);
        emit(load(), e.range, slot);
        emit(Opc::Le, e.range);
        int jf = emit(Opc::JumpIfFalse, e.range);
        emit(load(), e.range, slot);
        emit(Opc::Const, e.range, kTimerBias);
        emit(Opc::Sub, e.range);
        int je = emit(Opc::Jump, e.range);
        c_.instrs[jf].a = here();
        emit(Opc::Const, e.range, 0);
        c_.instrs[je].a = here();
        return;
      }
      case Op::Old: {
        const bool outer = old_;
        old_ = true;
        expr(e.args[0]);
        old_ = outer;
        return;
      }
      case Op::RuleIs:
        if (rule_ < 0) throw std::logic_error("compile: 'rule' outside a monitor");
        emit(Opc::Const, e.range, e.index == rule_ ? 1 : 0);
        return;
      case Op::Not: expr(e.args[0]); emit(Opc::Not, e.range); return;
      case Op::Neg: expr(e.args[0]); emit(Opc::Neg, e.range); return;
      case Op::And:
      case Op::Or:
      case Op::Implies: {
        expr(e.args[0]);
        if (e.op == Op::Implies) emit(Opc::Not, e.range);
        int j = emit(e.op == Op::And ? Opc::JumpIfFalseKeep : Opc::JumpIfTrueKeep, e.range);
        expr(e.args[1]);
        c_.instrs[j].a = here();
        return;
      }
      case Op::Ite: {
        expr(e.args[0]);
        int jf = emit(Opc::JumpIfFalse, e.range);
        expr(e.args[1]);
        int je = emit(Opc::Jump, e.range);
        c_.instrs[jf].a = here();
        expr(e.args[2]);
        c_.instrs[je].a = here();
        return;
      }
      default: break;
    }
    expr(e.args[0]);
    expr(e.args[1]);
    Opc o;
    switch (e.op) {
      case Op::Add: o = Opc::Add; break;
      case Op::Sub: o = Opc::Sub; break;
      case Op::Mul: o = Opc::Mul; break;
      case Op::Div: o = Opc::Div; break;
      case Op::Mod: o = Opc::Mod; break;
      case Op::SeqAdd: o = Opc::SeqAdd; break;
      case Op::SeqSub: case Op::SeqDist: o = Opc::SeqSub; break;
      case Op::SeqLt: o = Opc::SeqLt; break;
      case Op::SeqLe: o = Opc::SeqLe; break;
      case Op::Lt: o = Opc::Lt; break;
      case Op::Le: o = Opc::Le; break;
      case Op::Eq: o = Opc::Eq; break;
      case Op::Ne: o = Opc::Ne; break;
      default: throw std::logic_error("compile: unexpected operator");
    }
    emit(o, e.range, 0, mask_);
  }

  void store(int slot, const ir::Type& t, SourceRange r) {
    if (t.kind == ir::Type::Kind::Seq)
      emit(Opc::StoreSeq, r, slot, mask_);
    else
      emit(Opc::Store, r, slot, static_cast<int32_t>(t.lo), static_cast<int32_t>(t.hi));
  }

  void stmts(const std::vector<ir::Stmt>& body) {
    for (const auto& s : body) stmt(s);
  }

  void stmt(const ir::Stmt& s) {
    switch (s.kind) {
      case ir::Stmt::Kind::AssignEp:
        expr(s.value);
        store(l_.ep_var(ep_, s.index), m_.endpoint_vars[s.index].type, s.range);
        return;
      case ir::Stmt::Kind::AssignGlobal:
        expr(s.value);
        store(l_.global_var(s.index), m_.global_vars[s.index].type, s.range);
        return;
      case ir::Stmt::Kind::Send: {
        int nf = static_cast<int>(m_.seg_fields.size());
        for (int f = 0; f < nf; ++f) {
          const ir::Expr* v = nullptr;
          for (const auto& [fi, fe] : s.fields)
            if (fi == f) v = &fe;
          if (!v) {
            emit(Opc::Const, s.range, 0);
            continue;
          }
          expr(*v);
          const ir::Type& t = m_.seg_fields[f].type;
          if (t.kind == ir::Type::Kind::Seq)
            emit(Opc::Mask, v->range, 0, mask_);
          else
            emit(Opc::Check, v->range, static_cast<int32_t>(t.lo), static_cast<int32_t>(t.hi));
        }
        emit(Opc::Send, s.range, l_.chan_count(ep_), l_.capacity(), nf);
        return;
      }
      case ir::Stmt::Kind::TimerStart:
        emit(Opc::TimerSet, s.range, l_.timer(ep_, s.index), static_cast<int32_t>(s.value.value) + kTimerBias);
        return;
      case ir::Stmt::Kind::TimerStop:
        emit(Opc::TimerSet, s.range, l_.timer(ep_, s.index), kTimerStopped);
        return;
      case ir::Stmt::Kind::If: {
        expr(s.value);
        int jf = emit(Opc::JumpIfFalse, s.range);
        stmts(s.then_body);
        if (s.else_body.empty()) {
          c_.instrs[jf].a = here();
          return;
        }
        int je = emit(Opc::Jump, s.range);
        c_.instrs[jf].a = here();
        stmts(s.else_body);
        c_.instrs[je].a = here();
        return;
      }
    }
  }

  // forall s in flight(X): BODY, unrolled over the channel's records. Records are in use from the
  // front, so the first position at or past the count ends the loop with `true` (a channel
  // has at least one place, so the loop always pushes a value):
  //   for each position p: [p > 0: if the value so far is false, end with it; else pop it]
  //                        count <= p ? end with true : BODY(record p)
  void in_flight(const ir::Expr& e) {
    const int chan = who(e), count = l_.chan_count(chan), cap = l_.capacity();
    std::vector<int> to_end;
    for (int p = 0; p < cap; ++p) {
      if (p > 0) to_end.push_back(emit(Opc::JumpIfFalseKeep, e.range));
      emit(Opc::Load, e.range, count);
      emit(Opc::Const, e.range, p);
      emit(Opc::Le, e.range);
      to_end.push_back(emit(Opc::JumpIfTrueKeep, e.range));
      flight_base_ = l_.seg_base(chan, p);
      expr(e.args[0]);
      flight_base_ = -1;
    }
    for (int j : to_end) c_.instrs[j].a = here();
  }

  // A monitor: if GUARD { BODY }.
  void monitor(const ir::Monitor& mo) {
    expr(mo.guard);
    int jf = emit(Opc::JumpIfFalse, mo.range);
    stmts(mo.body);
    c_.instrs[jf].a = here();
  }

  void finish() { emit(Opc::Halt, {}); }

 private:
  const ir::Model& m_;
  const StateLayout& l_;
  int ep_;
  int rule_;          // the firing rule (monitors), or -1
  bool old_ = false;  // inside old(): loads read the state before the transition
  int flight_base_ = -1;  // inside InFlight: the slot of the record that SegField reads
  Code& c_;
  int32_t mask_;

  bool zero_extend_seq_ = false;

  Opc load() const { return old_ ? Opc::LoadOld : Opc::Load; }
  // After the load of e: a seq held as a 32-bit pattern becomes its value 0..2^32-1.
  void loaded(const ir::Expr& e) {
    if (zero_extend_seq_ && e.type.kind == ir::Type::Kind::Seq) emit(Opc::Mask, e.range, 0, -1);
  }
  // A constant: an int32 operand, or (a seq constant or a distance of 2^31..2^32-1) its 32-bit
  // pattern zero-extended.
  void constant(const ir::Expr& e) {
    if (e.value < INT32_MIN || e.value > int64_t{UINT32_MAX})
      throw std::logic_error("compile: constant " + std::to_string(e.value) + " does not fit 32 bits");
    emit(Opc::Const, e.range, static_cast<int32_t>(static_cast<uint32_t>(e.value)));
    if (e.value > INT32_MAX) emit(Opc::Mask, e.range, 0, -1);
  }
  int who(const ir::Expr& e) const {
    if (e.who == ir::Who::A) return 0;
    if (e.who == ir::Who::B) return 1;
    if (ep_ < 0) throw std::logic_error("compile: self reference outside a rule");
    return e.who == ir::Who::Peer ? 1 - ep_ : ep_;
  }
  int here() const { return static_cast<int>(c_.instrs.size()); }
  int emit(Opc op, SourceRange r, int32_t a = 0, int32_t b = 0, int32_t c = 0) {
    c_.instrs.push_back(Instr{op, a, b, c});
    c_.ranges.push_back(r);
    return here() - 1;
  }
};

int expr_depth(const ir::Expr& e) {
  int d = 0;
  for (const auto& a : e.args) d = std::max(d, expr_depth(a));
  return d + 1;
}

// The value of e when it depends only on which rule fired (RuleIs and constants), or -1.
int rule_only_value(const ir::Expr& e, int rule) {
  switch (e.op) {
    case Op::Const: return e.value != 0;
    case Op::RuleIs: return e.index == rule;
    case Op::Old: return rule_only_value(e.args[0], rule);
    case Op::Not: {
      int v = rule_only_value(e.args[0], rule);
      return v < 0 ? -1 : !v;
    }
    case Op::And:
    case Op::Or:
    case Op::Implies: {
      int a = rule_only_value(e.args[0], rule), b = rule_only_value(e.args[1], rule);
      if (e.op == Op::Implies) a = a < 0 ? -1 : !a;
      if (e.op == Op::And) return a == 0 || b == 0 ? 0 : a < 0 || b < 0 ? -1 : 1;
      return a == 1 || b == 1 ? 1 : a < 0 || b < 0 ? -1 : 0;
    }
    default: return -1;
  }
}

// Whether a monitor's guard is false whenever `rule` fires (its `rule == ...` tests exclude it):
// then the monitor costs that rule's instances nothing.
bool never_for_rule(const ir::Expr& guard, int rule) { return rule_only_value(guard, rule) == 0; }

}  // namespace

std::optional<std::string> explicit_enumeration_problem(const ir::Model& m, int* rule) {
  const std::string advice = "; the explicit engine enumerates parameters (at most " +
                             std::to_string(kMaxParamValues) + " values each, " +
                             std::to_string(kMaxParamCombinations) + " combinations per rule, " +
                             std::to_string(kMaxTotalParamCombinations) +
                             " in all); use --engine bmc or --engine kind";
  uint64_t total = 0;
  for (size_t r = 0; r < m.rules.size(); ++r) {
    const ir::Rule& ru = m.rules[r];
    if (ru.kind != ir::Rule::Kind::Call || ru.params.empty()) continue;
    if (rule) *rule = static_cast<int>(r);
    uint64_t combinations = 1;
    for (const auto& p : ru.params) {
      const uint64_t values = static_cast<uint64_t>(p.type.hi - p.type.lo) + 1;
      if (values > static_cast<uint64_t>(kMaxParamValues))
        return "rule '" + ru.name + "': parameter '" + p.name + "' ranges over " + std::to_string(values) +
               " values" + (p.type.kind == ir::Type::Kind::Seq ? " (a seq of " + std::to_string(m.seq_bits) + " bits)" : "") +
               advice;
      combinations *= values;
    }
    if (combinations > kMaxParamCombinations)
      return "rule '" + ru.name + "' has " + std::to_string(combinations) + " parameter combinations" + advice;
    if ((total += combinations) > kMaxTotalParamCombinations)
      return "the rules have " + std::to_string(total) + " parameter combinations in all; rule '" + ru.name +
             "' (parameter '" + ru.params.front().name + "') exceeds the limit" + advice;
  }
  if (rule) *rule = -1;
  return std::nullopt;
}

CompiledSystem::CompiledSystem(const ir::Model& model, const ir::FaultBudget& faults)
    : model_(model), faults_(faults), layout_(model, faults) {
  for (int ep = 0; ep < 2; ++ep) {
    for (size_t r = 0; r < model.rules.size(); ++r) {
      const ir::Rule& rule = model.rules[r];
      RuleInstance ri;
      ri.rule = static_cast<int>(r);
      ri.ep = ep;
      ri.kind = rule.kind;
      Compiler g(model, layout_, ep, ri.guard);
      g.expr(rule.guard);
      g.finish();
      // The interpreter records at most kMaxSends segments per firing; the type checker refuses
      // a rule that could send more, so only a model built around it gets here with one.
      if (ir::count_sends(rule.body, kMaxSends).beyond)
        throw std::logic_error("rule '" + rule.name + "' may send more than " + std::to_string(kMaxSends) +
                               " segments in one firing");
      Compiler b(model, layout_, ep, ri.body);
      b.stmts(rule.body);
      b.finish();
      for (const auto& mo : model.monitors) {
        if (!mo.observes(rule.kind) || never_for_rule(mo.guard, static_cast<int>(r))) continue;
        const bool per_segment = mo.event == ir::Monitor::Event::Send;
        if (per_segment || ri.monitors.empty() || ri.monitors.back().per_segment) ri.monitors.push_back({{}, per_segment});
        Compiler mc(model, layout_, ep, ri.monitors.back().code, static_cast<int>(r));
        mc.monitor(mo);
      }
      for (auto& chunk : ri.monitors) Compiler(model, layout_, ep, chunk.code).finish();
      if (rule.kind == ir::Rule::Kind::Timeout) ri.timer_slot = layout_.timer(ep, rule.timer);
      for (const auto& p : rule.params)
        ri.param_ranges.emplace_back(p.type.lo, p.type.hi);
      int idx = static_cast<int>(instances_.size());
      instances_.push_back(std::move(ri));
      switch (rule.kind) {
        case ir::Rule::Kind::Call: calls_.push_back(idx); break;
        case ir::Rule::Kind::Recv: recvs_[ep].push_back(idx); break;
        case ir::Rule::Kind::Timeout: timeouts_.push_back(idx); break;
      }
    }
  }
  // Interleave A's and B's calls and timeouts in rule order, so that exploration order reads naturally.
  auto by_rule = [&](int a, int b) {
    const auto &x = instances_[a], &y = instances_[b];
    return x.rule != y.rule ? x.rule < y.rule : x.ep < y.ep;
  };
  std::sort(calls_.begin(), calls_.end(), by_rule);
  std::sort(timeouts_.begin(), timeouts_.end(), by_rule);
  auto compile_predicate = [&](const ir::Property& p, const ir::Expr& e) {
    // The parser bounds expression height well below the interpreter's stack.
    if (expr_depth(e) > kStackSize - 16) throw std::logic_error("property '" + p.name + "' is nested too deeply");
    Code c;
    Compiler pc(model, layout_, -1, c);
    pc.expr(e);
    pc.finish();
    return c;
  };
  for (const auto& p : model.properties) {
    properties_.push_back(compile_predicate(p, p.expr));
    triggers_.push_back(p.kind == ir::Property::Kind::LeadsTo ? compile_predicate(p, p.trigger) : Code{});
  }
}

void CompiledSystem::initial_state(int32_t* out) const {
  std::fill(out, out + layout_.num_slots(), 0);
  for (int ep = 0; ep < 2; ++ep)
    for (size_t v = 0; v < model_.endpoint_vars.size(); ++v)
      out[layout_.ep_var(ep, static_cast<int>(v))] = static_cast<int32_t>(model_.endpoint_vars[v].init);
  for (size_t g = 0; g < model_.global_vars.size(); ++g)
    out[layout_.global_var(static_cast<int>(g))] = static_cast<int32_t>(model_.global_vars[g].init);
}

Scratch CompiledSystem::make_scratch() const {
  Scratch sc;
  sc.next.assign(layout_.num_slots(), 0);
  return sc;
}

template <class F>
void CompiledSystem::for_each_code(F&& f) {
  for (RuleInstance& ri : instances_) {
    f(ri.guard);
    f(ri.body);
    for (MonitorChunk& m : ri.monitors) f(m.code);
  }
  for (Code& c : properties_) f(c);
  for (Code& c : triggers_)
    if (!c.instrs.empty()) f(c);
}

std::vector<const Code*> CompiledSystem::codes() const {
  std::vector<const Code*> out;
  const_cast<CompiledSystem*>(this)->for_each_code([&](Code& c) { out.push_back(&c); });
  return out;
}

std::vector<int> CompiledSystem::predicate_codes() const {
  std::vector<int> out(2 * properties_.size(), -1);
  int i = 0;
  const_cast<CompiledSystem*>(this)->for_each_code([&](Code& c) {
    for (size_t p = 0; p < properties_.size(); ++p) {
      if (&c == &properties_[p] && !c.instrs.empty()) out[2 * p] = i;
      if (&c == &triggers_[p]) out[2 * p + 1] = i;
    }
    ++i;
  });
  return out;
}

void CompiledSystem::attach_native(const std::vector<NativeCode>& fns, StateLayout::NativePack pack,
                                   StateLayout::NativeUnpack unpack, std::shared_ptr<const void> library) {
  layout_.attach_native(pack, unpack);
  size_t i = 0;
  for_each_code([&](Code& c) {
    c.native = i < fns.size() ? fns[i] : nullptr;
    ++i;
  });
  native_library_ = std::move(library);
}

bool CompiledSystem::property_holds(int p, const int32_t* state, ModelError* error) const {
  return predicate_holds(properties_[p], p, state, error);
}

bool CompiledSystem::trigger_holds(int p, const int32_t* state, ModelError* error) const {
  return triggers_[p].instrs.empty() || predicate_holds(triggers_[p], p, state, error);
}

bool CompiledSystem::predicate_holds(const Code& code, int p, const int32_t* state, ModelError* error) const {
  ExecContext ctx;
  ctx.state = const_cast<int32_t*>(state);  // property code only loads
  ExecStatus st = run_code(code, ctx);
  if (st != ExecStatus::Ok && error) {
    *error = ModelError{};
    error->property = p;
    error->status = st;
    error->where = code.ranges[ctx.error_pc];
    error->value = ctx.error_value;
  }
  return st == ExecStatus::Ok && ctx.result != 0;
}

// Records the first model error of a state's successors: code failed with status st at
// sc.ctx.error_pc. The label is filled in by successors() (inst -2 says it has not been yet).
void CompiledSystem::record_error(Scratch& sc, const Code& code, ExecStatus st) const {
  if (sc.has_error) return;
  sc.has_error = true;
  sc.error = ModelError{};
  sc.error.label.inst = -2;
  sc.error.status = st;
  sc.error.where = code.ranges[sc.ctx.error_pc];
  sc.error.value = sc.ctx.error_value;
}

bool CompiledSystem::exec_body(const RuleInstance& ri, const int32_t* old, int32_t* next, const int32_t* seg,
                               const int32_t* params, Scratch& sc) const {
  ExecContext& ctx = sc.ctx;
  ctx.state = next;
  ctx.old_state = old;
  ctx.seg = seg;
  ctx.params = params;
  ctx.nsent = 0;
  ctx.overflow = 0;
  ExecStatus st = run_code(ri.body, ctx);
  if (st == ExecStatus::Ok) {
    if (ctx.overflow && !faults_.unbounded_loss()) {  // a full channel: a loss, if the budget allows it; blocked otherwise
      int32_t& losses = next[layout_.loss_slot()];
      const int dropped = __builtin_popcount(ctx.overflow);
      if (losses + dropped > faults_.loss) {
        ++sc.capacity_blocked;
        return false;
      }
      losses += dropped;
    }
    if (!ri.monitors.empty() && !run_monitors(ri, seg, sc)) return false;
    sc.label.nsent = ctx.nsent;
    sc.label.overflow = ctx.overflow;
    for (int i = 0; i < ctx.nsent; ++i)
      std::memcpy(sc.label.sent[i], ctx.sent[i], sizeof(int32_t) * layout_.seg_stride());
    return true;
  }
  record_error(sc, ri.body, st);
  return false;
}

// After the body, on the context exec_body set up (state after, state before): the instance's
// monitors, in declaration order; a send monitor once per segment sent (ctx.sent, left as the
// body filled it: monitor code sends nothing). A model error is recorded like the body's.
bool CompiledSystem::run_monitors(const RuleInstance& ri, const int32_t* seg, Scratch& sc) const {
  ExecContext& ctx = sc.ctx;
  const int nsent = ctx.nsent;
  for (const MonitorChunk& chunk : ri.monitors) {
    for (int i = 0; i < (chunk.per_segment ? nsent : 1); ++i) {
      ctx.seg = chunk.per_segment ? ctx.sent[i] : seg;
      const ExecStatus st = run_code(chunk.code, ctx);
      if (st == ExecStatus::Ok) continue;
      record_error(sc, chunk.code, st);
      return false;
    }
  }
  ctx.seg = seg;
  return true;
}

bool CompiledSystem::params_in_range(const RuleInstance& ri, const int32_t* params) const {
  for (size_t k = 0; k < ri.param_ranges.size(); ++k) {
    const auto [lo, hi] = ri.param_ranges[k];
    // A parameter wider than an int32 (a seq of 32 bits) is held as its bit pattern.
    const int64_t v = hi > INT32_MAX ? int64_t{static_cast<uint32_t>(params[k])} : int64_t{params[k]};
    if (v < lo || v > hi) return false;
  }
  return true;
}

bool CompiledSystem::same_segment(const int32_t* s, int chan, int p, int q) const {
  const int32_t* a = s + layout_.seg_base(chan, p);
  const int32_t* b = s + layout_.seg_base(chan, q);
  for (int i = 0, n = layout_.seg_stride(); i < n; ++i)  // a few fields: inline, not a memcmp call
    if (a[i] != b[i]) return false;
  return true;
}

void CompiledSystem::remove_segment(int32_t* s, int chan, int pos) const {
  int& count = s[layout_.chan_count(chan)];
  const int stride = layout_.seg_stride();
  int32_t* base = s + layout_.seg_base(chan, 0);
  std::memmove(base + pos * stride, base + (pos + 1) * stride, sizeof(int32_t) * stride * (count - pos - 1));
  std::fill(base + (count - 1) * stride, base + count * stride, 0);
  --count;
}

bool CompiledSystem::insert_copy(int32_t* s, int chan, int pos) const {
  int& count = s[layout_.chan_count(chan)];
  if (count >= layout_.capacity()) return false;
  const int stride = layout_.seg_stride();
  int32_t* base = s + layout_.seg_base(chan, 0);
  // The copy travels right behind the original (in FIFO order it arrives next).
  std::memmove(base + (pos + 1) * stride, base + pos * stride, sizeof(int32_t) * stride * (count - pos));
  ++count;
  return true;
}

void CompiledSystem::canonicalize(int32_t* s) const {
  if (!faults_.reorder) return;
  const int stride = layout_.seg_stride();
  for (int chan = 0; chan < 2; ++chan) {
    const int count = s[layout_.chan_count(chan)];
    int32_t* base = s + layout_.seg_base(chan, 0);
    // Insertion sort of `count` records (capacity is small).
    for (int i = 1; i < count; ++i) {
      int32_t tmp[kMaxSegFields + 1];
      std::memcpy(tmp, base + i * stride, sizeof(int32_t) * stride);
      int j = i - 1;
      while (j >= 0 && std::lexicographical_compare(tmp, tmp + stride, base + j * stride, base + (j + 1) * stride)) {
        std::memcpy(base + (j + 1) * stride, base + j * stride, sizeof(int32_t) * stride);
        --j;
      }
      std::memcpy(base + (j + 1) * stride, tmp, sizeof(int32_t) * stride);
    }
  }
}

bool CompiledSystem::any_timer_expired(const int32_t* s) const {
  for (int ep = 0; ep < 2; ++ep)
    for (int t = 0; t < layout_.num_timers(); ++t)
      if (s[layout_.timer(ep, t)] == kTimerExpired) return true;
  return false;
}

bool CompiledSystem::any_segment_at_msl(const int32_t* s) const {
  const int age = layout_.seg_stride() - 1;
  for (int chan = 0; chan < 2; ++chan) {
    const int count = s[layout_.chan_count(chan)];
    for (int pos = 0; pos < count; ++pos)
      if (s[layout_.seg_base(chan, pos) + age] >= model_.msl) return true;
  }
  return false;
}

bool CompiledSystem::tick(const int32_t* s, int32_t* next) const {
  const int n = layout_.num_slots();
  std::memcpy(next, s, sizeof(int32_t) * n);
  bool changed = false;
  for (int ep = 0; ep < 2; ++ep)
    for (int t = 0; t < layout_.num_timers(); ++t) {
      int32_t& v = next[layout_.timer(ep, t)];
      if (v >= kTimerBias) {
        --v;  // kTimerBias (0 ticks left) becomes kTimerExpired
        changed = true;
      }
    }
  const int stride = layout_.seg_stride();
  const int age = stride - 1;
  for (int chan = 0; chan < 2; ++chan) {
    int count = next[layout_.chan_count(chan)];
    for (int pos = 0; pos < count;) {
      int32_t* rec = next + layout_.seg_base(chan, pos);
      changed = true;
      if (rec[age] >= model_.msl) {
        remove_segment(next, chan, pos);
        --count;
      } else {
        ++rec[age];
        ++pos;
      }
    }
  }
  // Ageing every record by one and removing some keeps each channel sorted.
  return changed;
}

}  // namespace tcpmc
