#include "json_report.hpp"

#include "figure5_coverage.hpp"

#include "trace_format.hpp"
#include "verdict_text.hpp"

namespace tcpmc {

static Json segment_json(const CompiledSystem& sys, const int32_t* seg, int sender, bool dropped = false) {
  const ir::Model& m = sys.model();
  Json j = Json::object();
  j["from"] = sender == 0 ? "A" : "B";
  j["to"] = sender == 0 ? "B" : "A";
  j["flags"] = segment_flags(m, seg);
  for (const char* f : {"seq", "ack", "len"}) {
    int i = m.seg_field(f);
    j[f] = i >= 0 ? typed_value(m.seg_fields[i].type, seg[i]) : int64_t{0};
  }
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    const auto& sf = m.seg_fields[f];
    if (sf.is_flag || sf.name == "seq" || sf.name == "ack" || sf.name == "len") continue;
    j[sf.name] = typed_value(sf.type, seg[f]);
  }
  j["text"] = format_segment(m, seg);
  if (dropped) j["dropped_network_full"] = true;
  return j;
}

// A variable's value: booleans as true/false, enum members and endpoints by name, numbers
// (sequence numbers included, unsigned: typed_value) as numbers.
static Json value_json(const ir::Model& m, const ir::Type& t, int32_t v) {
  switch (t.kind) {
    case ir::Type::Kind::Bool: return Json(v != 0);
    case ir::Type::Kind::Endpoint: return Json(v == 0 ? "A" : "B");
    case ir::Type::Kind::Enum:
      if (t.enum_id >= 0 && v >= 0 && v < static_cast<int32_t>(m.enums[t.enum_id].members.size()))
        return Json(m.enums[t.enum_id].members[v]);
      return Json(static_cast<int64_t>(v));
    default: return Json(typed_value(t, v));
  }
}

// One endpoint in a state: its TCP state, its other variables, its ghost variables and timers
// ({"status": "stopped" | "running" | "expired", "ticks_left": N | null}).
static Json endpoint_json(const CompiledSystem& sys, const std::vector<int32_t>& state, int ep) {
  const ir::Model& m = sys.model();
  const StateLayout& L = sys.layout();
  Json vars = Json::object(), ghost = Json::object(), timers = Json::object();
  for (size_t v = 0; v < m.endpoint_vars.size(); ++v) {
    if (static_cast<int>(v) == m.state_var) continue;
    const auto& var = m.endpoint_vars[v];
    (var.ghost ? ghost : vars)[var.name] = value_json(m, var.type, state[L.ep_var(ep, static_cast<int>(v))]);
  }
  for (size_t t = 0; t < m.timers.size(); ++t) {
    const int32_t x = state[L.timer(ep, static_cast<int>(t))];
    Json tj = Json::object();
    tj["status"] = x == kTimerStopped ? "stopped" : x == kTimerExpired ? "expired" : "running";
    tj["ticks_left"] = x >= kTimerBias ? Json(static_cast<int64_t>(x - kTimerBias)) : Json(nullptr);
    timers[m.timers[t].name] = std::move(tj);
  }
  Json j = Json::object();
  j["state"] = state_name(sys, state, ep);
  j["variables"] = std::move(vars);
  j["ghost"] = std::move(ghost);
  j["timers"] = std::move(timers);
  return j;
}

// The global ghost variables in a state.
static Json ghost_json(const CompiledSystem& sys, const std::vector<int32_t>& state) {
  const ir::Model& m = sys.model();
  Json j = Json::object();
  for (size_t g = 0; g < m.global_vars.size(); ++g)
    j[m.global_vars[g].name] = value_json(m, m.global_vars[g].type, state[sys.layout().global_var(static_cast<int>(g))]);
  return j;
}

// The segments in flight in a state, per channel, oldest position first, each with its age.
static Json in_flight_json(const CompiledSystem& sys, const std::vector<int32_t>& state) {
  const StateLayout& L = sys.layout();
  Json j = Json::object();
  for (int sender = 0; sender < 2; ++sender) {
    Json segs = Json::array();
    for (int p = 0, count = state[L.chan_count(sender)]; p < count; ++p) {
      const int32_t* seg = state.data() + L.seg_base(sender, p);
      Json sj = segment_json(sys, seg, sender);
      sj["age"] = static_cast<int64_t>(seg[L.seg_stride() - 1]);
      segs.push_back(std::move(sj));
    }
    j[sender == 0 ? "A->B" : "B->A"] = std::move(segs);
  }
  return j;
}

static const char* label_kind(Label::Kind k) {
  switch (k) {
    case Label::Kind::Call: return "call";
    case Label::Kind::Recv: return "recv";
    case Label::Kind::Unhandled: return "discard";
    case Label::Kind::Timeout: return "timeout";
    case Label::Kind::Loss: return "loss";
    case Label::Kind::Dup: return "duplicate";
    case Label::Kind::Tick: return "tick";
  }
  return "?";
}

