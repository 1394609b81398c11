// Shared helpers for the unit tests: load a spec from a string, find a diagnostic and its
// line:col, run the explicit engine on a spec text, and walk the reachable states of a compiled
// system directly (to assert on slots the spec language cannot observe, such as the loss budget).
#pragma once
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "compiled_system.hpp"
#include "diagnostics.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "spec_loader.hpp"
#include "trace_format.hpp"
#include "verifier.hpp"

namespace tcpmc::test {

// A three-way handshake with retransmission under loss, duplication and reordering: small
// (500 states) and exercising every kind of transition; engine tests share it.
inline const std::string kHandshakeSpec =
    "enum TcpState { CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED }\n"
    "endpoint { state: TcpState = CLOSED\n  timer rexmt }\n"
    "segment { flags SYN, ACK\n  seq: 0..3\n  ack: 0..3 }\n"
    "network { capacity = 2, msl = 2 }\n"
    "faults { loss = 1, dup = 1, reorder = true }\n"
    "call connect(isn: 0..2) in CLOSED when self == A { send SYN (seq = isn) timer rexmt := 2 goto SYN_SENT }\n"
    "recv syn(s) in CLOSED when s.SYN && !s.ACK { send SYN|ACK (seq = 2, ack = s.seq + 1) goto SYN_RECEIVED }\n"
    "recv synack(s) in SYN_SENT when s.SYN && s.ACK { stop rexmt send ACK (seq = 1, ack = s.seq + 1) goto ESTABLISHED }\n"
    "recv ack(s) in SYN_RECEIVED when s.ACK && !s.SYN { goto ESTABLISHED }\n"
    "timeout rexmt_fired on rexmt in SYN_SENT { send SYN (seq = 0) timer rexmt := 2 }\n"
    "stuck both_open expect violation: A.state == ESTABLISHED && B.state == ESTABLISHED\n"
    "invariant agree expect hold: A.state == ESTABLISHED -> B.state in {SYN_RECEIVED, ESTABLISHED}\n"
    "invariant never_open expect violation: A.state != ESTABLISHED\n";

// A fixture with a fresh temporary directory per test, removed afterwards, and a way to write
// files into it (creating subdirectories as needed).
class TempDirTest : public ::testing::Test {
 protected:
  std::string dir;
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "tcpmc_test_XXXXXX";
    std::vector<char> b(tmpl.begin(), tmpl.end());
    b.push_back('\0');
    ASSERT_NE(mkdtemp(b.data()), nullptr);
    dir = b.data();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string path(const std::string& name) const { return dir + "/" + name; }
  std::string write(const std::string& name, const std::string& text) {
    std::string p = path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

struct Loaded {
  Diagnostics diags;
  std::optional<LoadedSpec> spec;
  bool ok() const { return spec.has_value() && !diags.has_errors(); }
};

inline std::unique_ptr<Loaded> load(const std::string& text, const ConstOverrides& ov = {},
                                    const std::string& path = "test.tcp") {
  auto l = std::make_unique<Loaded>();
  l->spec = load_spec_text(path, text, ov, l->diags);
  return l;
}

// The front end's verdict on a spec text, running the stages directly (parse, then type check,
// without include resolution) with the SourceFile owned next to the diagnostics and the model.
// lexer_parser_test.cpp checks that load_spec_text reports the same.
struct Diagnosed {
  std::unique_ptr<SourceFile> src;
  Diagnostics diags;
  ir::Model model;
  std::string formatted() const { return format_diagnostics(diags); }
};

inline std::unique_ptr<Diagnosed> diagnose(const std::string& text, const ConstOverrides& ov = {},
                                           const std::string& path = "test.tcp") {
  auto d = std::make_unique<Diagnosed>();
  d->src = std::make_unique<SourceFile>(path, text);
  ast::Spec spec = parse_spec(*d->src, d->diags);
  d->model = check_spec(spec, ov, d->diags);
  return d;
}

// The first diagnostic (error or warning) whose message contains `needle`, or nullptr.
inline const Diagnostic* find_diag(const Diagnostics& ds, const std::string& needle) {
  for (const auto& d : ds.all())
    if (d.message.find(needle) != std::string::npos) return &d;
  return nullptr;
}

// "line:col" of a diagnostic's range start ("?" if it has no location).
inline std::string where(const Diagnostic& d) {
  if (!d.range.valid()) return "?";
  LineCol lc = d.range.file->position(d.range.begin);
  return std::to_string(lc.line) + ":" + std::to_string(lc.col);
}

// The text a diagnostic's range covers.
inline std::string covered(const Diagnostic& d) {
  if (!d.range.valid()) return "";
  return d.range.file->text().substr(d.range.begin, d.range.end - d.range.begin);
}

// "line:col" of the n-th (0-based) occurrence of `needle` in `text`, computed independently of
// SourceFile so that tests do not hard-code offsets.
inline std::string pos_in(const std::string& text, const std::string& needle, int nth = 0) {
  size_t at = std::string::npos, from = 0;
  for (int i = 0; i <= nth; ++i) {
    at = text.find(needle, from);
    if (at == std::string::npos) return "not found";
    from = at + 1;
  }
  int line = 1, col = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

inline std::string all_messages(const Diagnostics& ds) { return format_diagnostics(ds); }

// Loads and checks a spec (the spec must be valid; the test fails otherwise).
inline std::unique_ptr<SpecResult> check_text(const std::string& text, CheckOptions opts = {},
                                              const ConstOverrides& ov = {}) {
  opts.limits.progress = false;
  Diagnostics diags;
  auto spec = load_spec_text("test.tcp", text, ov, diags);
  EXPECT_TRUE(spec.has_value()) << format_diagnostics(diags);
  if (!spec) return nullptr;
  return check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), opts);
}

// The run from the initial state that takes, at each step, the first successor whose event reads
// as the next of `events` (describe_event).
inline Trace follow(const CompiledSystem& sys, const std::vector<std::string>& events) {
  const int n = sys.layout().num_slots();
  Trace t;
  t.initial.resize(n);
  sys.initial_state(t.initial.data());
  Scratch sc = sys.make_scratch();
  for (const auto& e : events) {
    std::optional<TraceStep> next;
    sys.successors(t.final_state().data(), sc, [&](const Label& l, const int32_t* s) {
      if (!next && describe_event(sys, l) == e) next = TraceStep{l, std::vector<int32_t>(s, s + n)};
    });
    EXPECT_TRUE(next) << "no step '" << e << "' after " << t.steps.size() << " steps";
    if (!next) break;
    t.steps.push_back(*next);
  }
  return t;
}

inline CheckOptions faults(int loss, int dup, bool reorder) {
  CheckOptions o;
  o.loss = loss;
  o.dup = dup;
  o.reorder = reorder;
  o.limits.progress = false;
  return o;
}

inline const PropertyReport& prop(const SpecResult& r, const std::string& name) {
  for (const auto& p : r.properties)
    if (p.name == name) return p;
  ADD_FAILURE() << "no property " << name;
  static PropertyReport none;
  return none;
}

// Breadth-first walk of every reachable (unpacked) state of a compiled system, independent of
// the engine; calls visit(state, successors) once per state, where successors is a list of
// (label kind, next state).
struct Succ {
  Label::Kind kind;
  std::vector<int32_t> next;
  Label label;
};
inline uint64_t walk(const CompiledSystem& sys,
                     const std::function<void(const std::vector<int32_t>&, const std::vector<Succ>&)>& visit) {
  const StateLayout& L = sys.layout();
  const int n = L.num_slots();
  struct H {
    size_t operator()(const std::vector<uint64_t>& v) const {
      size_t h = 0;
      for (auto w : v) h = h * 1000003u ^ std::hash<uint64_t>()(w);
      return h;
    }
  };
  std::unordered_set<std::vector<uint64_t>, H> seen;
  std::vector<std::vector<int32_t>> queue;
  std::vector<int32_t> init(n);
  sys.initial_state(init.data());
  std::vector<uint64_t> packed(L.num_words());
  L.pack(init.data(), packed.data());
  seen.insert(packed);
  queue.push_back(init);
  Scratch sc = sys.make_scratch();
  for (size_t i = 0; i < queue.size(); ++i) {
    std::vector<Succ> succs;
    std::vector<int32_t> cur = queue[i];
    sys.successors(cur.data(), sc, [&](const Label& lab, const int32_t* next) {
      succs.push_back({lab.kind, std::vector<int32_t>(next, next + n), lab});
    });
    for (const auto& s : succs) {
      L.pack(s.next.data(), packed.data());
      if (seen.insert(packed).second) queue.push_back(s.next);
    }
    visit(cur, succs);
  }
  return queue.size();
}

// The whole content of a file ("" if it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces a file's content (created with the process's umask).
inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A temporary directory holding a copy of specs/rfc9293.tcp, for test specs that include it, and
// a check of one of them on small bounds (no loss, no duplication; FIFO unless `reorder`).
class Rfc9293Test : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write("rfc9293.tcp", read_file(std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp"));
  }
  std::unique_ptr<SpecResult> run(const std::string& spec, const ConstOverrides& defines,
                                  std::vector<std::string> props, bool reorder = false) {
    CheckOptions o = faults(0, 0, reorder);
    o.defines = defines;
    o.properties = std::move(props);
    Diagnostics d;
    auto r = check_spec_file(spec, o, d);
    EXPECT_TRUE(r) << format_diagnostics(d);
    return r;
  }
};

}  // namespace tcpmc::test
