#include "ir_semantics.hpp"

#include <stdexcept>

namespace tcpmc::symbolic {
namespace {

using Op = ir::Expr::Op;

}  // namespace

IrSemantics::IrSemantics(const SlotCodec& codec)
    : codec_(codec), c_(codec.ctx()), m_(codec.system().model()), L_(codec.system().layout()) {}

int IrSemantics::endpoint(const ir::Expr& e, const ExecEnv& env) const {
  switch (e.who) {
    case ir::Who::A: return 0;
    case ir::Who::B: return 1;
    case ir::Who::Self:
      if (env.ep < 0) throw std::logic_error("symbolic: self reference outside a rule");
      return env.ep;
    case ir::Who::Peer:
      if (env.ep < 0) throw std::logic_error("symbolic: peer reference outside a rule");
      return 1 - env.ep;
  }
  return 0;
}

Val IrSemantics::eval(const ir::Expr& e, const ExecEnv& env, const z3::expr& pc, z3::expr& error) const {
  return eval_in(e, env, false, pc, error);
}

Val IrSemantics::eval_in(const ir::Expr& e, const ExecEnv& env, bool old, const z3::expr& pc, z3::expr& error) const {
  auto fail_if = [&](const z3::expr& cond) { error = error || (pc && cond); };
  auto read = [&](int slot) { return codec_.load(slot, old ? (*env.old)[slot] : (*env.state)[slot]); };
  const unsigned n = codec_.seq_bits();
  switch (e.op) {
    case Op::Const:
      switch (kind_of(e.type)) {
        case ValKind::Bool: return {c_.bool_val(e.value != 0), ValKind::Bool};
        case ValKind::Seq: return {c_.bv_val(static_cast<uint64_t>(e.value), n), ValKind::Seq};
        case ValKind::Int: return {codec_.int_const(e.value), ValKind::Int};
      }
      break;
    case Op::EpVar: return read(L_.ep_var(endpoint(e, env), e.index));
    case Op::GlobalVar: return read(L_.global_var(e.index));
    case Op::SegField: return (*env.seg)[e.index];
    case Op::SegAge: return (*env.seg)[L_.num_seg_fields()];
    case Op::InFlight: {
      // The body at every record in use: records are in use from the front, up to the count.
      const StateVec& s = old ? *env.old : *env.state;
      const int chan = endpoint(e, env), cs = L_.chan_count(chan);
      const unsigned cw = codec_.slot(cs).width;
      z3::expr all = c_.bool_val(true);
      for (int p = 0; p < L_.capacity(); ++p) {
        const std::vector<Val> rec = codec_.segment_at(s, chan, p, true);
        ExecEnv at = env;
        at.seg = &rec;
        const z3::expr used = z3::ugt(s[cs], c_.bv_val(p, cw));
        all = all && z3::implies(used, codec_.as_bool(eval_in(e.args[0], at, old, pc && used, error)));
      }
      return {all, ValKind::Bool};
    }
    case Op::Param: return (*env.params)[e.index];
    case Op::SelfId:
      if (env.ep < 0) throw std::logic_error("symbolic: self outside a rule");
      return {codec_.int_const(env.ep), ValKind::Int};
    case Op::TimerExpired:
    case Op::TimerRunning: {
      const int slot = L_.timer(endpoint(e, env), e.index);
      const z3::expr t = codec_.as_int(read(slot));
      if (e.op == Op::TimerExpired) return {t == codec_.int_const(kTimerExpired), ValKind::Bool};
      return {z3::sle(codec_.int_const(kTimerBias), t), ValKind::Bool};
    }
    case Op::FaultsLeft: {
      const z3::expr used = codec_.as_int(read(e.index == 0 ? L_.loss_slot() : L_.dup_slot()));
      return {codec_.int_const(L_.fault_budget(e.index)) - used, ValKind::Int};
    }
    case Op::TimerTicksLeft: {
      const z3::expr t = codec_.as_int(read(L_.timer(endpoint(e, env), e.index)));
      const z3::expr bias = codec_.int_const(kTimerBias);
      return {z3::ite(z3::sle(bias, t), t - bias, codec_.int_const(0)), ValKind::Int};
    }
    case Op::Old: return eval_in(e.args[0], env, true, pc, error);
    case Op::RuleIs: return {c_.bool_val(e.index == env.rule), ValKind::Bool};
    case Op::Not: return {!codec_.as_bool(eval_in(e.args[0], env, old, pc, error)), ValKind::Bool};
    case Op::Neg: {
      z3::expr a = codec_.as_int(eval_in(e.args[0], env, old, pc, error));
      fail_if(!z3::bvneg_no_overflow(a));
      return {-a, ValKind::Int};
    }
    case Op::And:
    case Op::Or:
    case Op::Implies: {
      z3::expr a = codec_.as_bool(eval_in(e.args[0], env, old, pc, error));
      // The right operand is evaluated only where the left one does not decide.
      const z3::expr goes_on = e.op == Op::Or ? !a : a;
      z3::expr b = codec_.as_bool(eval_in(e.args[1], env, old, pc && goes_on, error));
      if (e.op == Op::And) return {a && b, ValKind::Bool};
      if (e.op == Op::Or) return {a || b, ValKind::Bool};
      return {!a || b, ValKind::Bool};
    }
    case Op::Ite: {
      z3::expr cond = codec_.as_bool(eval_in(e.args[0], env, old, pc, error));
      Val t = eval_in(e.args[1], env, old, pc && cond, error);
      Val f = eval_in(e.args[2], env, old, pc && !cond, error);
      switch (kind_of(e.type)) {
        case ValKind::Bool: return {z3::ite(cond, codec_.as_bool(t), codec_.as_bool(f)), ValKind::Bool};
        case ValKind::Seq: return {z3::ite(cond, codec_.as_seq(t), codec_.as_seq(f)), ValKind::Seq};
        case ValKind::Int: return {z3::ite(cond, codec_.as_int(t), codec_.as_int(f)), ValKind::Int};
      }
      break;
    }
    default: break;
  }
  const Val va = eval_in(e.args[0], env, old, pc, error);
  const Val vb = eval_in(e.args[1], env, old, pc, error);
  switch (e.op) {
    case Op::SeqAdd: return {codec_.as_seq(va) + codec_.as_seq(vb), ValKind::Seq};
    case Op::SeqSub: return {codec_.as_seq(va) - codec_.as_seq(vb), ValKind::Seq};
    case Op::SeqDist: return {codec_.as_int({codec_.as_seq(va) - codec_.as_seq(vb), ValKind::Seq}), ValKind::Int};
    case Op::SeqLt:
    case Op::SeqLe: {
      // a < b iff (b - a) mod 2^n lies in 1 .. 2^(n-1)-1; a <= b also when it is 0.
      const z3::expr d = codec_.as_seq(vb) - codec_.as_seq(va);
      const z3::expr half = c_.bv_val(uint64_t{1} << (n - 1), n);
      if (e.op == Op::SeqLe) return {z3::ult(d, half), ValKind::Bool};
      return {d != c_.bv_val(0, n) && z3::ult(d, half), ValKind::Bool};
    }
    case Op::Eq:
    case Op::Ne: {
      z3::expr eq = c_.bool_val(true);
      if (va.kind == ValKind::Bool && vb.kind == ValKind::Bool)
        eq = va.e == vb.e;
      else if (va.kind == ValKind::Seq && vb.kind == ValKind::Seq)
        eq = va.e == vb.e;
      else
        eq = codec_.as_int(va) == codec_.as_int(vb);
      return {e.op == Op::Eq ? eq : !eq, ValKind::Bool};
    }
    default: break;
  }
  const z3::expr a = codec_.as_int(va), b = codec_.as_int(vb);
  switch (e.op) {
    case Op::Lt: return {z3::slt(a, b), ValKind::Bool};
    case Op::Le: return {z3::sle(a, b), ValKind::Bool};
    case Op::Add:
      fail_if(!(z3::bvadd_no_overflow(a, b, true) && z3::bvadd_no_underflow(a, b)));
      return {a + b, ValKind::Int};
    case Op::Sub:
      fail_if(!(z3::bvsub_no_overflow(a, b) && z3::bvsub_no_underflow(a, b, true)));
      return {a - b, ValKind::Int};
    case Op::Mul:
      fail_if(!(z3::bvmul_no_overflow(a, b, true) && z3::bvmul_no_underflow(a, b)));
      return {a * b, ValKind::Int};
    case Op::Div:
    case Op::Mod: {
      const z3::expr zero = codec_.int_const(0);
      fail_if(b == zero);
      fail_if(a == codec_.int_min() && b == codec_.int_const(-1));
      // C's / and % truncate toward zero, as bvsdiv and bvsrem do.
      return {e.op == Op::Div ? a / b : z3::srem(a, b), ValKind::Int};
    }
    default: break;
  }
  throw std::logic_error("symbolic: unexpected operator");
}

void IrSemantics::assign(int slot, const Val& v, const ExecEnv& env, const z3::expr& pc, z3::expr& error) const {
  const SlotInfo& s = codec_.slot(slot);
  if (s.kind == ValKind::Int) {
    const z3::expr x = codec_.as_int(v);
    error = error || (pc && !(z3::sle(codec_.int_const(s.lo), x) && z3::sle(x, codec_.int_const(s.hi))));
  }
  (*env.state)[slot] = codec_.store(slot, v);
}

void IrSemantics::send(const ir::Stmt& st, const ExecEnv& env, const z3::expr& pc, z3::expr& error,
                       std::vector<SentSegment>& sent) const {
  const int nf = static_cast<int>(m_.seg_fields.size());
  std::vector<Val> fields;
  for (int f = 0; f < nf; ++f) {
    const ir::Expr* v = nullptr;
    for (const auto& [fi, fe] : st.fields)
      if (fi == f) v = &fe;
    const ir::Type& t = m_.seg_fields[f].type;
    if (!v) {  // unset: 0 (false), whatever the declared range
      fields.push_back(t.kind == ir::Type::Kind::Bool ? Val{c_.bool_val(false), ValKind::Bool}
                       : t.kind == ir::Type::Kind::Seq ? Val{c_.bv_val(0, codec_.seq_bits()), ValKind::Seq}
                                                       : Val{codec_.int_const(0), ValKind::Int});
      continue;
    }
    Val x = eval(*v, env, pc, error);
    if (t.kind == ir::Type::Kind::Seq) {
      x = {codec_.as_seq(x), ValKind::Seq};
    } else if (t.kind == ir::Type::Kind::Bool) {
      x = {codec_.as_bool(x), ValKind::Bool};
    } else {
      const z3::expr i = codec_.as_int(x);
      error = error || (pc && !(z3::sle(codec_.int_const(t.lo), i) && z3::sle(i, codec_.int_const(t.hi))));
      x = {i, ValKind::Int};
    }
    fields.push_back(x);
  }
  StateVec& s = *env.state;
  const int cs = L_.chan_count(env.ep), cap = L_.capacity();
  const unsigned cw = codec_.slot(cs).width;
  const z3::expr count = s[cs];
  const z3::expr full = z3::uge(count, c_.bv_val(cap, cw));
  for (int p = 0; p < cap; ++p) {
    const z3::expr here = count == c_.bv_val(p, cw);
    const int base = L_.seg_base(env.ep, p);
    for (int f = 0; f < nf; ++f) s[base + f] = z3::ite(here, codec_.store(base + f, fields[f]), s[base + f]);
    s[base + nf] = z3::ite(here, codec_.stored_constant(base + nf, 0), s[base + nf]);
  }
  s[cs] = z3::ite(full, count, count + c_.bv_val(1, cw));
  sent.push_back({pc, std::move(fields), full});
}

void IrSemantics::exec(const std::vector<ir::Stmt>& body, const ExecEnv& env, const z3::expr& pc, z3::expr& error,
                       std::vector<SentSegment>& sent) const {
  for (const ir::Stmt& st : body) {
    switch (st.kind) {
      case ir::Stmt::Kind::AssignEp:
        assign(L_.ep_var(env.ep, st.index), eval(st.value, env, pc, error), env, pc, error);
        break;
      case ir::Stmt::Kind::AssignGlobal:
        assign(L_.global_var(st.index), eval(st.value, env, pc, error), env, pc, error);
        break;
      case ir::Stmt::Kind::Send: send(st, env, pc, error, sent); break;
      case ir::Stmt::Kind::TimerStart: {
        const int slot = L_.timer(env.ep, st.index);
        (*env.state)[slot] = codec_.stored_constant(slot, static_cast<int32_t>(st.value.value) + kTimerBias);
        break;
      }
      case ir::Stmt::Kind::TimerStop: {
        const int slot = L_.timer(env.ep, st.index);
        (*env.state)[slot] = codec_.stored_constant(slot, kTimerStopped);
        break;
      }
      case ir::Stmt::Kind::If: {
        const z3::expr cond = codec_.as_bool(eval(st.value, env, pc, error));
        StateVec then_state = *env.state, else_state = *env.state;
        ExecEnv then_env = env, else_env = env;
        then_env.state = &then_state;
        else_env.state = &else_state;
        exec(st.then_body, then_env, pc && cond, error, sent);
        exec(st.else_body, else_env, pc && !cond, error, sent);
        StateVec& s = *env.state;
        for (size_t j = 0; j < s.size(); ++j) {
          if (z3::eq(then_state[j], else_state[j]))
            s[j] = then_state[j];
          else
            s[j] = z3::ite(cond, then_state[j], else_state[j]);
        }
        break;
      }
    }
  }
}

}  // namespace tcpmc::symbolic
