#include "trace_decoder.hpp"

#include <cstring>

namespace tcpmc::symbolic {
namespace {

uint64_t numeral(const z3::model& m, const z3::expr& e) {
  const z3::expr v = m.eval(e, true);
  uint64_t x = 0;
  if (!v.is_numeral_u64(x)) return 0;
  return x;
}

}  // namespace

Label decode_label(const z3::model& model, const Action& act) {
  Label L;
  L.kind = act.kind;
  L.ep = static_cast<uint8_t>(act.ep);
  L.inst = act.inst;
  L.pos = act.pos;
  // A parameter is read as its bit pattern: a 32-bit sequence number as the int32 that holds it.
  for (size_t k = 0; k < act.params.size() && k < static_cast<size_t>(kMaxParams); ++k)
    L.params[k] = static_cast<int32_t>(static_cast<uint32_t>(numeral(model, act.params[k])));
  return L;
}

DecodedRun decode_run(const z3::model& model, TransitionRelation& relation, size_t n) {
  const SlotCodec& codec = relation.codec();
  DecodedRun run;
  for (size_t i = 0; i <= n; ++i) {
    const StateVec& s = relation.state(i);
    std::vector<int32_t> st(codec.num_slots());
    for (int j = 0; j < codec.num_slots(); ++j) st[j] = codec.decode(j, numeral(model, s[j]));
    run.states.push_back(std::move(st));
  }
  for (size_t i = 0; i < n; ++i) {
    const Step& step = relation.step(i);
    const uint64_t a = numeral(model, step.selector);
    run.labels.push_back(a < step.actions.size() ? decode_label(model, step.actions[a]) : Label{});
  }
  return run;
}

std::optional<Trace> replay_decoded(const CompiledSystem& sys, const DecodedRun& run, bool from_arbitrary_state) {
  const int n = sys.layout().num_slots();
  Trace t;
  t.initial = run.states.at(0);
  t.from_arbitrary_state = from_arbitrary_state;
  if (!from_arbitrary_state) {
    std::vector<int32_t> init(n);
    sys.initial_state(init.data());
    if (init != t.initial) return std::nullopt;
  }
  Scratch sc = sys.make_scratch();
  for (size_t i = 0; i < run.labels.size(); ++i) {
    Label want = run.labels[i];
    const std::vector<int32_t>& from = i == 0 ? t.initial : t.steps.back().state;
    // The explicit semantics takes equal segments in flight once, at their first position.
    if (want.pos > 0 && want.kind != Label::Kind::Call && want.kind != Label::Kind::Timeout &&
        want.kind != Label::Kind::Tick) {
      const StateLayout& L = sys.layout();
      const int chan = want.kind == Label::Kind::Recv || want.kind == Label::Kind::Unhandled ? 1 - want.ep : want.ep;
      auto rec = [&](int p) { return from.data() + L.seg_base(chan, p); };
      while (want.pos > 0 && std::memcmp(rec(want.pos - 1), rec(want.pos), sizeof(int32_t) * L.seg_stride()) == 0)
        --want.pos;
    }
    const std::vector<int32_t>& to = run.states[i + 1];
    bool found = false;
    sys.fire(from.data(), want, sc, [&](const Label& lab, const int32_t* next) {
      if (found || lab.kind != want.kind || lab.inst != want.inst || std::memcmp(next, to.data(), sizeof(int32_t) * n) != 0) return;
      found = true;
      t.steps.push_back(TraceStep{lab, to});
    });
    if (!found) return std::nullopt;
  }
  return t;
}

}  // namespace tcpmc::symbolic