Json trace_json(const CompiledSystem& sys, const Trace& t) {
  Json steps = Json::array();
  for (const auto& s : t.steps) {
    const Label& l = s.label;
    Json j = Json::object();
    j["event"] = describe_event(sys, l);
    j["kind"] = label_kind(l.kind);
    std::string rn = rule_name(sys, l);
    j["rule"] = rn.empty() ? Json(nullptr) : Json(rn);
    j["A"] = endpoint_json(sys, s.state, 0);
    j["B"] = endpoint_json(sys, s.state, 1);
    j["ghost"] = ghost_json(sys, s.state);
    bool has_seg = l.kind == Label::Kind::Recv || l.kind == Label::Kind::Unhandled || l.kind == Label::Kind::Loss ||
                   l.kind == Label::Kind::Dup;
    if (has_seg) {
      int sender = (l.kind == Label::Kind::Loss || l.kind == Label::Kind::Dup) ? l.ep : 1 - l.ep;
      j["segment"] = segment_json(sys, l.seg, sender);
    } else {
      j["segment"] = nullptr;
    }
    Json sent = Json::array();
    if (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout)
      for (int k = 0; k < l.nsent; ++k) sent.push_back(segment_json(sys, l.sent[k], l.ep, (l.overflow >> k) & 1u));
    j["sent"] = std::move(sent);
    j["in_flight"] = in_flight_json(sys, s.state);
    j["in_flight_text"] = {{"A->B", format_channel(sys, s.state, 0)}, {"B->A", format_channel(sys, s.state, 1)}};
    steps.push_back(std::move(j));
  }
  Json init = Json::object();
  init["A"] = endpoint_json(sys, t.initial, 0);
  init["B"] = endpoint_json(sys, t.initial, 1);
  init["ghost"] = ghost_json(sys, t.initial);
  init["in_flight"] = in_flight_json(sys, t.initial);
  Json out = Json::object();
  out["length"] = static_cast<uint64_t>(t.steps.size());
  if (t.loop_start) out["loop_start"] = static_cast<uint64_t>(*t.loop_start);  // a lasso: steps[loop_start..] repeat
  out["initial"] = std::move(init);
  out["steps"] = std::move(steps);
  return out;
}

