// No input crashes or hangs the front end: every prefix of a valid spec, random bytes, random
// token sequences and random mutations of a valid spec (all with fixed seeds) come back either as
// a loaded spec (which is then explored under a state limit) or as error diagnostics that can be
// formatted. Also: the bound on expression height, and very long operator chains (which used to
// overflow the type checker's stack).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <tuple>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc {
namespace {

const std::string kValid = R"(spec fuzz "seed for the robustness tests"
const SEQ_BITS = 2
const MSL = 1
enum TcpState { CLOSED, LISTEN, SYN_SENT, ESTABLISHED }
endpoint {
  state: TcpState = CLOSED
  iss: seq
  tries: 0..2
  ghost opened: bool = false
  timer rexmt
}
ghost { resets: 0..1 }
segment {
  flags SYN, ACK, RST
  seq: seq
  ack: seq
  ghost inc: 0..1
}
network { capacity = 2, msl = MSL }
faults { loss = 1, dup = 0, reorder = true }
call listen in CLOSED when self == B { goto LISTEN }
call connect(isn: 0..1) in CLOSED when self == A {
  iss := isn
  send SYN (seq = isn, inc = 1)
  timer rexmt := 2
  goto SYN_SENT
}
recv syn(s) in LISTEN when s.SYN && !s.ACK {
  send SYN|ACK (seq = iss, ack = s.seq + 1)
  goto ESTABLISHED
}
recv synack(s) in SYN_SENT when s.SYN && s.ACK && s.ack == iss + 1 {
  stop rexmt
  opened := true
  goto ESTABLISHED
}
recv other(s) when s.RST { if tries < 2 { tries := tries + 1 } else { resets := 1 } }
timeout retry on rexmt in SYN_SENT when tries < 2 {
  tries := tries + 1
  send SYN (seq = iss)
  timer rexmt := 2
}
timeout give_up on rexmt in SYN_SENT { goto CLOSED }
invariant agree expect hold: A.state == ESTABLISHED && B.state == ESTABLISHED -> A.opened
stuck ends expect hold: A.state in {ESTABLISHED, CLOSED} && B.state != CLOSED
)";

struct Tally {
  int loaded = 0, rejected = 0;
};

// Loads `text` both through the loader and through the stages with a live SourceFile (so that the
// diagnostics can be formatted), and explores it when it loads. Returns whether it loaded.
bool exercise(const std::string& text, Tally& tally) {
  Diagnostics diags;
  auto spec = load_spec_text("fuzz.tcp", text, {}, diags);
  if (!spec) {
    EXPECT_TRUE(diags.has_errors());
    for (const auto& d : diags.all()) EXPECT_FALSE(d.message.empty());
    if (text.find('\0') == std::string::npos) {
      auto r = test::diagnose(text);
      EXPECT_EQ(r->diags.error_count(), diags.error_count());
      std::string f = r->formatted();  // every range resolves to a line and a caret
      EXPECT_NE(f.find("error: "), std::string::npos);
    }
    ++tally.rejected;
    return false;
  }
  EXPECT_FALSE(diags.has_errors()) << format_diagnostics(diags);
  CheckOptions opts;
  opts.limits.max_states = 3000;
  opts.limits.progress = false;
  auto r = check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), opts);
  EXPECT_TRUE(r);
  if (r) {
    EXPECT_FALSE(r->replay_failed);
  }
  ++tally.loaded;
  return true;
}

TEST(Robustness, TheSeedSpecIsValidAndChecks) {
  auto r = test::check_text(kValid);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->exploration.complete);
  EXPECT_FALSE(r->exploration.model_error.has_value());
  for (const auto& p : r->properties) EXPECT_TRUE(p.as_expected()) << p.name;
}

TEST(Robustness, EveryPrefixOfAValidSpec) {
  Tally t;
  for (size_t n = 0; n <= kValid.size(); ++n) exercise(kValid.substr(0, n), t);
  EXPECT_GT(t.loaded, 5);
  EXPECT_GT(t.rejected, 100);
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(424242);
  Tally t;
  for (int i = 0; i < 400; ++i) {
    int len = std::uniform_int_distribution<int>(0, 300)(rng);
    std::string s(len, ' ');
    for (auto& c : s) {
      c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
      if (i % 4 != 0 && c == '\0') c = '\1';  // most inputs without NUL, to reach the lexer
    }
    exercise(s, t);
  }
  EXPECT_GT(t.rejected, 350);
}

TEST(Robustness, RandomTokenSequences) {
  const std::vector<std::string> vocab = {
      "spec", "const", "enum", "endpoint", "ghost", "segment", "network", "faults", "call", "recv", "timeout",
      "invariant", "stuck", "expect", "hold", "violation", "in", "when", "on", "if", "then", "else", "goto", "send",
      "timer", "stop", "flags", "self", "peer", "A", "B", "seq", "bool", "true", "false", "expired", "running",
      "state", "CLOSED", "OPEN", "S", "x", "s", "t", "SYN", "SEQ_BITS", "capacity", "msl", "loss", "0", "1", "2",
      "65535", "{", "}", "(", ")", ",", ":", ";", ".", "..", ":=", "=", "==", "!=", "<", "<=", ">", ">=", "+", "-",
      "*", "/", "%", "!", "&&", "||", "->", "|", "\"str\"", "\n", "//c\n"};
  std::mt19937 rng(1234567);
  Tally t;
  for (int i = 0; i < 600; ++i) {
    int len = std::uniform_int_distribution<int>(1, 60)(rng);
    std::string s = i % 3 == 0 ? "enum S { CLOSED, OPEN }\nendpoint { state: S = CLOSED\n x: 0..2\n timer t }\n" : "";
    for (int k = 0; k < len; ++k) s += vocab[std::uniform_int_distribution<size_t>(0, vocab.size() - 1)(rng)] + " ";
    exercise(s, t);
  }
  EXPECT_GT(t.rejected, 500);
}

