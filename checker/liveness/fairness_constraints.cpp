#include "fairness_constraints.hpp"

#include <cstring>

namespace tcpmc {

FairnessConstraints::FairnessConstraints(const CompiledSystem& sys, bool spec_fairness)
    : sys_(sys), on_(spec_fairness), seg_fields_(sys.layout().num_seg_fields()) {
  const ir::Model& m = sys.model();
  rule_constraint_.assign(m.rules.size() * 2, -1);
  if (!on_) return;
  tick_ = add(Kind::Time, "time (the tick)");
  for (int strong = 0; strong < 2; ++strong)
    for (int r : strong ? m.fairness.strong : m.fairness.weak)
      for (int ep = 0; ep < 2; ++ep)
        rule_constraint_[r * 2 + ep] =
            add(strong ? Kind::Strong : Kind::Weak, std::string(ep == 0 ? "A" : "B") + "'s " + m.rules[r].name);
}

int32_t FairnessConstraints::add(Kind k, std::string what) {
  kind_.push_back(k);
  what_.push_back(std::move(what));
  return static_cast<int32_t>(kind_.size() - 1);
}

int32_t FairnessConstraints::delivery(int receiver, const int32_t* seg) {
  Segment s{};
  std::memcpy(s.data(), seg, sizeof(int32_t) * seg_fields_);
  auto [it, fresh] = delivery_.try_emplace({receiver, s}, -1);
  if (fresh) it->second = add(Kind::Delivery, std::string("delivery to ") + (receiver == 0 ? "A" : "B"));
  return it->second;
}

uint32_t FairnessConstraints::action_of(const Label& l) {
  // The key: kind, endpoint, instance, the segment taken, the segments sent (fields, no ages).
  std::vector<int32_t> key{static_cast<int32_t>(l.kind), l.ep, l.inst, l.nsent};
  const bool arrival = l.kind == Label::Kind::Recv || l.kind == Label::Kind::Unhandled;
  if (arrival) key.insert(key.end(), l.seg, l.seg + seg_fields_);
  for (int i = 0; i < l.nsent; ++i) key.insert(key.end(), l.sent[i], l.sent[i] + seg_fields_);
  auto [it, fresh] = ids_.try_emplace(std::move(key), static_cast<uint32_t>(infos_.size()));
  if (!fresh) return it->second;
  ActionInfo info;
  if (on_) {
    if (l.kind == Label::Kind::Tick) {
      info.takes[0] = tick_;
    } else if (l.inst >= 0) {
      const RuleInstance& ri = sys_.instances()[l.inst];
      info.takes[0] = rule_constraint_[ri.rule * 2 + ri.ep];
    }
    if (sys_.model().fairness.network) {
      if (arrival) info.takes[1] = delivery(l.ep, l.seg);
      for (int i = 0; i < l.nsent; ++i) info.requests[i] = delivery(1 - l.ep, l.sent[i]);
    }
  }
  infos_.push_back(info);
  return it->second;
}

bool clock_running(const StateLayout& L, const int32_t* s) {
  bool clock = s[L.chan_count(0)] > 0 || s[L.chan_count(1)] > 0;
  for (int ep = 0; ep < 2; ++ep)
    for (int t = 0; t < L.num_timers(); ++t) clock |= s[L.timer(ep, t)] >= kTimerBias;
  return clock;
}

std::span<const uint32_t> EdgeActions::of(uint32_t state) {
  const Row& r = row(state);
  return {ids_.data() + r.offset, r.count};
}

bool EdgeActions::clock_running(uint32_t state) { return row(state).clock; }

const EdgeActions::Row& EdgeActions::row(uint32_t state) {
  auto it = where_.find(state);
  if (it != where_.end()) return it->second;
  const StateLayout& L = sys_.layout();
  unpacked_.resize(L.num_slots());
  L.unpack(store_.get(state), unpacked_.data());
  const uint64_t offset = ids_.size();
  sys_.successors(unpacked_.data(), scratch_, [&](const Label& l, const int32_t*) { ids_.push_back(F_.action_of(l)); });
  const bool clock = tcpmc::clock_running(L, unpacked_.data());
  return where_.emplace(state, Row{offset, static_cast<uint32_t>(ids_.size() - offset), clock}).first->second;
}

}  // namespace tcpmc
