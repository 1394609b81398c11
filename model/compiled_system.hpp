// The compiled transition system: the narrow interface between a model and the engines.
//
// Engines see only this: the state layout, the initial state, the successors of a state (each
// with a Label saying which rule fired, with what parameters, on which segment), and property
// predicates. It is built from the typed IR and a run's fault budget. Successor generation runs
// compiled bytecode over unpacked states and a caller-owned Scratch: no allocation and no virtual
// call per state; `successors` is a template so the engine's callback inlines.
//
// Semantics (see model/LANGUAGE.md): application calls, segment arrival (first matching recv rule
// takes the segment; any in-flight segment with reordering, the oldest without), urgent timeouts,
// loss and duplication within their budgets, and a tick that ages segments and counts timers down,
// only when no timer has expired and no segment has reached MSL (delay is bounded: a segment
// arrives within MSL ticks unless the network loses it), and only if it changes something.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bytecode.hpp"
#include "ir.hpp"
#include "state_layout.hpp"

namespace tcpmc {

// Monitor code compiled for one rule instance: consecutive non-send monitors share one chunk,
// run once; each send monitor is a chunk of its own, run once per segment the firing sent (with
// that segment as ExecContext::seg), so that monitors run in declaration order.
struct MonitorChunk {
  Code code;
  bool per_segment = false;
};

// Why the explicit engines (explicit search, liveness, simulation) cannot check model `m`, or
// nullopt when they can: they enumerate every call rule's parameter values in every state, so
// every parameter must range over at most kMaxParamValues values and the combinations stay within
// kMaxParamCombinations per rule and kMaxTotalParamCombinations in all (limits.hpp). The type
// checker enforces that for integer and enum parameters; a seq parameter (a free choice of a
// sequence number, 2^SEQ_BITS values) is checked only here, as the symbolic engines take it as
// it is. The message names the rule and the parameter; `rule`, when given, is set to the rule's
// index. CompiledSystem::successors needs a model without a problem; fire() takes any.
std::optional<std::string> explicit_enumeration_problem(const ir::Model& m, int* rule = nullptr);

struct RuleInstance {
  int rule = -1;   // index into model.rules
  int ep = 0;      // 0 = A, 1 = B
  ir::Rule::Kind kind = ir::Rule::Kind::Call;
  Code guard, body;
  std::vector<MonitorChunk> monitors;  // the monitors observing this instance; empty: none runs
  int timer_slot = -1;  // Timeout
  std::vector<std::pair<int64_t, int64_t>> param_ranges;  // each parameter's type, lo..hi
};

struct Label {
  enum class Kind : uint8_t { Call, Recv, Unhandled, Timeout, Loss, Dup, Tick };
  Kind kind = Kind::Tick;
  uint8_t ep = 0;     // acting endpoint (Call/Recv/Timeout), or the channel's sender (Loss/Dup)
  int inst = -1;      // rule instance (Call/Recv/Timeout)
  int32_t params[kMaxParams] = {0, 0, 0, 0};
  int pos = -1;       // segment position in its channel (Recv/Unhandled/Loss/Dup)
  int32_t seg[kMaxSegFields + 1];  // the segment taken, lost or duplicated (fields, age)
  int nsent = 0;
  int32_t sent[kMaxSends][kMaxSegFields + 1];
  uint8_t overflow = 0;  // bit i: sent[i] was lost because its channel was full (charged to the loss budget)
};

// A model error met while computing a successor: a value out of its declared range or a division by zero.
struct ModelError {
  Label label;        // the transition whose guard or effect failed (when property < 0)
  int property = -1;  // or the property whose evaluation failed
  ExecStatus status = ExecStatus::Ok;
  SourceRange where;
  int64_t value = 0;
};

struct Scratch {
  std::vector<int32_t> next;
  ExecContext ctx;
  Label label;
  int32_t params[kMaxParams];
  bool has_error = false;
  ModelError error;
  // Set by successors(): how many transitions of this state a full channel blocked (their sends
  // would have exceeded the capacity with the loss budget already spent).
  uint32_t capacity_blocked = 0;
  // Set by successors(): some timer has expired but no timeout rule takes it here, so time stands
  // still in this state (timeouts are urgent) until some other move changes that.
  bool time_frozen = false;
};

class CompiledSystem {
 public:
  CompiledSystem(const ir::Model& model, const ir::FaultBudget& faults);

  const ir::Model& model() const { return model_; }
  const ir::FaultBudget& faults() const { return faults_; }
  const StateLayout& layout() const { return layout_; }
  const std::vector<RuleInstance>& instances() const { return instances_; }
  int state_slot(int ep) const { return layout_.ep_var(ep, model_.state_var); }