TEST(Robustness, RandomMutationsOfAValidSpec) {
  std::mt19937 rng(99);
  Tally t;
  const std::string pieces = "{}()=:;.,!<>|&-+*/%\"\n abcSA0129";
  for (int i = 0; i < 600; ++i) {
    std::string s = kValid;
    int edits = std::uniform_int_distribution<int>(1, 3)(rng);
    for (int e = 0; e < edits; ++e) {
      size_t at = std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
      size_t len = std::uniform_int_distribution<size_t>(1, 12)(rng);
      switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0: s.erase(at, len); break;                                   // delete a span
        case 1: s.insert(at, s.substr(at, len)); break;                    // duplicate a span
        case 2: s[at] = pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)]; break;
        case 3: s.insert(at, 1, pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)]); break;
      }
      if (s.empty()) s.push_back(' ');
    }
    exercise(s, t);
  }
  EXPECT_GT(t.loaded, 10);
  EXPECT_GT(t.rejected, 100);
}

std::string chain(int terms, const std::string& op, const std::string& term) {
  std::string e = term;
  for (int i = 1; i < terms; ++i) e += " " + op + " " + term;
  return e;
}

std::string chain_spec(int terms, const std::string& op, const std::string& term, const std::string& tail) {
  return "enum S { C }\nendpoint { state: S = C\n  n: 0..1 }\ninvariant p expect hold: " + chain(terms, op, term) +
         tail + "\n";
}

TEST(Robustness, ModeratelyLongOperatorChainsAreFine) {
  auto r = test::check_text("enum S { C }\nendpoint { state: S = C }\n"
                            "invariant sum expect hold: " + chain(150, "+", "1") + " == 150\n"
                            "invariant conj expect hold: " + chain(150, "&&", "true") + "\n"
                            "invariant disj expect hold: " + chain(100, "||", "A.state == C") + "\n");
  ASSERT_TRUE(r);
  for (const auto& p : r->properties) EXPECT_EQ(p.verdict, Verdict::Holds) << p.name;
}

// The parser bounds the height of an expression tree at 200, including left-deep operator chains:
// a chain of k terms has height k.
TEST(Robustness, ExpressionHeightLimitIsExact) {
  auto ok = test::diagnose("const K = " + chain(200, "+", "1") + "\nenum S { C }\nendpoint { state: S = C }\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted().substr(0, 300);
  ASSERT_EQ(ok->model.consts.size(), 1u);
  EXPECT_EQ(ok->model.consts[0].value, 200);
  auto bad = test::diagnose("const K = " + chain(201, "+", "1") + "\nenum S { C }\nendpoint { state: S = C }\n");
  ASSERT_EQ(bad->diags.error_count(), 1u);
  EXPECT_EQ(bad->diags.all()[0].message, "expression nested too deeply");
  EXPECT_EQ(test::where(bad->diags.all()[0]), "1:11");
}

// A property the front end accepts (height <= 200) must be checkable: either the loader rejects it
// with a diagnostic or the check runs.
TEST(Robustness, AcceptedDeepPropertyDoesNotThrow) {
    const std::string text = "enum S { C }\nendpoint { state: S = C }\ninvariant disj expect hold: " +
                           chain(130, "||", "A.state == C") + "\n";
  Diagnostics diags;
  auto spec = load_spec_text("deep.tcp", text, {}, diags);
  if (!spec) {
    EXPECT_TRUE(diags.has_errors());
    return;
  }
  CheckOptions opts;
  opts.limits.progress = false;
  EXPECT_NO_THROW(check_loaded(std::make_unique<LoadedSpec>(std::move(*spec)), opts));
}

// Very long chains are a diagnostic, not a stack overflow in a later recursive pass (regression
// test: a 40 KB spec with a chain of ~8000 '+' used to crash the type checker).
TEST(Robustness, LongOperatorChainsAreADiagnosticNotACrash) {
  for (const auto& [op, term, tail] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"+", "1", " > 0"}, {"&&", "true", ""}, {"||", "A.n == 0", ""}, {"*", "1", " == 1"}}) {
    SCOPED_TRACE(op);
    const std::string text = chain_spec(20000, op, term, tail);
    // In a child process, since the failure mode is a crash.
    EXPECT_EXIT(
        {
          Diagnostics diags;
          auto spec = load_spec_text("chain.tcp", text, {}, diags);
          bool ok = !spec && diags.error_count() == 1 && diags.all()[0].message == "expression nested too deeply";
          std::exit(ok ? 0 : 3);
        },
        ::testing::ExitedWithCode(0), "");
  }
}

}  // namespace
}  // namespace tcpmc
