// `tcpmc conform SPEC FILE.pcap`: reads the capture (conform/capture_reader.hpp), groups it into
// connections, maps each to abstract segments and searches the spec for a run that sends exactly
// them (conform/conform_search.hpp); prints per connection the verdict, the observed segments with
// the endpoints' states, and the run (the shared trace table), and writes JSON and SVG charts.
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <set>

#include "abstraction.hpp"
#include "capture_reader.hpp"
#include "command_support.hpp"
#include "commands.hpp"
#include "conform_search.hpp"
#include "connections.hpp"
#include "exit_codes.hpp"
#include "file_output.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"
#include "svg_sequence.hpp"
#include "text_report.hpp"
#include "trace_format.hpp"

namespace tcpmc {

namespace {

using conform::Observation;
using conform::SearchResult;

// The display width of a UTF-8 string (the arrows count as one column).
size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string format_ms(double ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%g ms", ms);
  return b;
}

std::string cell(const std::string& s, size_t w) { return s + std::string(w > columns(s) ? w - columns(s) : 1, ' '); }

const char* verdict_word(SearchResult::Verdict v) {
  switch (v) {
    case SearchResult::Verdict::Admitted: return "admitted";
    case SearchResult::Verdict::Rejected: return "rejected";
    case SearchResult::Verdict::Bounded: return "inconclusive";
    case SearchResult::Verdict::ReplayFailed: return "internal error";
  }
  return "";
}

std::string enum_name(const CompiledSystem& sys, int v) {
  const auto& members = sys.model().state_enum().members;
  return v >= 0 && v < static_cast<int>(members.size()) ? members[v] : std::to_string(v);
}

std::string sent_text(const CompiledSystem& sys, int ep, const std::vector<int32_t>& seg) {
  return channel_name(ep) + " " + format_segment(sys.model(), seg.data());
}

// The segment numbers "4", or "4 (its FIN)" for the FIN half of a data+FIN segment.
std::string segment_label(const Observation& o) {
  return std::to_string(o.segment + 1) + (o.part ? " (its FIN)" : "");
}

struct ConnectionOutcome {
  SearchResult result;
  std::vector<Observation> obs;
};

// The table of observations: each with the spec step that sent it and both endpoints' states
// after that step, up to `upto` observations.
std::string observation_table(const CompiledSystem& sys, const conform::Connection& c, const ConnectionOutcome& oc,
                              size_t upto) {
  const SearchResult& r = oc.result;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"seg", "pkt", "from", "real (relative to the ISNs)", "units", "spec step: sends", "A", "B", "note"});
  for (size_t k = 0; k < upto && k < oc.obs.size(); ++k) {
    const Observation& o = oc.obs[k];
    const long step = k < r.step_of.size() ? r.step_of[k] : -1;
    std::string a = "", b = "", spec = "-";
    if (step >= 0 && r.run) {
      a = state_name(sys, r.run->steps[step].state, 0);
      b = state_name(sys, r.run->steps[step].state, 1);
      spec = std::to_string(step + 1) + ": " + format_segment(sys.model(), r.run->steps[step].label.sent[r.sent_index[k]]);
    }
    std::string note = o.note;
    if (step < 0 && o.optional) note = o.note.empty() ? "passed over" : o.note + ", passed over";
    rows.push_back({segment_label(o), std::to_string(c.segments[o.segment].seg->packet), o.from ? "B" : "A", o.real,
                    conform::observation_text(o), spec, a, b, note});
  }
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], columns(row[i]) + 2);
  std::string out;
  for (const auto& row : rows) {
    std::string line = "   ";
    for (size_t i = 0; i < row.size(); ++i) line += i + 1 < row.size() ? cell(row[i], w[i]) : row[i];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// The trace table names a delayed ACK's removal "network loses ..." (it is a loss step of the
// model); say what it is instead, in as many columns.
std::string mark_delayed_acks(const std::string& table, const std::vector<bool>& elided) {
  std::string out;
  size_t start = 0;
  while (start < table.size()) {
    size_t end = table.find('\n', start);
    if (end == std::string::npos) end = table.size();
    std::string line = table.substr(start, end - start);
    const size_t digits = line.find_first_not_of("0123456789");
    if (digits > 0 && digits != std::string::npos) {
      const size_t step = std::stoul(line.substr(0, digits));
      const size_t at = line.find("network loses");
      if (step >= 1 && step <= elided.size() && elided[step - 1] && at != std::string::npos)
        line.replace(at, 13, "ACK withheld:");
    }
    out += line + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

int run_conform(const ConformCommand& cmd, std::ostream& out_stream, std::ostream& err) {
  if (!output_target_ok(cmd.json_path, err)) return exit_code::kBadInput;
  std::ostream& out = is_stdout_name(cmd.json_path) ? err : out_stream;
  ExitStatus status;
  auto loaded = load_reporting(cmd.spec, cmd.options.defines, err, status);
  if (!loaded) return status.code();
  ir::Model model = loaded->model;
  if (cmd.capacity > 0) model.capacity = cmd.capacity;
  if (auto why = explicit_enumeration_problem(model)) {
    err << cmd.spec << ": error: conform cannot enumerate this spec's moves: " << *why << "\n";
    return exit_code::kBadInput;
  }
  if (auto why = conform::segment_shape_problem(model); !why.empty()) {
    err << cmd.spec << ": error: conform cannot use this spec: " << why << "\n";
    return exit_code::kBadInput;
  }
  const conform::Capture cap = conform::read_capture(cmd.capture);
  if (!cap.error.empty()) {
    err << "tcpmc: error: " << cap.error << "\n";
    return exit_code::kBadInput;
  }
  std::vector<conform::Connection> conns = conform::group_connections(cap.segments);
  if (cmd.connection > static_cast<int>(conns.size())) {
    err << "tcpmc: error: --connection " << cmd.connection << ": " << cmd.capture << " holds " << conns.size()
        << " connection" << (conns.size() == 1 ? "" : "s") << "\n";
    return exit_code::kUsage;
  }
  // The system loses without counting: the search charges real losses to --loss itself and takes
  // delayed ACKs off the network as uncounted losses (conform_search.hpp).
  ir::FaultBudget faults;
  faults.loss = ir::FaultBudget::kUnboundedLoss;
  faults.dup = cmd.options.dup.value_or(0);
  faults.reorder = cmd.options.reorder.value_or(false);
  CompiledSystem sys(model, faults);
  conform::SearchOptions so;
  so.loss = cmd.options.loss.value_or(0);
  so.max_states = cmd.max_states;
  so.tick_ns = static_cast<int64_t>(cmd.tick_ms * 1e6);
  if (so.loss < 0) {
    err << "tcpmc: error: conform needs a loss budget (--loss N), not unbounded loss\n";
    return exit_code::kUsage;
  }

  std::vector<int> selected;
  for (const auto& c : conns)
    if (cmd.connection == 0 || c.number == cmd.connection) selected.push_back(c.number - 1);
  const bool svg_dir = !cmd.svg_path.empty() && (std::filesystem::is_directory(cmd.svg_path) || cmd.svg_path.back() == '/');
  if (!cmd.svg_path.empty() && !svg_dir && selected.size() > 1) {
    err << "tcpmc: error: --svg " << cmd.svg_path << ": " << selected.size()
        << " connections are checked: give a directory (one chart per connection) or --connection N\n";
    return exit_code::kUsage;
  }
  if (svg_dir) {
    std::error_code ec;
    std::filesystem::create_directories(cmd.svg_path, ec);
    if (ec) {
      err << "tcpmc: error: --svg " << cmd.svg_path << ": cannot make the directory: " << ec.message() << "\n";
      return exit_code::kBadInput;
    }
  }

  out << "== " << cmd.capture << " against " << cmd.spec << (model.name.empty() ? "" : " (" + model.name + ")") << "\n";
  out << "   " << cap.link << ", " << cap.packets << " packets, " << cap.segments.size() << " TCP segments";
  if (cap.not_tcp) out << " (" << cap.not_tcp << " other packets skipped)";
  out << ", " << conns.size() << " connection" << (conns.size() == 1 ? "" : "s") << "\n";
  out << "   faults: loss " << so.loss << ", dup " << faults.dup << ", " << (faults.reorder ? "reorder" : "no reorder")
      << "; capacity " << model.capacity << ", SEQ_BITS " << model.seq_bits << "; "
      << (so.tick_ns > 0 ? "a tick is " + format_ms(cmd.tick_ms) + " of capture time" : std::string("time free (no --tick-ms)"))
      << "\n";
  for (const auto& w : cap.warnings) out << "   warning: " << w << "\n";

  Json jconns = Json::array();
  bool rejected = false, bounded = false, internal = false;
  for (int ci : selected) {
    if (interrupt_requested()) break;  // the connections after an interrupted one are not checked
    const conform::Connection& c = conns[ci];
    ConnectionOutcome oc;
    oc.obs = conform::abstract_connection(c);
    oc.result = conform::conform_search(sys, oc.obs, c.incarnations, so);
    const SearchResult& r = oc.result;
    const std::string head = "connection " + std::to_string(c.number) + ": A " + conform::address_text(c.a) + " -> B " +
                             conform::address_text(c.b) + ", " + std::to_string(c.segments.size()) + " segments, " +
                             std::to_string(c.incarnations) + " incarnation" + (c.incarnations == 1 ? "" : "s");
    Json jc = Json::object();
    jc["number"] = c.number;
    jc["a"] = conform::address_text(c.a);
    jc["b"] = conform::address_text(c.b);
    jc["a_sent_first_syn"] = c.a_from_syn;
    jc["segments"] = c.segments.size();
    jc["incarnations"] = c.incarnations;
    jc["verdict"] = verdict_word(r.verdict);
    jc["explained"] = r.explained;
    jc["observations_total"] = oc.obs.size();
    jc["product_states"] = r.states;
    jc["transitions"] = r.transitions;
    out << "\n== " << head << ": ";
    if (r.verdict == SearchResult::Verdict::Admitted) {
      out << "ADMITTED (" << r.run->steps.size() << " spec steps; " << r.states << " product states searched)\n";
      out << observation_table(sys, c, oc, oc.obs.size());
    } else if (r.verdict == SearchResult::Verdict::Rejected) {
      rejected = true;
      const Observation& o = oc.obs[r.explained];
      const conform::TcpSegment& s = *c.segments[o.segment].seg;
      std::string states;
      std::set<std::string> sender_states;
      for (auto [a, b] : r.possible_states) {
        states += (states.empty() ? "" : "; ") + std::string("A ") + enum_name(sys, a) + ", B " + enum_name(sys, b);
        sender_states.insert(enum_name(sys, o.from ? b : a));
      }
      std::string while_in;
      for (const auto& x : sender_states) while_in += (while_in.empty() ? "" : " or ") + x;
      out << "REJECTED at segment " << segment_label(o) << " (packet " << s.packet << "): " << o.real << " from "
          << (o.from ? "B" : "A") << (while_in.empty() ? "" : " while " + std::string(o.from ? "B" : "A") + " was in " + while_in)
          << "\n";
      out << "   abstract: " << (o.from ? "B→A " : "A→B ") << conform::observation_text(o) << "\n";
      out << "   why: " << r.reason << "\n";
      out << "   admitted prefix: " << (r.explained == 0 ? std::string("none") : "the " + std::to_string(r.explained) + " segment" + (r.explained == 1 ? "" : "s") + " before it") << "\n";
      out << "   the spec's states there (A, B): " << (states.empty() ? "none" : states) << "\n";
      std::string allowed;
      for (const auto& [ep, seg] : r.allowed) allowed += (allowed.empty() ? "" : "; ") + sent_text(sys, ep, seg);
      out << "   the spec allows instead: " << (allowed.empty() ? "nothing (no move of the spec sends a segment there)" : allowed) << "\n";
      out << observation_table(sys, c, oc, r.explained + 1);
      Json jr = Json::object();
      jr["segment"] = o.segment + 1;
      jr["fin_part"] = o.part == 1;
      jr["packet"] = s.packet;
      jr["observation"] = r.explained;
      jr["real"] = o.real;
      jr["abstract"] = conform::observation_text(o);
      jr["from"] = o.from ? "B" : "A";
      jr["reason"] = r.reason;
      Json ps = Json::array();
      for (auto [a, b] : r.possible_states) ps.push_back(Json{{"A", enum_name(sys, a)}, {"B", enum_name(sys, b)}});
      jr["possible_states"] = ps;
      Json al = Json::array();
      for (const auto& [ep, seg] : r.allowed) al.push_back(sent_text(sys, ep, seg));
      jr["allowed"] = al;
      jc["rejected_at"] = jr;
    } else if (r.verdict == SearchResult::Verdict::Bounded) {
      bounded = true;
      out << "INCONCLUSIVE: " << r.reason << "; " << r.explained << " of " << oc.obs.size()
          << " segments explained so far (raise --max-states)\n";
      jc["reason"] = r.reason;
    } else {
      internal = true;
      out << "INTERNAL ERROR: the run found does not replay through the model\n";
    }
    Json jo = Json::array();
    for (size_t k = 0; k < oc.obs.size(); ++k) {
      const Observation& o = oc.obs[k];
      Json j = Json::object();
      j["segment"] = o.segment + 1;
      j["packet"] = c.segments[o.segment].seg->packet;
      j["from"] = o.from ? "B" : "A";
      j["incarnation"] = o.incarnation;
      j["real"] = o.real;
      j["abstract"] = conform::observation_text(o);
      j["optional"] = o.optional;
      j["note"] = o.note;
      if (!o.unmappable.empty()) j["unmappable"] = o.unmappable;
      const long step = k < r.step_of.size() ? r.step_of[k] : -1;
      j["step"] = step >= 0 && k < r.explained ? Json(step + 1) : Json(nullptr);
      if (step >= 0 && r.run && k < r.explained) {
        j["spec_segment"] = format_segment(sys.model(), r.run->steps[step].label.sent[r.sent_index[k]]);
        j["A"] = state_name(sys, r.run->steps[step].state, 0);
        j["B"] = state_name(sys, r.run->steps[step].state, 1);
      }
      jo.push_back(std::move(j));
    }
    jc["observations"] = jo;
    if (r.run && r.verdict != SearchResult::Verdict::ReplayFailed) {
      Json elided = Json::array();
      for (size_t i = 0; i < r.elided.size(); ++i)
        if (r.elided[i]) elided.push_back(i + 1);
      jc["run"] = trace_json(sys, *r.run);
      jc["delayed_ack_steps"] = elided;
      std::string note;
      if (!elided.empty())
        note = " (\"ACK withheld\": a bare ACK the spec sends here, which the capture does not show, is taken off the "
               "network; the sender's next segment carries its acknowledgement)";
      out << "   the run of the spec" << (r.verdict == SearchResult::Verdict::Admitted ? "" : " for the admitted prefix")
          << ", replayed through the model" << note << ":\n";
      out << indent(mark_delayed_acks(format_trace_table(sys, *r.run), r.elided), "   ");
      if (!cmd.svg_path.empty()) {
        const std::string path = svg_dir ? (std::filesystem::path(cmd.svg_path) / ("connection-" + std::to_string(c.number) + ".svg")).string()
                                         : cmd.svg_path;
        const std::string title = std::filesystem::path(cmd.capture).filename().string() + ", connection " +
                                  std::to_string(c.number) + ": " + verdict_word(r.verdict) + " by " +
                                  (model.name.empty() ? cmd.spec : model.name);
        if (auto e = write_file_atomically(path, trace_to_svg(sys, *r.run, title))) {
          err << "tcpmc: error: cannot write " << path << ": " << *e << "\n";
          return exit_code::kBadInput;
        }
        jc["svg"] = path;
      }
    }
    jconns.push_back(std::move(jc));
  }
  if (!cmd.json_path.empty()) {
    Json j = Json::object();
    j["capture"] = cmd.capture;
    j["spec"] = cmd.spec;
    j["name"] = model.name;
    j["link"] = cap.link;
    j["packets"] = cap.packets;
    j["tcp_segments"] = cap.segments.size();
    j["other_packets"] = cap.not_tcp;
    j["warnings"] = cap.warnings;
    j["faults"] = Json{{"loss", so.loss}, {"dup", faults.dup}, {"reorder", faults.reorder}};
    j["capacity"] = model.capacity;
    j["tick_ms"] = cmd.tick_ms > 0 ? Json(cmd.tick_ms) : Json(nullptr);
    j["seq_bits"] = model.seq_bits;
    j["connections"] = jconns;
    if (auto e = write_output(cmd.json_path, json_text(j, 2) + "\n", out_stream, err)) {
      err << "tcpmc: error: " << *e << "\n";
      return exit_code::kBadInput;
    }
  }
  if (internal) return exit_code::kInternal;
  if (rejected) return exit_code::kUnexpectedVerdict;
  if (bounded) return exit_code::kInconclusive;
  return exit_code::kAllAsExpected;
}

}  // namespace tcpmc