  void initial_state(int32_t* out) const;
  Scratch make_scratch() const;

  // Every piece of code the system runs (guards, bodies, monitors, property predicates), in a
  // fixed order: the order attach_native takes machine code for them in.
  std::vector<const Code*> codes() const;
  // Makes run_code call fns[i] for codes()[i] (a null entry keeps that code interpreted) and
  // the layout pack and unpack with `pack` and `unpack` (when not null); `library` is what keeps
  // the functions loaded, held for as long as this system lives.
  void attach_native(const std::vector<NativeCode>& fns, StateLayout::NativePack pack,
                     StateLayout::NativeUnpack unpack, std::shared_ptr<const void> library);

  // Every property's predicate and trigger on an unpacked state in one call, as native code
  // (checker/native/) provides it: out[2p] = property_holds(p), out[2p + 1] = trigger_holds(p).
  // Returns false, with `out` unspecified, when there is no such code or some evaluation fails;
  // property_holds and trigger_holds then say which and why.
  using NativePredicates = int (*)(const int32_t* state, uint8_t* out);
  bool has_native_predicates() const { return native_predicates_ != nullptr; }
  bool all_predicates(const int32_t* state, uint8_t* out) const { return native_predicates_(state, out) < 0; }
  // What all_predicates computes: per property p, at 2p the index in codes() of its predicate and
  // at 2p + 1 that of its trigger (-1: none, which holds).
  std::vector<int> predicate_codes() const;
  void attach_native_predicates(NativePredicates f) { native_predicates_ = f; }

  // Evaluates property p's predicate on an unpacked state. If the evaluation itself fails (a
  // division by zero), returns false and, when `error` is given, describes the failure there.
  bool property_holds(int p, const int32_t* state, ModelError* error = nullptr) const;
  // The state slots property p's predicate reads: property_holds(p) is the same on two states that
  // agree on them.
  std::vector<int> property_reads(int p) const { return loaded_slots(properties_[p]); }
  // The same for the trigger P of a leadsto property `P ~> Q` (property_holds evaluates Q); true
  // for every other property.
  bool trigger_holds(int p, const int32_t* state, ModelError* error = nullptr) const;

  // Calls emit(const Label&, const int32_t* next) for every successor of `state`, in a fixed
  // order. A model error stops nothing: it is recorded in scratch.error (first one only) and
  // that transition is skipped; engines report it. A send into a full channel is a loss charged
  // to the loss budget; with the budget spent the transition is blocked (counted in
  // scratch.capacity_blocked), so that the capacity bound never adds losses beyond the budget.
  // Needs a model the explicit engines accept (explicit_enumeration_problem): it enumerates
  // every call's parameter values.
  template <class Emit>
  void successors(const int32_t* state, Scratch& sc, Emit&& emit) const;

  // The transition `label` names, from `state`, without enumerating anything: calls emit (as
  // successors does) with the successor that successors would emit with the same kind, endpoint,
  // instance, parameters and position, or not at all when there is none (the rule's guard is
  // false there, the label's parameters lie outside their types, no segment is at that position,
  // a fault budget is spent, a model error...). Which fields of `label` it reads: Call: inst and
  // params (the instance's number of them; a seq parameter of 32 bits as its bit pattern);
  // Recv/Unhandled: ep (the receiver) and pos, the segment at pos in the channel toward ep going
  // to the first recv rule that takes it, as in successors (so the label emitted may be
  // Unhandled for a Recv asked, or the other way round); Timeout: inst; Loss/Dup: ep (the
  // channel's sender) and pos; Tick: nothing. Works for any model, a seq parameter of 32 bits
  // included.
  template <class Emit>
  void fire(const int32_t* state, const Label& label, Scratch& sc, Emit&& emit) const;

 private:
  bool predicate_holds(const Code& code, int p, const int32_t* state, ModelError* error) const;
  template <class F>
  void for_each_code(F&& f);  // f(Code&), in codes()' order
  const ir::Model& model_;
  ir::FaultBudget faults_;
  std::shared_ptr<const void> native_library_;  // (attach_native)
  NativePredicates native_predicates_ = nullptr;
  StateLayout layout_;
  std::vector<RuleInstance> instances_;
  std::vector<int> calls_, timeouts_;
  std::vector<int> recvs_[2];
  std::vector<Code> properties_;
  std::vector<Code> triggers_;  // per property: LeadsTo's P, empty otherwise

