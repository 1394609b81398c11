#include "json_report.hpp"

#include "figure5_coverage.hpp"

#include "trace_format.hpp"

namespace tcpmc {

static void write_segment(JsonWriter& w, const CompiledSystem& sys, const int32_t* seg, int sender,
                          bool dropped = false) {
  const ir::Model& m = sys.model();
  w.begin_object();
  w.key("from").value(sender == 0 ? "A" : "B");
  w.key("to").value(sender == 0 ? "B" : "A");
  w.key("flags").value(segment_flags(m, seg));
  for (const char* f : {"seq", "ack", "len"}) {
    int i = m.seg_field(f);
    w.key(f).value(static_cast<int64_t>(i >= 0 ? seg[i] : 0));
  }
  for (size_t f = 0; f < m.seg_fields.size(); ++f) {
    const auto& sf = m.seg_fields[f];
    if (sf.is_flag || sf.name == "seq" || sf.name == "ack" || sf.name == "len") continue;
    w.key(sf.name).value(static_cast<int64_t>(seg[f]));
  }
  w.key("text").value(format_segment(m, seg));
  if (dropped) w.key("dropped_network_full").value(true);
  w.end_object();
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

void write_trace_json(JsonWriter& w, const CompiledSystem& sys, const Trace& t) {
  w.begin_object();
  w.key("length").value(static_cast<uint64_t>(t.steps.size()));
  w.key("steps").begin_array();
  for (const auto& s : t.steps) {
    const Label& l = s.label;
    w.begin_object();
    w.key("event").value(describe_event(sys, l));
    w.key("kind").value(label_kind(l.kind));
    std::string rn = rule_name(sys, l);
    if (rn.empty()) w.key("rule").null(); else w.key("rule").value(rn);
    w.key("A").begin_object().key("state").value(state_name(sys, s.state, 0)).end_object();
    w.key("B").begin_object().key("state").value(state_name(sys, s.state, 1)).end_object();
    w.key("segment");
    bool has_seg = l.kind == Label::Kind::Recv || l.kind == Label::Kind::Unhandled || l.kind == Label::Kind::Loss ||
                   l.kind == Label::Kind::Dup;
    if (has_seg) {
      int sender = (l.kind == Label::Kind::Loss || l.kind == Label::Kind::Dup) ? l.ep : 1 - l.ep;
      write_segment(w, sys, l.seg, sender);
    } else {
      w.null();
    }
    w.key("sent").begin_array();
    if (l.kind == Label::Kind::Call || l.kind == Label::Kind::Recv || l.kind == Label::Kind::Timeout)
      for (int k = 0; k < l.nsent; ++k) write_segment(w, sys, l.sent[k], l.ep, (l.overflow >> k) & 1u);
    w.end_array();
    w.key("in_flight").begin_object();
    w.key("A->B").value(format_channel(sys, s.state, 0));
    w.key("B->A").value(format_channel(sys, s.state, 1));
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_spec_json(JsonWriter& w, const SpecResult& r, bool timing) {
  const ir::Model& m = r.spec->model;
  const CompiledSystem& sys = *r.system;
  const ExplorationResult& x = r.exploration;
  w.begin_object();
  w.key("spec").value(r.path);
  w.key("name").value(m.name);
  w.key("description").value(m.description);
  w.key("states").value(x.states);
  w.key("transitions").value(x.transitions);
  w.key("depth").value(static_cast<uint64_t>(x.depth));
  w.key("complete").value(x.complete);
  if (x.complete) w.key("stop_reason").null(); else w.key("stop_reason").value(x.stop_reason);
  if (timing) w.key("seconds").value(x.seconds);
  w.key("options").begin_object();
  w.key("defines").begin_object();
  for (const auto& [k, v] : r.options.defines) w.key(k).value(v);
  w.end_object();
  w.key("max_states").value(r.options.limits.max_states);
  w.key("memory_limit_mb").value(r.options.limits.memory_limit_mb);
  w.end_object();
  w.key("faults").begin_object();
  w.key("loss").value(r.faults.loss).key("dup").value(r.faults.dup).key("reorder").value(r.faults.reorder);
  w.end_object();
  w.key("bounds").begin_object();
  w.key("capacity").value(m.capacity).key("msl").value(m.msl).key("seq_bits").value(m.seq_bits);
  w.end_object();
  w.key("constants").begin_object();
  for (const auto& c : m.consts) w.key(c.name).value(c.value);
  w.end_object();
  w.key("properties").begin_array();
  for (const auto& p : r.properties) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("kind").value(p.kind == ir::Property::Kind::Invariant ? "invariant" : "stuck");
    w.key("expect").value(p.expect_hold ? "hold" : "violation");
    w.key("verdict").value(verdict_name(p.verdict));
    w.key("as_expected").value(p.as_expected());
    w.key("counterexample");
    if (p.counterexample) write_trace_json(w, sys, *p.counterexample); else w.null();
    w.end_object();
  }
  w.end_array();
  w.key("model_error");
  if (x.model_error) {
    w.begin_object();
    w.key("message").value(describe_model_error(*x.model_error));
    w.key("event").value(describe_error_site(sys, *x.model_error));
    w.key("trace");
    if (r.model_error_trace) write_trace_json(w, sys, *r.model_error_trace); else w.null();
    w.end_object();
  } else {
    w.null();
  }
  w.key("coverage").begin_object();
  w.key("rules").begin_array();
  for (size_t i = 0; i < sys.instances().size(); ++i) {
    const auto& ri = sys.instances()[i];
    w.begin_object();
    w.key("name").value(m.rules[ri.rule].name);
    w.key("endpoint").value(ri.ep == 0 ? "A" : "B");
    w.key("kind").value(ir::rule_kind_name(ri.kind));
    w.key("fired").value(x.coverage.fired[i]);
    w.key("dropped_by_capacity").value(x.coverage.overflow[i]);
    w.end_object();
  }
  w.end_array();
  w.key("figure5").begin_array();
  for (const auto& f : figure5_coverage(m, x.coverage)) {
    w.begin_object();
    w.key("from").value(f.edge->from).key("to").value(f.edge->to).key("label").value(f.edge->label);
    w.key("reached_by").begin_array();
    for (const auto& rb : f.reached_by) w.value(rb);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("capacity_blocked").value(x.coverage.capacity_blocked);
  w.key("capacity_cut_states").value(x.coverage.capacity_cut_states);
  w.key("time_frozen_states").value(x.coverage.time_frozen_states);
  w.key("unhandled_segments").begin_object();
  w.key("A").value(x.coverage.unhandled[0]).key("B").value(x.coverage.unhandled[1]);
  w.end_object();
  w.key("endpoint_transitions").begin_array();
  const auto& members = m.state_enum().members;
  for (const auto& t : x.coverage.endpoint_transitions) {
    w.begin_object();
    w.key("endpoint").value(t.ep == 0 ? "A" : "B");
    w.key("from").value(members[t.from]);
    w.key("event").value(std::string(ir::rule_kind_name(m.rules[t.rule].kind)) + " " + m.rules[t.rule].name);
    w.key("to").value(members[t.to]);
    w.key("count").value(t.count);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
}

}  // namespace tcpmc