Json spec_json(const SpecResult& r, bool timing) {
  const ir::Model& m = r.spec->model;
  const CompiledSystem& sys = *r.system;
  const EngineResult& x = r.exploration;
  Json j = Json::object();
  j["spec"] = r.path;
  j["name"] = m.name;
  j["description"] = m.description;
  j["states"] = x.states;
  j["transitions"] = x.transitions;
  j["depth"] = static_cast<uint64_t>(x.depth);
  j["complete"] = x.complete;
  j["stop_reason"] = x.complete ? Json(nullptr) : Json(x.stop_reason);
  j["notes"] = x.notes;
  if (timing) j["seconds"] = x.seconds;
  Json defines = Json::object();
  for (const auto& [k, v] : r.options.defines) defines[k] = v;
  j["options"] = {{"defines", std::move(defines)},
                  {"max_states", r.options.limits.max_states},
                  {"memory_limit_mb", r.options.limits.memory_limit_mb},
                  {"fairness", r.options.limits.fairness ? "spec" : "none"},
                  {"engine", engine_kind_name(r.options.engine)},
                  {"depth", r.options.engine == EngineKind::Explicit ? Json(nullptr) : Json(r.options.limits.max_depth)}};
  if (r.native) {  // --native: whether the spec's code ran as machine code
    j["native"] = {{"compiled", r.native->ok}, {"functions", r.native->functions}, {"compiler", r.native->compiler}};
    if (!r.native->ok) j["native"]["error"] = r.native->error;
    if (timing) {  // (whether the cache had it depends on earlier runs, like the time)
      j["native"]["cached"] = r.native->cached;
      j["native"]["seconds"] = r.native->seconds;
    }
  }
  if (x.omission_probability)  // --compress
    j["compress"] = {{"fingerprint_bits", 64}, {"omission_probability", *x.omission_probability}};
  if (x.liveness) {  // temporal properties were judged on the reachable graph
    j["liveness"] = {{"edges", x.liveness->edges}, {"graph_bytes", x.liveness->graph_bytes}};
    if (timing) j["liveness"]["seconds"] = x.liveness->seconds;
  }
  j["faults"] = {{"loss", r.faults.unbounded_loss() ? Json("unbounded") : Json(r.faults.loss)}, {"dup", r.faults.dup}, {"reorder", r.faults.reorder}};
  j["bounds"] = {{"capacity", m.capacity}, {"msl", m.msl}, {"seq_bits", m.seq_bits}};
  Json consts = Json::object();
  for (const auto& c : m.consts) consts[c.name] = c.value;
  j["constants"] = std::move(consts);
  Json props = Json::array();
  for (const auto& p : r.properties) {
    Json pj = Json::object();
    pj["name"] = p.name;
    pj["kind"] = ir::property_kind_name(p.kind);
    pj["expression"] = p.expression;
    pj["expect"] = p.expect_hold ? "hold" : "violation";
    pj["verdict"] = verdict_name(p.verdict);
    pj["basis"] = basis_name(p.basis);
    pj["bound"] = p.bound;
    pj["as_expected"] = p.as_expected();
    const bool run = p.counterexample.has_value();
    pj["counterexample"] = run && !p.is_witness() ? trace_json(sys, *p.counterexample) : Json(nullptr);
    pj["witness"] = run && p.is_witness() ? trace_json(sys, *p.counterexample) : Json(nullptr);
    if (p.kind == ir::Property::Kind::Coverage) pj["missing_edges"] = p.missing_edges;
    if (p.cti) {  // its first state is any state the assumptions allow
      Json cj = trace_json(sys, *p.cti);
      cj["reachable"] = false;
      pj["counterexample_to_induction"] = std::move(cj);
    }
    props.push_back(std::move(pj));
  }
  j["properties"] = std::move(props);
  if (!x.lemma_ctis.empty()) {  // --lemma-ctis: why each lemma not proved is not inductive
    Json ls = Json::array();
    for (const auto& l : x.lemma_ctis) {
      Json cj = trace_json(sys, l.cti);
      cj["reachable"] = false;
      ls.push_back({{"lemma", m.lemmas[l.lemma].name},
                    {"expression", property_expression(m.lemmas[l.lemma])},
                    {"k", l.k},
                    {"counterexample_to_induction", std::move(cj)}});
    }
    j["lemma_ctis"] = std::move(ls);
  }
  if (!m.monitors.empty()) {  // only when there are some, so that other specs' reports stay as they were
    Json mons = Json::array();
    for (const auto& mo : m.monitors) mons.push_back({{"name", mo.name}, {"event", ir::monitor_event_name(mo.event)}});
    j["monitors"] = std::move(mons);
  }
  if (x.model_error) {
    Json e = Json::object();
    e["message"] = describe_model_error(*x.model_error);
    e["event"] = describe_error_site(sys, *x.model_error);
    e["trace"] = r.model_error_trace ? trace_json(sys, *r.model_error_trace) : Json(nullptr);
    j["model_error"] = std::move(e);
  } else {
    j["model_error"] = nullptr;
  }
  Json rules = Json::array();
  for (size_t i = 0; i < sys.instances().size(); ++i) {
    const auto& ri = sys.instances()[i];
    Json rj = Json::object();
    rj["name"] = m.rules[ri.rule].name;
    rj["endpoint"] = ri.ep == 0 ? "A" : "B";
    rj["kind"] = ir::rule_kind_name(ri.kind);
    rj["fired"] = x.coverage.fired[i];
    rj["dropped_by_capacity"] = x.coverage.overflow[i];
    rules.push_back(std::move(rj));
  }
  Json fig5 = Json::array();
  for (const auto& f : figure5_coverage(m, x.coverage)) {
    Json fj = Json::object();
    fj["from"] = f.edge->from;
    fj["to"] = f.edge->to;
    fj["label"] = f.edge->label;
    fj["reached_by"] = f.reached_by;
    fig5.push_back(std::move(fj));
  }
  Json ept = Json::array();
  const auto& members = m.state_enum().members;
  for (const auto& t : x.coverage.endpoint_transitions) {
    Json tj = Json::object();
    tj["endpoint"] = t.ep == 0 ? "A" : "B";
    tj["from"] = members[t.from];
    tj["event"] = std::string(ir::rule_kind_name(m.rules[t.rule].kind)) + " " + m.rules[t.rule].name;
    tj["to"] = members[t.to];
    tj["count"] = t.count;
    ept.push_back(std::move(tj));
  }
  Json cov = Json::object();
  cov["rules"] = std::move(rules);
  cov["figure5"] = std::move(fig5);
  cov["capacity_blocked"] = x.coverage.capacity_blocked;
  cov["capacity_cut_states"] = x.coverage.capacity_cut_states;
  cov["time_frozen_states"] = x.coverage.time_frozen_states;
  cov["unhandled_segments"] = {{"A", x.coverage.unhandled[0]}, {"B", x.coverage.unhandled[1]}};
  cov["endpoint_transitions"] = std::move(ept);
  j["coverage"] = std::move(cov);
  return j;
}

std::string json_text(const Json& j, int indent) {
  // Invalid UTF-8 (a spec description, say) is replaced, not thrown on.
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace tcpmc