  bool eval_guard(const RuleInstance& ri, const int32_t* state, const int32_t* seg, const int32_t* params,
                  Scratch& sc) const;
  bool exec_body(const RuleInstance& ri, const int32_t* old, int32_t* next, const int32_t* seg, const int32_t* params,
                 Scratch& sc) const;
  void record_error(Scratch& sc, const Code& code, ExecStatus st) const;
  bool run_monitors(const RuleInstance& ri, const int32_t* seg, Scratch& sc) const;
  void canonicalize(int32_t* s) const;
  void remove_segment(int32_t* s, int chan, int pos) const;
  bool insert_copy(int32_t* s, int chan, int pos) const;
  bool tick(const int32_t* s, int32_t* next) const;
  bool any_timer_expired(const int32_t* s) const;
  bool any_segment_at_msl(const int32_t* s) const;
  bool same_segment(const int32_t* s, int chan, int p, int q) const;
  bool params_in_range(const RuleInstance& ri, const int32_t* params) const;

  // One transition each, shared by successors and fire (sc.label is the label they emit).
  // Call instance ii with parameters sc.params.
  template <class Emit>
  void fire_call(const int32_t* s, int ii, Scratch& sc, Emit& emit) const;
  // Arrival at endpoint ep of the segment at `pos` of the channel toward it.
  template <class Emit>
  void fire_arrival(const int32_t* s, int ep, int pos, Scratch& sc, Emit& emit) const;
  // Timeout instance ii; returns whether it is enabled (its timer expired and its guard holds),
  // whether or not a full channel or a model error stopped it.
  template <class Emit>
  bool fire_timeout(const int32_t* s, int ii, Scratch& sc, Emit& emit) const;
  // Loss (when `lose`) and duplication (when `dup`) of the segment at `pos` in channel `chan`.
  template <class Emit>
  void fire_faults(const int32_t* s, int chan, int pos, bool lose, bool dup, Scratch& sc, Emit& emit) const;
  template <class Emit>
  void fire_tick(const int32_t* s, Scratch& sc, Emit& emit) const;
  bool can_lose(const int32_t* s) const {
    return faults_.unbounded_loss() || s[layout_.loss_slot()] < faults_.loss;
  }
  bool can_dup(const int32_t* s) const { return s[layout_.dup_slot()] < faults_.dup; }
  // How many segments may arrive at endpoint ep: any in flight toward it with reordering, else the oldest.
  int arrivable(const int32_t* s, int ep) const {
    const int count = s[layout_.chan_count(1 - ep)];
    return faults_.reorder ? count : (count > 0 ? 1 : 0);
  }
};

// ---------------------------------------------------------------------------------------------
// Inline: called for every guard of every state (a model error is recorded out of line).
inline bool CompiledSystem::eval_guard(const RuleInstance& ri, const int32_t* state, const int32_t* seg,
                                       const int32_t* params, Scratch& sc) const {
  ExecContext& ctx = sc.ctx;
  ctx.state = const_cast<int32_t*>(state);  // guard code only loads
  ctx.seg = seg;
  ctx.params = params;
  const ExecStatus st = run_code(ri.guard, ctx);
  if (st != ExecStatus::Ok) [[unlikely]] {
    record_error(sc, ri.guard, st);
    return false;
  }
  return ctx.result != 0;
}

template <class Emit>
void CompiledSystem::fire_call(const int32_t* s, int ii, Scratch& sc, Emit& emit) const {
  const RuleInstance& ri = instances_[ii];
  const int np = static_cast<int>(ri.param_ranges.size());
  Label& L = sc.label;
  if (eval_guard(ri, s, nullptr, sc.params, sc)) {
    int32_t* next = sc.next.data();
    std::memcpy(next, s, sizeof(int32_t) * layout_.num_slots());
    if (exec_body(ri, s, next, nullptr, sc.params, sc)) {
      L.kind = Label::Kind::Call;
      L.ep = static_cast<uint8_t>(ri.ep);
      L.inst = ii;
      for (int k = 0; k < np; ++k) L.params[k] = sc.params[k];
      L.pos = -1;
      if (L.nsent) canonicalize(next);
      emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
    }
  }
  if (sc.has_error && sc.error.label.inst == -2) {  // the guard or the body failed
    sc.error.label.kind = Label::Kind::Call;
    sc.error.label.ep = static_cast<uint8_t>(ri.ep);
    sc.error.label.inst = ii;
    for (int k = 0; k < np; ++k) sc.error.label.params[k] = sc.params[k];
  }
}

template <class Emit>
void CompiledSystem::fire_arrival(const int32_t* s, int ep, int pos, Scratch& sc, Emit& emit) const {
  const int chan = 1 - ep;
  const int stride = layout_.seg_stride();
  const int32_t* seg = s + layout_.seg_base(chan, pos);
  Label& L = sc.label;
  auto arrival_error = [&](int ii) {
    sc.error.label.kind = Label::Kind::Recv;
    sc.error.label.ep = static_cast<uint8_t>(ep);
    sc.error.label.inst = ii;
    sc.error.label.pos = pos;
    std::memcpy(sc.error.label.seg, seg, sizeof(int32_t) * stride);
  };
  int matched = -1;
  for (int ii : recvs_[ep]) {
    if (eval_guard(instances_[ii], s, seg, nullptr, sc)) {
      matched = ii;
      break;
    }
    if (sc.has_error && sc.error.label.inst == -2) return arrival_error(ii);  // the guard failed
  }
  int32_t* next = sc.next.data();
  std::memcpy(next, s, sizeof(int32_t) * layout_.num_slots());
  std::memcpy(L.seg, seg, sizeof(int32_t) * stride);
  remove_segment(next, chan, pos);
  L.ep = static_cast<uint8_t>(ep);
  L.pos = pos;
  if (matched >= 0) {
    if (!exec_body(instances_[matched], s, next, L.seg, nullptr, sc)) {
      if (sc.has_error && sc.error.label.inst == -2) arrival_error(matched);
      return;
    }
    L.kind = Label::Kind::Recv;
    L.inst = matched;
  } else {
    L.kind = Label::Kind::Unhandled;
    L.inst = -1;
    L.nsent = 0;
    L.overflow = 0;
  }
  if (L.nsent) canonicalize(next);  // removing a record keeps a channel sorted
  emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
}

template <class Emit>
bool CompiledSystem::fire_timeout(const int32_t* s, int ii, Scratch& sc, Emit& emit) const {
  const RuleInstance& ri = instances_[ii];
  if (s[ri.timer_slot] != kTimerExpired) return false;
  auto timeout_error = [&] {
    if (sc.has_error && sc.error.label.inst == -2) {
      sc.error.label.kind = Label::Kind::Timeout;
      sc.error.label.ep = static_cast<uint8_t>(ri.ep);
      sc.error.label.inst = ii;
    }
  };
  if (!eval_guard(ri, s, nullptr, nullptr, sc)) {
    timeout_error();
    return false;
  }
  int32_t* next = sc.next.data();
  std::memcpy(next, s, sizeof(int32_t) * layout_.num_slots());
  next[ri.timer_slot] = kTimerStopped;
  if (!exec_body(ri, s, next, nullptr, nullptr, sc)) {  // old() reads s, where the timer has expired
    timeout_error();
    return true;
  }
  Label& L = sc.label;
  L.kind = Label::Kind::Timeout;
  L.ep = static_cast<uint8_t>(ri.ep);
  L.inst = ii;
  L.pos = -1;
  if (L.nsent) canonicalize(next);
  emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
  return true;
}

template <class Emit>
void CompiledSystem::fire_faults(const int32_t* s, int chan, int pos, bool lose, bool dup, Scratch& sc,
                                 Emit& emit) const {
  const int n = layout_.num_slots();
  int32_t* next = sc.next.data();
  Label& L = sc.label;
  std::memcpy(L.seg, s + layout_.seg_base(chan, pos), sizeof(int32_t) * layout_.seg_stride());
  L.ep = static_cast<uint8_t>(chan);
  L.pos = pos;
  L.inst = -1;
  L.nsent = 0;
  L.overflow = 0;
  if (lose) {
    std::memcpy(next, s, sizeof(int32_t) * n);
    remove_segment(next, chan, pos);
    if (!faults_.unbounded_loss()) ++next[layout_.loss_slot()];
    L.kind = Label::Kind::Loss;  // removal keeps the channel sorted
    emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
  }
  if (dup && s[layout_.chan_count(chan)] < layout_.capacity()) {
    std::memcpy(next, s, sizeof(int32_t) * n);
    insert_copy(next, chan, pos);
    ++next[layout_.dup_slot()];
    L.kind = Label::Kind::Dup;  // the copy sits next to its original: still sorted
    emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
  }
}

// Time: not while a timer has expired (timeouts are urgent) nor while a segment has reached the
// maximum segment lifetime (it must arrive, or be lost within the loss budget, first).
template <class Emit>
void CompiledSystem::fire_tick(const int32_t* s, Scratch& sc, Emit& emit) const {
  int32_t* next = sc.next.data();
  if (any_timer_expired(s) || any_segment_at_msl(s) || !tick(s, next)) return;
  Label& L = sc.label;
  L.kind = Label::Kind::Tick;
  L.ep = 0;  // (no endpoint: a fixed value, so that equal runs have equal labels)
  L.inst = -1;
  L.pos = -1;
  L.nsent = 0;
  L.overflow = 0;
  emit(static_cast<const Label&>(L), static_cast<const int32_t*>(next));
}

template <class Emit>
void CompiledSystem::successors(const int32_t* s, Scratch& sc, Emit&& emit) const {
  sc.capacity_blocked = 0;
  sc.time_frozen = false;

  // 1. Application calls, once per parameter value.
  for (int ii : calls_) {
    const RuleInstance& ri = instances_[ii];
    const int np = static_cast<int>(ri.param_ranges.size());
    for (int k = 0; k < np; ++k) sc.params[k] = static_cast<int32_t>(ri.param_ranges[k].first);
    for (;;) {
      fire_call(s, ii, sc, emit);
      int k = 0;
      while (k < np && ++sc.params[k] > ri.param_ranges[k].second) {
        sc.params[k] = static_cast<int32_t>(ri.param_ranges[k].first);
        ++k;
      }
      if (k == np) break;
    }
  }

  // 2. Segment arrival at endpoint `ep` from channel peer→ep (channel index = sender); of equal
  // segments side by side, the first only (the others give the same successor).
  for (int ep = 0; ep < 2; ++ep)
    for (int pos = 0, last = arrivable(s, ep); pos < last; ++pos)
      if (pos == 0 || !same_segment(s, 1 - ep, pos - 1, pos)) fire_arrival(s, ep, pos, sc, emit);

  // 3. Timeouts.
  // Bit k: a timeout rule of the k-th timer slot (A's timers, then B's) is enabled here (it fired,
  // or only a full channel or a model error stopped it).
  uint64_t timers_taken = 0;
  for (int ii : timeouts_)
    if (fire_timeout(s, ii, sc, emit))
      if (const int k = instances_[ii].timer_slot - layout_.timer(0, 0); k < 64) timers_taken |= uint64_t{1} << k;
  if (any_timer_expired(s))
    for (int k = 0, nt = std::min(64, 2 * layout_.num_timers()); k < nt; ++k)  // (the first 64 timer slots)
      if (s[layout_.timer(0, 0) + k] == kTimerExpired && !((timers_taken >> k) & 1)) sc.time_frozen = true;

  // 4. Faults: loss and duplication within their budgets.
  const bool lose = can_lose(s), dup = can_dup(s);
  if (lose || dup)
    for (int chan = 0; chan < 2; ++chan)
      for (int pos = 0, count = s[layout_.chan_count(chan)]; pos < count; ++pos)
        if (pos == 0 || !same_segment(s, chan, pos - 1, pos)) fire_faults(s, chan, pos, lose, dup, sc, emit);

  // 5. Time.
  fire_tick(s, sc, emit);
}

template <class Emit>
void CompiledSystem::fire(const int32_t* s, const Label& label, Scratch& sc, Emit&& emit) const {
  sc.capacity_blocked = 0;
  sc.time_frozen = false;
  const int ninst = static_cast<int>(instances_.size());
  switch (label.kind) {
    case Label::Kind::Call: {
      if (label.inst < 0 || label.inst >= ninst || instances_[label.inst].kind != ir::Rule::Kind::Call) return;
      const RuleInstance& ri = instances_[label.inst];
      for (size_t k = 0; k < ri.param_ranges.size(); ++k) sc.params[k] = label.params[k];
      if (params_in_range(ri, sc.params)) fire_call(s, label.inst, sc, emit);
      return;
    }
    case Label::Kind::Recv:
    case Label::Kind::Unhandled:
      if (label.ep < 2 && label.pos >= 0 && label.pos < arrivable(s, label.ep)) fire_arrival(s, label.ep, label.pos, sc, emit);
      return;
    case Label::Kind::Timeout:
      if (label.inst >= 0 && label.inst < ninst && instances_[label.inst].kind == ir::Rule::Kind::Timeout)
        fire_timeout(s, label.inst, sc, emit);
      return;
    case Label::Kind::Loss:
    case Label::Kind::Dup: {
      const bool lose = label.kind == Label::Kind::Loss;
      if (label.ep >= 2 || label.pos < 0 || label.pos >= s[layout_.chan_count(label.ep)]) return;
      if (lose ? can_lose(s) : can_dup(s)) fire_faults(s, label.ep, label.pos, lose, !lose, sc, emit);
      return;
    }
    case Label::Kind::Tick: fire_tick(s, sc, emit); return;
  }
}

}  // namespace tcpmc
