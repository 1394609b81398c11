// The tcpmc executable end to end (TCPMC_BINARY): exit codes 0 (all as expected), 10 (unexpected
// verdict), 5 (inconclusive under --max-states), 1 (usage: unknown option, bad -D syntax, unknown
// -D constant, conflicting flags), 2 (bad spec, unreadable file, directory without specs, failed
// JSON write) and their precedence across several specs; -D and fault flags reaching the run;
// `--json FILE` and `--json -` producing valid JSON with the documented keys; and a failed JSON
// write leaving no partial file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

namespace fs = std::filesystem;

using Result = test::ChildResult;  // `out`: stdout and stderr together, unless merge_stderr is false

// Runs `tcpmc ARGS --no-progress` in `dir` (no shell), capturing output: stdout and stderr in one
// stream, or stdout alone when merge_stderr is false.
Result tcpmc(std::vector<std::string> args, const std::string& dir = "", bool merge_stderr = true) {
  args.push_back("--no-progress");
  return test::run_tcpmc(args, {.cwd = dir, .merge_stderr = merge_stderr});
}

Result tcpmc_raw(const std::vector<std::string>& args) {  // without the trailing --no-progress (usage cases)
  return test::run_tcpmc(args, {.merge_stderr = true});
}

std::string joined(const std::vector<std::string>& args) {  // for failure messages
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

class Cli : public test::TempDirTest {
 protected:
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

const std::string kCounters =
    "const N = 2\n"
    "enum S { CLOSED }\n"
    "endpoint { state: S = CLOSED\n  n: 0..N }\n"
    "call inc when n < N { n := n + 1 }\n"
    "invariant bounded expect hold: A.n <= N && B.n <= N\n";

const std::string kUnexpected =
    "enum S { CLOSED }\n"
    "endpoint { state: S = CLOSED\n  n: 0..2 }\n"
    "call inc when n < 2 { n := n + 1 }\n"
    "invariant small expect hold: A.n < 1\n";

const std::string kHandshake =
    "spec hs \"handshake with one loss\"\n"
    "enum TcpState { CLOSED, SYN_SENT, SYN_RECEIVED, ESTABLISHED }\n"
    "endpoint { state: TcpState = CLOSED }\n"
    "segment { flags SYN, ACK\n  seq: 0..3\n  ack: 0..3 }\n"
    "network { capacity = 1, msl = 2 }\n"
    "faults { loss = 1, dup = 0, reorder = false }\n"
    "const K = 7\n"
    "call connect in CLOSED when self == A { send SYN (seq = 0) goto SYN_SENT }\n"
    "recv syn(s) in CLOSED when s.SYN && !s.ACK { send SYN|ACK (seq = 2, ack = s.seq + 1) goto SYN_RECEIVED }\n"
    "recv synack(s) in SYN_SENT when s.SYN && s.ACK { send ACK (seq = 1, ack = s.seq + 1) goto ESTABLISHED }\n"
    "recv ack(s) in SYN_RECEIVED when s.ACK && !s.SYN { goto ESTABLISHED }\n"
    "stuck both_open expect violation: A.state == ESTABLISHED && B.state == ESTABLISHED\n"
    "invariant agree expect hold: A.state == ESTABLISHED -> B.state in {SYN_RECEIVED, ESTABLISHED}\n";

// ---- a small strict JSON validator (RFC 8259 grammar; strings are passed through byte-wise) ----
class Json {
 public:
  explicit Json(const std::string& s) : s_(s) {}
  bool valid() {
    ws();
    if (!value()) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  const std::string& s_;
  size_t i_ = 0;
  int depth_ = 0;
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool lit(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (s_.compare(i_, n, w) != 0) return false;
    i_ += n;
    return true;
  }
  bool string() {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      unsigned char c = s_[i_++];
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        char e = s_[i_++];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k)
            if (i_ >= s_.size() || !isxdigit(static_cast<unsigned char>(s_[i_++]))) return false;
        } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
          return false;
        }
      }
    }
    return false;
  }
  bool number() {
    size_t b = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !isdigit(static_cast<unsigned char>(s_[i_]))) return false;
    if (s_[i_] == '0') ++i_;
    else while (i_ < s_.size() && isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || !isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      while (i_ < s_.size() && isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    return i_ > b;
  }
  bool value() {
    if (++depth_ > 200) return false;
    ws();
    bool ok = false;
    if (i_ >= s_.size()) ok = false;
    else if (s_[i_] == '{') ok = container('}', true);
    else if (s_[i_] == '[') ok = container(']', false);
    else if (s_[i_] == '"') ok = string();
    else if (lit("true") || lit("false") || lit("null")) ok = true;
    else ok = number();
    --depth_;
    return ok;
  }
  bool container(char close, bool object) {
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == close) {
      ++i_;
      return true;
    }
    for (;;) {
      ws();
      if (object) {
        if (!string()) return false;
        ws();
        if (i_ >= s_.size() || s_[i_++] != ':') return false;
      }
      if (!value()) return false;
      ws();
      if (i_ >= s_.size()) return false;
      char c = s_[i_++];
      if (c == close) return true;
      if (c != ',') return false;
    }
  }
};

