#include "transition_relation.hpp"

namespace tcpmc::symbolic {
namespace {

unsigned bits_for(size_t n) {
  unsigned b = 1;
  while ((size_t{1} << b) < n) ++b;
  return b;
}

}  // namespace

TransitionRelation::TransitionRelation(const SlotCodec& codec, Unroller& unroller)
    : codec_(codec), sem_(codec), unroller_(unroller) {
  for (const auto& mo : codec.system().model().monitors) {
    ir::Stmt s;
    s.kind = ir::Stmt::Kind::If;
    s.value = mo.guard;
    s.then_body = mo.body;
    s.range = mo.range;
    monitor_stmts_.push_back(std::move(s));
  }
}

z3::expr TransitionRelation::predicate(const ir::Expr& e, const StateVec& s) const {
  z3::context& c = codec_.ctx();
  StateVec copy = s;
  ExecEnv env;
  env.state = &copy;
  z3::expr error = c.bool_val(false);
  const Val v = sem_.eval(e, env, c.bool_val(true), error);
  return codec_.as_bool(v) && !error;
}

// Records after `pos` move up one place; the last place becomes zero (unused records are zero).
void TransitionRelation::remove_segment(StateVec& s, int chan, int pos) const {
  const StateLayout& L = codec_.system().layout();
  const int stride = L.seg_stride(), cap = L.capacity(), cs = L.chan_count(chan);
  for (int p = pos; p < cap; ++p)
    for (int f = 0; f < stride; ++f) {
      const int slot = L.seg_base(chan, p) + f;
      s[slot] = p + 1 < cap ? s[L.seg_base(chan, p + 1) + f] : codec_.stored_constant(slot, 0);
    }
  s[cs] = s[cs] - codec_.ctx().bv_val(1, codec_.slot(cs).width);
}

// Under reordering, channels are kept sorted (lexicographically over the int32 slots of a
// record): a sorting network of compare-exchanges between neighbours in use.
void TransitionRelation::canonicalize(StateVec& s) const {
  const CompiledSystem& sys = codec_.system();
  if (!sys.faults().reorder) return;
  const StateLayout& L = sys.layout();
  const int stride = L.seg_stride(), cap = L.capacity();
  z3::context& c = codec_.ctx();
  for (int ch = 0; ch < 2; ++ch) {
    const int cs = L.chan_count(ch);
    for (int pass = 0; pass + 1 < cap; ++pass)
      for (int p = 0; p + 1 < cap - pass; ++p) {
        const z3::expr both = z3::ugt(s[cs], c.bv_val(p + 1, codec_.slot(cs).width));
        const z3::expr swap = both && codec_.next_record_less(s, ch, p);
        for (int f = 0; f < stride; ++f) {
          const int a = L.seg_base(ch, p) + f, b = L.seg_base(ch, p + 1) + f;
          const z3::expr x = s[a], y = s[b];
          s[a] = z3::ite(swap, y, x);
          s[b] = z3::ite(swap, x, y);
        }
      }
  }
}

void TransitionRelation::run_monitors(int inst, const ExecEnv& env, const std::vector<Val>* seg,
                                      const std::vector<SentSegment>& sent, z3::expr& error) const {
  const ir::Model& m = codec_.system().model();
  const RuleInstance& ri = codec_.system().instances()[inst];
  z3::context& c = codec_.ctx();
  std::vector<SentSegment> none;
  for (size_t k = 0; k < m.monitors.size(); ++k) {
    const ir::Monitor& mo = m.monitors[k];
    if (!mo.observes(ri.kind)) continue;
    const std::vector<ir::Stmt> one{monitor_stmts_[k]};
    if (mo.event == ir::Monitor::Event::Send) {
      for (const SentSegment& s : sent) {  // once per segment sent, on the path that sent it
        ExecEnv e = env;
        e.seg = &s.fields;
        sem_.exec(one, e, s.guard, error, none);
      }
    } else {
      ExecEnv e = env;
      e.seg = seg;
      sem_.exec(one, e, c.bool_val(true), error, none);
    }
  }
}

// A rule instance fires from `s` (guard already part of `enabled`): the body runs on `start`
// (s, less the segment taken or with the timer stopped), then the capacity charge, then monitors.
void TransitionRelation::add_rule_action(std::vector<Action>& out, int inst, const StateVec& s,
                                         const std::vector<Val>* seg, const StateVec& start, const z3::expr& reached,
                                         const z3::expr& guard, const z3::expr& guard_error, Label::Kind kind,
                                         int pos, std::vector<z3::expr> params, std::vector<ValKind> kinds) const {
  const z3::expr enabled = reached && guard && !guard_error;
  const CompiledSystem& sys = codec_.system();
  const RuleInstance& ri = sys.instances()[inst];
  const ir::Rule& rule = sys.model().rules[ri.rule];
  z3::context& c = codec_.ctx();
  std::vector<Val> pvals;
  for (size_t k = 0; k < params.size(); ++k)
    pvals.push_back(kinds[k] == ValKind::Bool ? Val{params[k] == codec_.int_const(1), ValKind::Bool}
                                              : Val{params[k], kinds[k]});
  StateVec next = start;
  ExecEnv env;
  env.state = &next;
  env.old = &s;
  env.seg = seg;
  env.params = &pvals;
  env.ep = ri.ep;
  env.rule = ri.rule;
  z3::expr error = c.bool_val(false);
  std::vector<SentSegment> sent;
  sem_.exec(rule.body, env, c.bool_val(true), error, sent);
  // Segments dropped at a full channel are losses; beyond the budget the firing is blocked.
  z3::expr capacity_ok = c.bool_val(true);
  if (!sent.empty() && !sys.faults().unbounded_loss()) {
    const int ls = sys.layout().loss_slot();
    z3::expr dropped = codec_.int_const(0);
    for (const SentSegment& x : sent)
      dropped = dropped + z3::ite(x.guard && x.overflow, codec_.int_const(1), codec_.int_const(0));
    const z3::expr losses = codec_.as_int(codec_.load(ls, next[ls])) + dropped;
    capacity_ok = z3::sle(losses, codec_.int_const(sys.faults().loss));
    next[ls] = codec_.store(ls, {losses, ValKind::Int});
  }
  run_monitors(inst, env, seg, sent, error);
  if (!sent.empty()) canonicalize(next);
  Action a{kind,
           ri.ep,
           inst,
           pos,
           enabled && !error && capacity_ok,
           enabled && !error && !capacity_ok,
           (reached && guard_error) || (enabled && error),
           std::move(next),
           std::move(params),
           std::move(kinds)};
  out.push_back(std::move(a));
}

std::vector<Action> TransitionRelation::actions_from(const StateVec& s, const std::string& tag) const {
  const CompiledSystem& sys = codec_.system();
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  z3::context& c = codec_.ctx();
  const z3::expr T = c.bool_val(true), F = c.bool_val(false);
  std::vector<Action> out;
  const auto& insts = sys.instances();
  auto guard_of = [&](int inst, StateVec& state, const std::vector<Val>* seg, const std::vector<Val>* params,
                      z3::expr& error, const z3::expr& pc) {
    ExecEnv env;
    env.state = &state;
    env.seg = seg;
    env.params = params;
    env.ep = insts[inst].ep;
    env.rule = insts[inst].rule;
    return codec_.as_bool(sem_.eval(m.rules[insts[inst].rule].guard, env, pc, error));
  };

  // 1. Application calls: each parameter a free variable within its type.
  for (size_t ii = 0; ii < insts.size(); ++ii) {
    if (insts[ii].kind != ir::Rule::Kind::Call) continue;
    const ir::Rule& rule = m.rules[insts[ii].rule];
    std::vector<z3::expr> params;
    std::vector<ValKind> kinds;
    std::vector<Val> pvals;
    z3::expr in_range = T;
    for (size_t k = 0; k < rule.params.size(); ++k) {
      const ir::Type& t = rule.params[k].type;
      const std::string name = tag + "." + rule.name + (insts[ii].ep ? ".B." : ".A.") + rule.params[k].name;
      if (t.kind == ir::Type::Kind::Seq) {
        params.push_back(c.bv_const(name.c_str(), codec_.seq_bits()));
        kinds.push_back(ValKind::Seq);
        pvals.push_back({params.back(), ValKind::Seq});
      } else {
        params.push_back(c.bv_const(name.c_str(), codec_.int_bits()));
        in_range = in_range && z3::sle(codec_.int_const(t.lo), params.back()) &&
                   z3::sle(params.back(), codec_.int_const(t.hi));
        const bool boolean = t.kind == ir::Type::Kind::Bool;
        kinds.push_back(boolean ? ValKind::Bool : ValKind::Int);
        pvals.push_back(boolean ? Val{params.back() == codec_.int_const(1), ValKind::Bool}
                                : Val{params.back(), ValKind::Int});
      }
    }
    StateVec guard_state = s;
    z3::expr error = F;
    const z3::expr g = guard_of(static_cast<int>(ii), guard_state, nullptr, &pvals, error, T);
    add_rule_action(out, static_cast<int>(ii), s, nullptr, s, in_range, g, error, Label::Kind::Call, -1,
                    std::move(params), std::move(kinds));
  }

  // 2. Arrivals at `ep` from the channel peer -> ep: the first recv rule whose guard holds takes
  // the segment; none: it is consumed unhandled. A guard that fails stops the arrival.
  const bool reorder = sys.faults().reorder;
  for (int ep = 0; ep < 2; ++ep) {
    const int chan = 1 - ep, cs = L.chan_count(chan);
    const unsigned cw = codec_.slot(cs).width;
    for (int pos = 0; pos < (reorder ? L.capacity() : 1); ++pos) {
      const z3::expr present = z3::ugt(s[cs], c.bv_val(pos, cw));
      const std::vector<Val> seg = codec_.segment_at(s, chan, pos);
      StateVec start = s;
      remove_segment(start, chan, pos);
      z3::expr none_before = T, error = F;
      for (size_t ii = 0; ii < insts.size(); ++ii) {
        if (insts[ii].kind != ir::Rule::Kind::Recv || insts[ii].ep != ep) continue;
        StateVec guard_state = s;
        const z3::expr g = guard_of(static_cast<int>(ii), guard_state, &seg, nullptr, error, none_before);
        add_rule_action(out, static_cast<int>(ii), s, &seg, start, present && none_before, g, error,
                        Label::Kind::Recv, pos, {}, {});
        none_before = none_before && !g;
      }
      Action a{Label::Kind::Unhandled, ep, -1, pos, present && none_before && !error, F, present && error, start, {}, {}};
      out.push_back(std::move(a));
    }
  }

  // 3. Timeouts of expired timers.
  for (size_t ii = 0; ii < insts.size(); ++ii) {
    if (insts[ii].kind != ir::Rule::Kind::Timeout) continue;
    const int ts = insts[ii].timer_slot;
    z3::expr error = F;
    StateVec guard_state = s;
    const z3::expr g = guard_of(static_cast<int>(ii), guard_state, nullptr, nullptr, error, T);
    StateVec start = s;
    start[ts] = codec_.stored_constant(ts, kTimerStopped);
    add_rule_action(out, static_cast<int>(ii), s, nullptr, start, s[ts] == codec_.stored_constant(ts, kTimerExpired),
                    g, error, Label::Kind::Timeout, -1, {}, {});
  }

  // 4. Loss and duplication within their budgets.
  const ir::FaultBudget& faults = sys.faults();
  const int ls = L.loss_slot(), ds = L.dup_slot();
  const z3::expr losses = codec_.as_int(codec_.load(ls, s[ls])), dups = codec_.as_int(codec_.load(ds, s[ds]));
  for (int chan = 0; chan < 2; ++chan) {
    const int cs = L.chan_count(chan);
    const unsigned cw = codec_.slot(cs).width;
    for (int pos = 0; pos < L.capacity(); ++pos) {
      const z3::expr present = z3::ugt(s[cs], c.bv_val(pos, cw));
      if (faults.unbounded_loss() || faults.loss > 0) {
        StateVec next = s;
        remove_segment(next, chan, pos);
        z3::expr can = present;
        if (!faults.unbounded_loss()) {
          can = can && z3::slt(losses, codec_.int_const(faults.loss));
          next[ls] = codec_.store(ls, {losses + codec_.int_const(1), ValKind::Int});
        }
        out.push_back(Action{Label::Kind::Loss, chan, -1, pos, can, F, F, std::move(next), {}, {}});
      }
      if (faults.dup > 0) {
        StateVec next = s;
        // The copy travels right behind its original.
        for (int p = L.capacity() - 1; p > pos; --p)
          for (int f = 0; f < L.seg_stride(); ++f) next[L.seg_base(chan, p) + f] = s[L.seg_base(chan, p - 1) + f];
        next[cs] = s[cs] + c.bv_val(1, cw);
        next[ds] = codec_.store(ds, {dups + codec_.int_const(1), ValKind::Int});
        const z3::expr can = present && z3::ult(s[cs], c.bv_val(L.capacity(), cw)) &&
                             z3::slt(dups, codec_.int_const(faults.dup));
        out.push_back(Action{Label::Kind::Dup, chan, -1, pos, can, F, F, std::move(next), {}, {}});
      }
    }
  }

  // 5. Tick: not while a timer has expired or a segment has reached MSL; only if it changes
  // something (a timer runs or a segment is in flight).
  {
    StateVec next = s;
    z3::expr quiet = T, changes = F;
    for (int ep = 0; ep < 2; ++ep)
      for (int t = 0; t < L.num_timers(); ++t) {
        const int ts = L.timer(ep, t);
        const z3::expr running = z3::uge(s[ts], codec_.stored_constant(ts, kTimerBias));
        quiet = quiet && s[ts] != codec_.stored_constant(ts, kTimerExpired);
        changes = changes || running;
        next[ts] = z3::ite(running, s[ts] - c.bv_val(1, codec_.slot(ts).width), s[ts]);
      }
    const int age = L.seg_stride() - 1;
    for (int chan = 0; chan < 2; ++chan) {
      const int cs = L.chan_count(chan);
      const unsigned cw = codec_.slot(cs).width;
      changes = changes || s[cs] != c.bv_val(0, cw);
      for (int pos = 0; pos < L.capacity(); ++pos) {
        const int as = L.seg_base(chan, pos) + age;
        const z3::expr present = z3::ugt(s[cs], c.bv_val(pos, cw));
        quiet = quiet && !(present && z3::uge(s[as], codec_.stored_constant(as, m.msl)));
        next[as] = z3::ite(present, s[as] + c.bv_val(1, codec_.slot(as).width), s[as]);
      }
    }
    out.push_back(Action{Label::Kind::Tick, 0, -1, -1, quiet && changes, F, F, std::move(next), {}, {}});
  }
  return out;
}

const StateVec& TransitionRelation::state(size_t i) {
  while (unroller_.size() <= i) step(unroller_.size() - 1);
  return unroller_.frame(i);
}

const Step& TransitionRelation::step(size_t i) {
  while (steps_.size() <= i) {
    const size_t k = steps_.size();
    const StateVec& s = unroller_.frame(k);
    z3::context& c = codec_.ctx();
    std::vector<Action> actions = actions_from(s, "p" + std::to_string(k));
    const unsigned w = bits_for(actions.size());
    z3::expr sel = c.bv_const(("act" + std::to_string(k)).c_str(), w);
    z3::expr_vector parts(c);
    if (actions.size() < (size_t{1} << w)) parts.push_back(z3::ult(sel, c.bv_val(actions.size(), w)));
    for (size_t a = 0; a < actions.size(); ++a) parts.push_back(z3::implies(sel == c.bv_val(a, w), actions[a].fires));
    // Each slot of the next state: the value the selected action gives it (actions that leave
    // it alone share the last branch).
    const StateVec& t = unroller_.push();
    for (int j = 0; j < codec_.num_slots(); ++j) {
      z3::expr v = s[j];
      for (size_t a = actions.size(); a-- > 0;)
        if (!z3::eq(actions[a].next[j], s[j])) v = z3::ite(sel == c.bv_val(a, w), actions[a].next[j], v);
      parts.push_back(t[j] == v);
    }
    auto st = std::make_unique<Step>(Step{std::move(actions), sel, z3::mk_and(parts)});
    steps_.push_back(std::move(st));
  }
  return *steps_[i];
}

z3::expr TransitionRelation::fails(size_t i) {
  const Step& st = step(i);
  z3::expr_vector any(codec_.ctx());
  for (const Action& a : st.actions) any.push_back(a.fails);
  return z3::mk_or(any);
}

z3::expr TransitionRelation::can_move(size_t i) {
  const Step& st = step(i);
  z3::expr_vector any(codec_.ctx());
  for (const Action& a : st.actions) any.push_back(a.fires || a.blocked);
  return z3::mk_or(any);
}

uint64_t TransitionRelation::parameter_combinations(const ir::Rule& rule) {
  uint64_t combos = 1;
  for (const auto& p : rule.params) {
    const uint64_t n = static_cast<uint64_t>(p.type.hi - p.type.lo) + 1;
    if (n > kMaxEnumerated || combos * n > kMaxEnumerated) return kMaxEnumerated + 1;
    combos *= n;
  }
  return combos;
}

z3::expr TransitionRelation::stuck(size_t i) {
  const Step& st = step(i);
  z3::context& c = codec_.ctx();
  const CompiledSystem& sys = codec_.system();
  // No action can move whatever its parameters: parameters with few values are enumerated (the
  // formula stays quantifier-free); the others (sequence numbers) are quantified.
  z3::expr_vector none(c), bound(c);
  for (const Action& a : st.actions) {
    const z3::expr moves = a.fires || a.blocked;
    if (a.params.empty()) {
      none.push_back(!moves);
      continue;
    }
    const ir::Rule& rule = sys.model().rules[sys.instances()[a.inst].rule];
    if (parameter_combinations(rule) > kMaxEnumerated) {
      for (const z3::expr& p : a.params) bound.push_back(p);
      none.push_back(!moves);
      continue;
    }
    std::vector<int64_t> v(a.params.size());
    for (size_t k = 0; k < v.size(); ++k) v[k] = rule.params[k].type.lo;
    for (;;) {
      z3::expr_vector from(c), to(c);
      for (size_t k = 0; k < v.size(); ++k) {
        from.push_back(a.params[k]);
        to.push_back(c.bv_val(v[k], a.params[k].get_sort().bv_size()));
      }
      none.push_back(!z3::expr(moves).substitute(from, to));
      size_t k = 0;
      for (; k < v.size() && ++v[k] > rule.params[k].type.hi; ++k) v[k] = rule.params[k].type.lo;
      if (k == v.size()) break;
    }
  }
  if (bound.empty()) return z3::mk_and(none);
  quantified_ = true;
  return z3::forall(bound, z3::mk_and(none));
}

}  // namespace tcpmc::symbolic