TEST(JsonValidator, SelfCheck) {
  EXPECT_TRUE(Json(R"([{"a":1,"b":[true,false,null],"c":"x\"y\u00e9","d":-1.5e3}])").valid());
  EXPECT_TRUE(Json("{}").valid());
  EXPECT_FALSE(Json(R"({"a":1,})").valid());
  EXPECT_FALSE(Json(R"([1 2])").valid());
  EXPECT_FALSE(Json(R"({"a":01})").valid());
  EXPECT_FALSE(Json("[\"a\nb\"]").valid());
  EXPECT_FALSE(Json(R"([1])x)").valid());
  EXPECT_FALSE(Json("").valid());
}

// ---- exit codes ----

TEST_F(Cli, ExitZeroWhenEverythingIsAsExpected) {
  write("c.tcp", kCounters);
  Result r = tcpmc({"check", "c.tcp"}, dir);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("== c.tcp: 9 states, 12 transitions, depth 4, complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bounded"), std::string::npos);
  EXPECT_EQ(r.out.find("UNEXPECTED"), std::string::npos) << r.out;
}

TEST_F(Cli, ExitTenOnAnUnexpectedVerdict) {
  write("u.tcp", kUnexpected);
  Result r = tcpmc({"check", "u.tcp"}, dir);
  EXPECT_EQ(r.code, 10) << r.out;
  EXPECT_NE(r.out.find("small     expect hold       violated   <-- NOT AS EXPECTED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("violated (1 steps) UNEXPECTED"), std::string::npos) << r.out;
}

TEST_F(Cli, ExitFiveWhenInconclusiveWithinMaxStates) {
  write("c.tcp", kCounters);
  Result r = tcpmc({"check", "c.tcp", "--max-states", "3"}, dir);
  EXPECT_EQ(r.code, 5) << r.out;
  EXPECT_NE(r.out.find("INCOMPLETE: max-states limit of 3 reached"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inconclusive (within the bounds explored)"), std::string::npos) << r.out;
  // The limit counts discovered states, and the run stops once it is reached while some states are
  // not yet expanded: with exactly 9 reachable states, --max-states 9 is still inconclusive (the
  // 9th state is discovered while 2 states wait), --max-states 10 completes.
  Result at = tcpmc({"check", "c.tcp", "--max-states", "9"}, dir);
  EXPECT_EQ(at.code, 5) << at.out;
  Result above = tcpmc({"check", "c.tcp", "--max-states", "10"}, dir);
  EXPECT_EQ(above.code, 0) << above.out;
  EXPECT_NE(above.out.find("9 states, 12 transitions, depth 4, complete"), std::string::npos) << above.out;
}

// An inconclusive verdict is not an unexpected one: no UNEXPECTED / NOT AS EXPECTED flags (exit 5, not 10).
TEST_F(Cli, InconclusiveIsNotCalledUnexpected) {
  write("c.tcp", kCounters);
  Result r = tcpmc({"check", "c.tcp", "--max-states", "3"}, dir);
  EXPECT_EQ(r.code, 5);
  EXPECT_EQ(r.out.find("UNEXPECTED"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NOT AS EXPECTED"), std::string::npos) << r.out;
}

TEST_F(Cli, ExitOneOnUsageErrors) {
  write("c.tcp", kCounters);
  Result unknown = tcpmc({"check", "c.tcp", "--bogus"}, dir);
  EXPECT_EQ(unknown.code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("--bogus"), std::string::npos) << unknown.out;

  Result no_eq = tcpmc({"check", "c.tcp", "-D", "FOO"}, dir);
  EXPECT_EQ(no_eq.code, 1) << no_eq.out;
  EXPECT_NE(no_eq.out.find("tcpmc: error: -D expects NAME=INTEGER, got 'FOO'"), std::string::npos) << no_eq.out;

  Result not_int = tcpmc({"check", "c.tcp", "-D", "N=abc"}, dir);
  EXPECT_EQ(not_int.code, 1) << not_int.out;
  EXPECT_NE(not_int.out.find("-D expects NAME=INTEGER, got 'N=abc'"), std::string::npos) << not_int.out;

  Result no_name = tcpmc({"check", "c.tcp", "-D", "=3"}, dir);
  EXPECT_EQ(no_name.code, 1) << no_name.out;

  Result unknown_const = tcpmc({"check", "c.tcp", "-D", "M=3"}, dir);
  EXPECT_EQ(unknown_const.code, 1) << unknown_const.out;
  EXPECT_NE(unknown_const.out.find("-D M: error: the spec has no constant 'M'; did you mean 'N'?"), std::string::npos)
      << unknown_const.out;

  EXPECT_EQ(tcpmc({"check", "c.tcp", "--reorder", "--no-reorder"}, dir).code, 1);
  EXPECT_EQ(tcpmc({"check", "c.tcp", "--loss", "16"}, dir).code, 1);
  EXPECT_EQ(tcpmc({"check"}, dir).code, 1);
  EXPECT_EQ(tcpmc_raw({}).code, 1);
  EXPECT_EQ(tcpmc_raw({"frobnicate"}).code, 1);
}

TEST_F(Cli, EngineAndDepthOptions) {
  write("c.tcp", kCounters);
  // Until a symbolic engine is built, bmc and kind fall back to the explicit search.
  EXPECT_EQ(tcpmc({"check", "c.tcp", "--engine", "bmc", "--depth", "5"}, dir).code, 0);
  EXPECT_EQ(tcpmc({"check", "c.tcp", "--engine", "kind"}, dir).code, 0);
  EXPECT_EQ(tcpmc({"check", "c.tcp", "--engine", "explicit"}, dir).code, 0);
  EXPECT_EQ(tcpmc({"check", "c.tcp", "--engine", "kind", "--depth", "10000"}, dir).code, 0);
  // The JSON records them.
  Result bmc = tcpmc({"check", "c.tcp", "--engine", "bmc", "--depth", "5", "--json", "-"}, dir, false);
  EXPECT_NE(bmc.out.find("\"fairness\":\"spec\",\"engine\":\"bmc\",\"depth\":5}"), std::string::npos) << bmc.out;
  Result plain = tcpmc({"check", "c.tcp", "--json", "-"}, dir, false);
  EXPECT_NE(plain.out.find("\"engine\":\"explicit\",\"depth\":null}"), std::string::npos) << plain.out;
  // --depth bounds only the symbolic engines.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"check", "c.tcp", "--depth", "5"},
                                               std::vector<std::string>{"check", "c.tcp", "--engine", "explicit", "--depth", "5"}}) {
    Result r = tcpmc(args, dir);
    EXPECT_EQ(r.code, 1) << joined(args) << "\n" << r.out;
    EXPECT_NE(r.out.find("tcpmc: error: --depth bounds the symbolic engines; give --engine bmc or --engine kind"),
              std::string::npos)
        << r.out;
  }
  for (const char* bad : {"0", "10001", "-1", "x"}) {
    Result r = tcpmc({"check", "c.tcp", "--engine", "bmc", "--depth", bad}, dir);
    EXPECT_EQ(r.code, 1) << "--depth " << bad << "\n" << r.out;
    EXPECT_NE(r.out.find("--depth"), std::string::npos) << r.out;
  }
  // --lemma-ctis explains k-induction's lemmas only.
  for (const std::vector<std::string>& args : {std::vector<std::string>{"check", "c.tcp", "--lemma-ctis"},
                                               std::vector<std::string>{"check", "c.tcp", "--engine", "bmc", "--lemma-ctis"}}) {
    Result r = tcpmc(args, dir);
    EXPECT_EQ(r.code, 1) << joined(args) << "\n" << r.out;
    EXPECT_NE(r.out.find("tcpmc: error: --lemma-ctis explains the lemmas k-induction does not prove; give --engine kind"),
              std::string::npos)
        << r.out;
  }
  Result unknown = tcpmc({"check", "c.tcp", "--engine", "z3"}, dir);
  EXPECT_EQ(unknown.code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("--engine"), std::string::npos) << unknown.out;
  // check only: the other commands do not take them.
  EXPECT_EQ(tcpmc({"report", "c.tcp", "--engine", "bmc", "--out", "rep"}, dir).code, 1);
  EXPECT_EQ(tcpmc({"sweep", "c.tcp", "-D", "N=1..2", "--depth", "3"}, dir).code, 1);
}

TEST_F(Cli, VersionAndHelpExitZero) {
  Result v = tcpmc_raw({"--version"});
  EXPECT_EQ(v.code, 0) << v.out;
  EXPECT_NE(v.out.find("tcpmc 0.1.0"), std::string::npos);
  EXPECT_EQ(tcpmc_raw({"check", "--help"}).code, 0);
}

TEST_F(Cli, ExitTwoOnUnreadableInput) {
  Result missing = tcpmc({"check", "nope.tcp"}, dir);
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_NE(missing.out.find("nope.tcp: error: cannot read spec: No such file or directory"), std::string::npos)
      << missing.out;

  fs::create_directories(dir + "/empty");
  write("empty/readme.txt", "not a spec");
  Result empty = tcpmc({"check", "empty"}, dir);
  EXPECT_EQ(empty.code, 2) << empty.out;
  EXPECT_NE(empty.out.find("empty: error: no .tcp spec files in this directory"), std::string::npos) << empty.out;

  write("nul.tcp", std::string("enum S { A1 }\0\n", 15));
  Result nul = tcpmc({"check", "nul.tcp"}, dir);
  EXPECT_EQ(nul.code, 2) << nul.out;
  EXPECT_NE(nul.out.find("nul.tcp: error: not a spec: the file contains NUL bytes"), std::string::npos) << nul.out;
}

// A bad spec: exit 2 and compiler-style diagnostics (regression test: this used to crash with
// SIGSEGV, a use-after-free of the spec's source text while rendering the diagnostics).
TEST_F(Cli, BadSpecExitsTwoWithTheDiagnostic) {
  write("bad.tcp",
        "enum S { CLOSED, FIN_WAIT_2 }\n"
        "endpoint { state: S = CLOSED }\n"
        "call a { goto FIN_WAIT2 }\n");
  Result r = tcpmc({"check", "bad.tcp"}, dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad.tcp:3:15: error: unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?\n"
                       " 3 | call a { goto FIN_WAIT2 }\n"
                       "   |               ^~~~~~~~~\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("bad.tcp: 1 error"), std::string::npos) << r.out;
}

TEST_F(Cli, PrecedenceAcrossSeveralSpecs) {
  write("c.tcp", kCounters);
  write("u.tcp", kUnexpected);
  // Unexpected beats inconclusive. With --max-states 4, u.tcp expands (0,0) and (1,0) -- where its
  // invariant fails -- before stopping; c.tcp is cut short with its property unviolated.
  Result a = tcpmc({"check", "u.tcp", "c.tcp", "--max-states", "4"}, dir);
  EXPECT_EQ(a.code, 10) << a.out;
  EXPECT_NE(a.out.find("inconclusive"), std::string::npos) << a.out;
  // With --max-states 3 only the initial state is expanded: u.tcp's violation is not seen yet.
  EXPECT_EQ(tcpmc({"check", "u.tcp", "--max-states", "3"}, dir).code, 5);
  // Bad input beats an unexpected verdict.
  Result b = tcpmc({"check", "u.tcp", "missing.tcp"}, dir);
  EXPECT_EQ(b.code, 2) << b.out;
  // An unknown -D constant alone is a usage error (1); together with a bad input it is 2.
  EXPECT_EQ(tcpmc({"check", "c.tcp", "-D", "M=1"}, dir).code, 1);
  Result c = tcpmc({"check", "c.tcp", "missing.tcp", "-D", "M=1"}, dir);
  EXPECT_EQ(c.code, 2) << c.out;
}

TEST_F(Cli, DirectoryExpandsToItsSpecsInOrder) {
  write("d/b.tcp", kCounters);
  write("d/a.tcp", kCounters);
  write("d/notes.md", "ignored");
  Result r = tcpmc({"check", "d", "-q"}, dir);
  EXPECT_EQ(r.code, 0) << r.out;
  size_t a = r.out.find("d/a.tcp"), b = r.out.find("d/b.tcp");
  ASSERT_NE(a, std::string::npos) << r.out;
  ASSERT_NE(b, std::string::npos) << r.out;
  EXPECT_LT(a, b);
  EXPECT_EQ(r.out.find("notes.md"), std::string::npos);
}

TEST_F(Cli, DefinesAndFaultFlagsReachTheRun) {
  write("c.tcp", kCounters);
  Result r = tcpmc({"check", "c.tcp", "-D", "N=3"}, dir);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("16 states, 24 transitions, depth 6"), std::string::npos) << r.out;  // 4x4, 12 + 12
  EXPECT_NE(r.out.find("constants: N=3*"), std::string::npos) << r.out;

  write("h.tcp", kHandshake);
  Result f = tcpmc({"check", "h.tcp", "--loss", "0", "--dup", "1", "--reorder"}, dir);
  EXPECT_NE(f.out.find("faults: loss 0, dup 1, reorder; capacity 1, msl 2"), std::string::npos) << f.out;
  // Without loss every segment arrives (duplicates are discarded), so the handshake always
  // completes: both_open, expected to be violated, holds.
  EXPECT_EQ(f.code, 10) << f.out;
  EXPECT_NE(f.out.find("both_open  violation  holds UNEXPECTED"), std::string::npos) << f.out;
}

TEST_F(Cli, ThreadCountDoesNotChangeTheResults) {
  write("h.tcp", kHandshake);
  auto strip_time = [](std::string j) { return std::regex_replace(j, std::regex("\"seconds\":[^,]*,"), ""); };
  Result one = tcpmc({"check", "h.tcp", "--loss", "1", "--dup", "1", "--reorder", "-j", "1", "--json", "-"}, dir, false);
  Result four = tcpmc({"check", "h.tcp", "--loss", "1", "--dup", "1", "--reorder", "-j", "4", "--json", "-"}, dir, false);
  EXPECT_EQ(one.code, 0);
  EXPECT_EQ(four.code, 0);
  EXPECT_TRUE(Json(one.out).valid());
  EXPECT_EQ(strip_time(one.out), strip_time(four.out));
  // 0 means one thread per core; a negative or absurd count is a usage error.
  EXPECT_EQ(tcpmc({"check", "h.tcp", "-j", "0"}, dir).code, 0);
  EXPECT_EQ(tcpmc({"check", "h.tcp", "-j", "-1"}, dir).code, 1);
  EXPECT_EQ(tcpmc({"check", "h.tcp", "-j", "99999999999"}, dir).code, 1);
}

// Shipped specs at small bounds (tens to hundreds of thousands of states, wide enough for the
// parallel merge), two with violated properties and counterexamples: the JSON, witnesses and
// coverage included, is the same at -j1, -j2 and -j3 apart from timings; --no-progress leaves
// stderr empty.
TEST_F(Cli, ShippedSpecsGiveTheSameJsonForEveryThreadCount) {
  auto strip_time = [](std::string j) { return std::regex_replace(j, std::regex("\"seconds\":[^,}]*"), ""); };
  const std::string specs = std::string(TCPMC_SOURCE_DIR) + "/specs/";
  const std::vector<std::vector<std::string>> runs = {
      {specs + "rfc9293.tcp", "-D", "MAX_DATA=0", "--loss", "0", "--dup", "0"},
      {specs + "lossy_network.tcp", "-D", "MAX_DATA=0", "--loss", "0", "--dup", "0"},
      {specs + "no_time_wait.tcp", "-D", "MAX_DATA=0", "--loss", "0", "--dup", "0", "--no-reorder"}};
  for (const auto& run : runs) {
    SCOPED_TRACE(joined(run));
    auto with_threads = [&](const char* j) {
      std::vector<std::string> args = {"check"};
      args.insert(args.end(), run.begin(), run.end());
      args.insert(args.end(), {"-j", j, "--json", "-"});
      return tcpmc(args, dir, false);
    };
    Result one = with_threads("1");
    EXPECT_TRUE(Json(one.out).valid());
    EXPECT_NE(one.out.find("\"violated\""), std::string::npos);
    for (const char* j : {"2", "3"}) {
      Result many = with_threads(j);
      EXPECT_EQ(many.code, one.code);
      EXPECT_EQ(strip_time(many.out), strip_time(one.out));
    }
  }
  // --no-progress: nothing on stderr.
  Result quiet = test::run_tcpmc({"check", specs + "lossy_network.tcp", "-D", "MAX_DATA=0", "-j", "2", "--no-progress"});
  EXPECT_EQ(quiet.err, "");
}

// ---- JSON ----

TEST_F(Cli, JsonFileIsValidAndHasTheDocumentedKeys) {
  write("h.tcp", kHandshake);
  Result r = tcpmc({"check", "h.tcp", "--json", "out.json"}, dir);
  EXPECT_EQ(r.code, 0) << r.out;
  const std::string j = read(dir + "/out.json");
  ASSERT_FALSE(j.empty());
  EXPECT_TRUE(Json(j).valid()) << j;
  EXPECT_EQ(j.front(), '[');
  // The same figures as the library computes.
  auto lib = test::check_text(kHandshake);
  ASSERT_TRUE(lib);
  for (const std::string& key : {
           std::string("{\"spec\":\"h.tcp\",\"name\":\"hs\","),
           "\"states\":" + std::to_string(lib->exploration.states) + ",",
           "\"transitions\":" + std::to_string(lib->exploration.transitions) + ",",
           "\"depth\":" + std::to_string(lib->exploration.depth) + ",",
           std::string("\"complete\":true,"),
           std::string("\"faults\":{\"loss\":1,\"dup\":0,\"reorder\":false}"),
           std::string("\"constants\":{\"K\":7}"),
           std::string("\"properties\":[{\"name\":\"both_open\",\"kind\":\"stuck\","
                       "\"expression\":\"A.state == ESTABLISHED && B.state == ESTABLISHED\",\"expect\":\"violation\","
                       "\"verdict\":\"violated\",\"basis\":\"search\",\"bound\":0,\"as_expected\":true,"
                       "\"counterexample\":{\"length\":2,\"initial\":{"),
           std::string("\"event\":\"A connect; sends A→B [S] seq=0\",\"kind\":\"call\",\"rule\":\"connect\","
                       "\"A\":{\"state\":\"SYN_SENT\",\"variables\":{},\"ghost\":{},\"timers\":{}},"
                       "\"B\":{\"state\":\"CLOSED\",\"variables\":{},\"ghost\":{},\"timers\":{}},\"ghost\":{},\"segment\":null"),
           std::string("\"event\":\"network loses A→B [S] seq=0\",\"kind\":\"loss\",\"rule\":null,"
                       "\"A\":{\"state\":\"SYN_SENT\",\"variables\":{},\"ghost\":{},\"timers\":{}},"
                       "\"B\":{\"state\":\"CLOSED\",\"variables\":{},\"ghost\":{},\"timers\":{}},\"ghost\":{},"
                       "\"segment\":{\"from\":\"A\",\"to\":\"B\",\"flags\":\"[S]\",\"seq\":0,\"ack\":0,\"len\":0,"
                       "\"text\":\"[S] seq=0\"}"),
           std::string("\"in_flight\":{\"A->B\":[{\"from\":\"A\",\"to\":\"B\",\"flags\":\"[S]\",\"seq\":0,"
                       "\"ack\":0,\"len\":0,\"text\":\"[S] seq=0\",\"age\":0}],\"B->A\":[]},"
                       "\"in_flight_text\":{\"A->B\":\"{[S] seq=0 @0}\",\"B->A\":\"{}\"}"),
           std::string("{\"name\":\"agree\",\"kind\":\"invariant\","
                       "\"expression\":\"A.state == ESTABLISHED -> B.state in {SYN_RECEIVED, ESTABLISHED}\","
                       "\"expect\":\"hold\",\"verdict\":\"holds\",\"basis\":\"search\",\"bound\":0,\"as_expected\":true,"
                       "\"counterexample\":null,\"witness\":null}"),
           std::string("\"coverage\":{\"rules\":[{\"name\":\"connect\",\"endpoint\":\"A\",\"kind\":\"call\",\"fired\":"),
           std::string("\"endpoint_transitions\":["),
           std::string("{\"endpoint\":\"A\",\"from\":\"CLOSED\",\"event\":\"call connect\",\"to\":\"SYN_SENT\",\"count\":"),
           std::string("{\"endpoint\":\"B\",\"from\":\"CLOSED\",\"event\":\"recv syn\",\"to\":\"SYN_RECEIVED\",\"count\":"),
       })
    EXPECT_NE(j.find(key), std::string::npos) << "missing: " << key << "\nin: " << j;
  // A's instance of syn never fires: nothing reaches A in CLOSED.
  EXPECT_NE(j.find("{\"name\":\"syn\",\"endpoint\":\"A\",\"kind\":\"recv\",\"fired\":0,"), std::string::npos) << j;
}

TEST_F(Cli, JsonToStdoutKeepsStdoutPureJson) {
  write("c.tcp", kCounters);
  write("u.tcp", kUnexpected);
  Result r = tcpmc({"check", "c.tcp", "u.tcp", "--json", "-"}, dir, /*merge_stderr=*/false);
  EXPECT_EQ(r.code, 10);
  EXPECT_TRUE(Json(r.out).valid()) << r.out;
  EXPECT_NE(r.out.find("\"spec\":\"c.tcp\""), std::string::npos);
  EXPECT_NE(r.out.find("\"spec\":\"u.tcp\""), std::string::npos);
  EXPECT_NE(r.out.find("\"as_expected\":false"), std::string::npos);
  EXPECT_EQ(r.out.find("=="), std::string::npos) << "human output leaked into stdout";
}

TEST_F(Cli, JsonForAnUnreadableSpecSaysInvalid) {
  Result r = tcpmc({"check", "missing.tcp", "--json", "-"}, dir, /*merge_stderr=*/false);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Json(r.out).valid()) << r.out;
  EXPECT_NE(r.out.find("{\"spec\":\"missing.tcp\",\"valid\":false,\"diagnostics\":["
                       "\"missing.tcp: error: cannot read spec: No such file or directory\\n\"]}"),
            std::string::npos)
      << r.out;
}

TEST_F(Cli, FailedJsonWriteLeavesNoFileAndExitsTwo) {
  write("c.tcp", kCounters);
  Result r = tcpmc({"check", "c.tcp", "--json", "nodir/out.json"}, dir);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("error: cannot write nodir/out.json"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir + "/nodir"));

  // The target is an existing directory: the rename fails; nothing is left behind, the directory stays.
  fs::create_directories(dir + "/taken");
  Result t = tcpmc({"check", "c.tcp", "--json", "taken"}, dir);
  EXPECT_EQ(t.code, 2) << t.out;
  EXPECT_TRUE(fs::is_directory(dir + "/taken"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "leftover " << e.path();

  // A previous good file is replaced whole by a later successful run.
  Result ok = tcpmc({"check", "c.tcp", "--json", "out.json"}, dir);
  EXPECT_EQ(ok.code, 0);
  EXPECT_TRUE(Json(read(dir + "/out.json")).valid());
}

}  // namespace
}  // namespace tcpmc
