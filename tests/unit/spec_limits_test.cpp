// Limits of the spec front end and of the model: input that is too deep, too noisy, not text, not
// a regular file, arithmetically out of range, absurdly large, or sending more segments in one
// rule firing than a firing records (kMaxSends) comes back as located diagnostics (or, at run time, as a model error), never as a crash, a hang or a flood of output.
// The tests whose failure mode on a broken front end is a crash or a hang run in a child process
// (EXPECT_EXIT) with an alarm, so that they fail instead of taking the test binary down.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::covered;
using test::pos_in;
using test::where;

const std::string kHead =
    "enum S { C, D }\n"
    "endpoint {\n"
    "  state: S = C\n"
    "  x: 0..3\n"
    "}\n";

// Loads `text`; true when it fails with exactly one error, `message`, at `at` (line:col), and
// with `note` (if not empty) among that error's notes. Says what it found on stderr otherwise.
bool one_error(const std::string& text, const std::string& message, const std::string& at,
               const std::string& note = "") {
  Diagnostics diags;
  auto spec = load_spec_text("deep.tcp", text, {}, diags);
  bool ok = !spec && diags.error_count() == 1 && diags.all().size() == 1 && diags.all()[0].message == message &&
            where(diags.all()[0]) == at;
  if (ok && !note.empty()) {
    ok = false;
    for (const auto& n : diags.all()[0].notes) ok = ok || n.message == note;
  }
  if (!ok) {
    std::cerr << "expected one error '" << message << "' at " << at << "; got " << diags.error_count()
              << " errors:\n"
              << (diags.all().empty() ? "" : diags.all()[0].message + " at " + where(diags.all()[0])) << "\n";
  }
  return ok;
}

// In a child process: a crash (stack overflow) or a hang (the alarm) fails the test.
#define EXPECT_IN_CHILD(cond)                 \
  EXPECT_EXIT(                                \
      {                                       \
        alarm(120);                           \
        std::exit((cond) ? 0 : 3);            \
      },                                      \
      ::testing::ExitedWithCode(0), "")

const char* kDeepNote = "nesting too deep (limit 200)";

std::string nested_ifs(int n) {
  std::string s = kHead + "call r in C {\n";
  for (int i = 0; i < n; ++i) s += "if x == 0 {\n";
  s += "x := 1\n";
  for (int i = 0; i < n; ++i) s += "}\n";
  return s + "}\n";
}

std::string else_if_chain(int n) {
  std::string s = kHead + "call r in C {\nif x == 0 { x := 1 }\n";
  for (int i = 1; i < n; ++i) s += "else if x == 0 { x := 1 }\n";
  return s + "}\n";
}

// ---- 1. nesting depth ----

TEST(SpecLimits, DeeplyNestedIfIsOneLocatedError) {
  const std::string text = nested_ifs(100000);
  EXPECT_IN_CHILD(one_error(text, kDeepNote, pos_in(text, "if x", 200)));
}

TEST(SpecLimits, LongElseIfChainIsOneLocatedError) {
  const std::string text = else_if_chain(100000);
  EXPECT_IN_CHILD(one_error(text, kDeepNote, pos_in(text, "if x", 200)));
}

// Exactly at the limit, the spec loads and every later pass (type checking, compilation,
// exploration) copes with it.
TEST(SpecLimits, StatementNestingLimitIsExact) {
  for (const auto& make : {nested_ifs, else_if_chain}) {
    auto r = test::check_text(make(200));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->exploration.complete);
    EXPECT_FALSE(r->exploration.model_error.has_value());
    const std::string bad = make(201);
    EXPECT_TRUE(one_error(bad, kDeepNote, pos_in(bad, "if x", 200)));
  }
}

TEST(SpecLimits, LongMemberChainIsOneLocatedError) {
  std::string e = "A.x";
  for (int i = 0; i < 1000000; ++i) e += ".x";
  const std::string text = kHead + "invariant p expect hold: " + e + " == 0\n";
  EXPECT_IN_CHILD(one_error(text, "expression nested too deeply", pos_in(text, "A.x"), kDeepNote));
}

TEST(SpecLimits, DeepParenthesesUnaryAndConditionalsAreOneLocatedError) {
  struct Case {
    std::string open, atom, close, at;
  };
  for (const Case& c : std::vector<Case>{{"(", "true", ")", "("},
                                         {"!", "true", "", "!"},
                                         {"-", "1 == 0", "", "-"},
                                         {"if true then ", "true", " else false", "if"}}) {
    SCOPED_TRACE(c.open);
    std::string e;
    for (int i = 0; i < 100000; ++i) e += c.open;
    e += c.atom;
    for (int i = 0; i < 100000; ++i) e += c.close;
    const std::string text = kHead + "invariant p expect hold: " + e + "\n";
    // The 201st opening is where the limit is exceeded.
    EXPECT_IN_CHILD(one_error(text, "expression nested too deeply", pos_in(text, c.at, 200), kDeepNote));
  }
}

TEST(SpecLimits, LongImplicationChainIsOneLocatedError) {
  std::string e;
  for (int i = 0; i < 100000; ++i) e += "A.x == 0 -> ";
  const std::string text = kHead + "invariant p expect hold: " + e + "true\n";
  EXPECT_IN_CHILD(one_error(text, "expression nested too deeply", pos_in(text, "->", 200), kDeepNote));
}

// A set's members are folded into a balanced disjunction, so that a long set stays shallow.
TEST(SpecLimits, LongSetIsShallowAfterLowering) {
  std::string set = "0";
  for (int i = 1; i < 1000; ++i) set += ", " + std::to_string(i % 4);
  auto r = test::check_text(kHead + "invariant p expect hold: A.x in {" + set + "}\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->properties.at(0).verdict, Verdict::Holds);
}

// A rule's `in` list is lowered to a balanced disjunction too: a long one loads and checks.
TEST(SpecLimits, LongStateListIsShallowAfterLowering) {
  std::string states = "C";
  for (int i = 0; i < 100000; ++i) states += ", C";
  const std::string text = kHead + "call r in " + states + " { goto D }\n";
  EXPECT_IN_CHILD([&] {
    auto r = test::check_text(text);
    return r && r->exploration.complete && r->exploration.states == 4 && !r->exploration.model_error;
  }());
}

// ---- 2. capped diagnostics ----

TEST(SpecLimits, DiagnosticsAreCappedButCountedInFull) {
  const std::string text = kHead + std::string(1 << 20, '@') + "\n";
  Diagnostics diags;
  EXPECT_FALSE(load_spec_text("garbage.tcp", text, {}, diags));
  EXPECT_EQ(diags.error_count(), size_t{1} << 20);  // the true count
  ASSERT_EQ(diags.all().size(), 20u);               // the first 20 are kept
  EXPECT_EQ(diags.all()[0].message, "unexpected character '@'");
  EXPECT_EQ(where(diags.all()[0]), "6:1");
  EXPECT_EQ(where(diags.all()[19]), "6:20");
  const std::string f = format_diagnostics(diags);
  size_t errors = 0;
  for (size_t at = f.find(": error: "); at != std::string::npos; at = f.find(": error: ", at + 1)) ++errors;
  EXPECT_EQ(errors, 20u);
  const std::string note = "garbage.tcp: note: " + std::to_string((1 << 20) - 20) + " more errors not shown\n";
  ASSERT_GE(f.size(), note.size());
  EXPECT_EQ(f.substr(f.size() - note.size()), note);
}

TEST(SpecLimits, BinaryGarbageGivesABoundedReport) {
  std::mt19937 rng(7);
  std::string text(1 << 20, ' ');
  for (auto& c : text) c = static_cast<char>(std::uniform_int_distribution<int>(1, 255)(rng));
  Diagnostics diags;
  EXPECT_FALSE(load_spec_text("binary.tcp", text, {}, diags));
  EXPECT_GT(diags.error_count(), 1000u);
  EXPECT_LE(diags.all().size(), 20u);
  const std::string f = format_diagnostics(diags);
  EXPECT_LT(f.size(), 200000u);
  EXPECT_NE(f.find(" more errors not shown\n"), std::string::npos);
}

TEST(SpecLimits, AppendKeepsTheCapAndTheCount) {
  SourceFile f("a.tcp", "x");
  Diagnostics a, b;
  for (int i = 0; i < 15; ++i) a.error({&f, 0, 1}, "a" + std::to_string(i));
  for (int i = 0; i < 15; ++i) b.error({&f, 0, 1}, "b" + std::to_string(i));
  a.append(b);
  EXPECT_EQ(a.error_count(), 30u);
  ASSERT_EQ(a.all().size(), 20u);
  EXPECT_EQ(a.all()[19].message, "b4");
  EXPECT_NE(format_diagnostics(a).find("a.tcp: note: 10 more errors not shown\n"), std::string::npos);
}

// ---- 3. one diagnostic per bad character ----

TEST(SpecLimits, MultiByteCharacterIsOneDiagnostic) {
  for (const std::string ch : {"\xE2\x86\x92" /* → */, "\xC3\xA9" /* é */, "\xF0\x9F\x98\x80" /* 😀 */}) {
    const std::string text = kHead + "call c { x := 1 " + ch + " + 2 }\n";
    auto r = test::diagnose(text);
    ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
    const Diagnostic& d = r->diags.all()[0];
    EXPECT_EQ(where(d), "6:17");
    EXPECT_EQ(covered(d), ch);
    EXPECT_EQ(d.message.rfind("unexpected character '" + ch + "' (U+", 0), 0u) << d.message;
  }
  auto arrow = test::diagnose(kHead + "call c { x := 1 \xE2\x86\x92 + 2 }\n");
  EXPECT_EQ(arrow->diags.all().at(0).message, "unexpected character '\xE2\x86\x92' (U+2192)");
}

TEST(SpecLimits, InvalidUtf8SequenceIsOneDiagnostic) {
  struct Case {
    std::string bytes, shown;
  };
  for (const Case& c : std::vector<Case>{{"\xE2\x86", "0xe2 0x86"},   // truncated 3-byte sequence
                                         {"\xC3", "0xc3"},             // lead byte without continuation
                                         {"\x80", "0x80"},             // stray continuation byte
                                         {"\xC0\xAF", "0xc0"},         // overlong lead byte: invalid alone
                                         {"\xED\xA0\x80", "0xed"},     // a surrogate
                                         {"\xF4\x90\x80\x80", "0xf4"}}) {  // above U+10FFFF
    SCOPED_TRACE(c.shown);
    const std::string text = kHead + "call c { x := 1 " + c.bytes + "\n}\n";
    auto r = test::diagnose(text);
    ASSERT_GE(r->diags.error_count(), 1u) << r->formatted();
    const Diagnostic& d = r->diags.all()[0];
    EXPECT_EQ(d.message, "invalid UTF-8 sequence " + c.shown);
    EXPECT_EQ(where(d), "6:17");
  }
  // A truncated sequence is one error, and what follows it is lexed again.
  auto r = test::diagnose(kHead + "call c { x := 1 \xE2\x86 }\n");
  EXPECT_EQ(r->diags.error_count(), 1u) << r->formatted();
}

TEST(SpecLimits, CaretIsAlignedByCharactersNotBytes) {
  const std::string text = kHead + "call c { x := 1 \xC3\xA9\xC3\xA9 @ }\n";
  auto r = test::diagnose(text);
  const Diagnostic* at = test::find_diag(r->diags, "unexpected character '@'");
  ASSERT_NE(at, nullptr) << r->formatted();
  EXPECT_EQ(where(*at), "6:22");  // columns count bytes
  // The caret sits under '@': 17 ASCII characters and two 'é' before it.
  EXPECT_NE(format_diagnostic(*at).find("\n   | " + std::string(19, ' ') + "^\n"), std::string::npos)
      << format_diagnostic(*at);
  const Diagnostic* e = test::find_diag(r->diags, "(U+00E9)");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(format_diagnostic(*e).find("\n   | " + std::string(16, ' ') + "^\n"), std::string::npos)
      << format_diagnostic(*e);
}

// ---- 4. not a regular file ----

class SpecFiles : public test::TempDirTest {};

TEST_F(SpecFiles, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = path("pipe.tcp");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_IN_CHILD([&] {
    Diagnostics diags;
    bool ok = !load_spec_file(fifo, {}, diags) &&
              format_diagnostics(diags) == fifo + ": error: cannot read spec: not a regular file (a FIFO)\n";
    if (!ok) std::cerr << format_diagnostics(diags);
    return ok;
  }());
  const std::string derived = write("derived.tcp", "include \"pipe.tcp\"\n" + kHead);
  EXPECT_IN_CHILD([&] {
    Diagnostics diags;
    bool ok = !load_spec_file(derived, {}, diags) && diags.error_count() == 1 &&
              diags.all()[0].message == "cannot read '" + fifo + "': not a regular file (a FIFO)" &&
              where(diags.all()[0]) == "1:1";
    if (!ok) std::cerr << format_diagnostics(diags);
    return ok;
  }());
}

TEST_F(SpecFiles, SocketAndDirectoryAreRefused) {
  const std::string sock = path("s.tcp");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof addr.sun_path);
  std::copy(sock.begin(), sock.end(), addr.sun_path);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  {
    Diagnostics diags;
    EXPECT_FALSE(load_spec_file(sock, {}, diags));
    EXPECT_EQ(format_diagnostics(diags), sock + ": error: cannot read spec: not a regular file (a socket)\n");
  }
  close(fd);
  // A character device is refused too, without reading it (spec_include_test: /dev/zero).
  {
    Diagnostics diags;
    EXPECT_FALSE(load_spec_file("/dev/null", {}, diags));
    EXPECT_EQ(format_diagnostics(diags), "/dev/null: error: cannot read spec: not a regular file (a character device)\n");
  }
  write("sub/x.tcp", kHead);
  const std::string derived = write("derived.tcp", "\n  include \"sub\"\n" + kHead);
  Diagnostics diags;
  EXPECT_FALSE(load_spec_file(derived, {}, diags));
  ASSERT_EQ(diags.error_count(), 1u) << format_diagnostics(diags);
  EXPECT_EQ(diags.all()[0].message, "cannot read '" + path("sub") + "': it is a directory");
  EXPECT_EQ(where(diags.all()[0]), "2:3");
}

// ---- 5. arithmetic overflow ----

TEST(SpecLimits, HugeLiteralIsALocatedError) {
  const std::string text = "const X = 9223372036854775807 + 1\n" + kHead;
  auto l = test::load(text);
  EXPECT_FALSE(l->ok());
  const Diagnostic* d = test::find_diag(l->diags, "is too large");
  ASSERT_NE(d, nullptr) << test::all_messages(l->diags);
  EXPECT_EQ(where(*d), "1:11");
}

TEST(SpecLimits, DefineOutOfRangeIsAnError) {
  const std::string text = "const X = 1\nconst Y = X * X * X\n" + kHead + "invariant p expect hold: Y > 0\n";
  for (int64_t v : {int64_t{9999999999}, int64_t{-1000000000}, INT64_MIN, INT64_MAX}) {
    auto l = test::load(text, {{"X", v}});
    EXPECT_FALSE(l->ok());
    ASSERT_EQ(l->diags.error_count(), 1u) << test::all_messages(l->diags);
    EXPECT_EQ(format_diagnostics(l->diags), "-D X: error: value " + std::to_string(v) +
                                                " is out of range (at most 999999999 in magnitude)\n");
  }
  auto ok = test::load(text, {{"X", 999}});
  EXPECT_TRUE(ok->ok()) << test::all_messages(ok->diags);
}

TEST(SpecLimits, RunTimeOverflowIsAModelError) {
  const std::string text =
      "enum S { C, D }\n"
      "endpoint {\n"
      "  state: S = C\n"
      "  x: 999999000..999999999\n"
      "}\n"
      "call go in C {\n"
      "  if x * x * x > 0 { goto D }\n"
      "}\n";
  auto r = test::check_text(text);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->exploration.model_error.has_value());
  EXPECT_EQ(r->exploration.model_error->status, ExecStatus::Overflow);
  EXPECT_EQ(describe_model_error(*r->exploration.model_error), "test.tcp:7:6: model error: arithmetic overflow");
}

TEST(SpecLimits, InterpreterDetectsEveryOverflow) {
  auto run = [](std::vector<Instr> code) {
    Code c;
    c.instrs = std::move(code);
    c.instrs.push_back({Opc::Halt});
    c.ranges.resize(c.instrs.size());
    ExecContext ctx;
    int32_t state[1] = {0};
    ctx.state = state;
    return run_code(c, ctx);
  };
  auto cat = [](std::vector<Instr> a, const std::vector<Instr>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const std::vector<Instr> two62 = {{Opc::Const, 1 << 30}, {Opc::Const, 1 << 30}, {Opc::Mul}, {Opc::Const, 4},
                                    {Opc::Mul}};  // 2^62, no overflow yet
  const std::vector<Instr> int64_min = cat(cat(cat(two62, {{Opc::Neg}}), two62), {{Opc::Sub}});  // -2^62 - 2^62
  EXPECT_EQ(run(two62), ExecStatus::Ok);
  EXPECT_EQ(run(int64_min), ExecStatus::Ok);
  EXPECT_EQ(run(cat(two62, {{Opc::Const, 2}, {Opc::Mul}})), ExecStatus::Overflow);           // 2^63
  EXPECT_EQ(run(cat(cat(two62, two62), {{Opc::Add}})), ExecStatus::Overflow);                // 2^62 + 2^62
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, 1}, {Opc::Sub}})), ExecStatus::Overflow);       // INT64_MIN - 1
  EXPECT_EQ(run(cat(int64_min, {{Opc::Neg}})), ExecStatus::Overflow);                        // -INT64_MIN
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, -1}, {Opc::Div}})), ExecStatus::Overflow);      // INT64_MIN / -1
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, -1}, {Opc::Mod}})), ExecStatus::Overflow);      // INT64_MIN % -1
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, -1}, {Opc::Mul}})), ExecStatus::Overflow);      // INT64_MIN * -1
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, 2}, {Opc::Div}})), ExecStatus::Ok);
  // Sequence arithmetic wraps modulo 2^n by definition: never an overflow.
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, -1}, {Opc::SeqAdd, 0, 7}})), ExecStatus::Ok);
  EXPECT_EQ(run(cat(int64_min, {{Opc::Const, 1}, {Opc::SeqSub, 0, 7}})), ExecStatus::Ok);
}

// ---- 6. initial values of ranges without 0 ----

TEST(SpecLimits, RangeWithoutZeroStartsAtItsLowerBound) {
  const std::string text =
      "const SEQ_BITS = 2\n"
      "enum S { C, D }\n"
      "endpoint {\n"
      "  state: S = C\n"
      "  x: -5..-1\n"
      "  y: 3..7\n"
      "  z: -2..2\n"
      "  w: -5..-1 = -3\n"
      "}\n"
      "ghost { g: 10..12 }\n"
      "segment {\n"
      "  flags SYN\n"
      "  f: -8..-1\n"
      "  h: 4..5\n"
      "}\n"
      "call go in C when self == A { x := x + 1\n send SYN (h = 5)\n goto D }\n"
      "recv r(s) { y := 7\n if s.f == 0 { g := 12 } }\n"
      "invariant ranges expect hold: A.x >= -5 && A.x <= -1 && B.y >= 3 && A.z == 0 && B.w == -3 && g >= 10\n"
      "invariant start expect hold: A.state == C -> A.x == -5\n";
  auto l = test::load(text);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  const ir::Model& m = l->spec->model;
  ASSERT_EQ(m.endpoint_vars.size(), 5u);
  EXPECT_EQ(m.endpoint_vars[1].init, -5);
  EXPECT_EQ(m.endpoint_vars[2].init, 3);
  EXPECT_EQ(m.endpoint_vars[3].init, 0);
  EXPECT_EQ(m.endpoint_vars[4].init, -3);
  EXPECT_EQ(m.global_vars.at(0).init, 10);

  CompiledSystem sys(m, {0, 0, false});
  std::vector<int32_t> init(sys.layout().num_slots());
  sys.initial_state(init.data());
  for (int ep = 0; ep < 2; ++ep) {
    EXPECT_EQ(init[sys.layout().ep_var(ep, 1)], -5);
    EXPECT_EQ(init[sys.layout().ep_var(ep, 2)], 3);
  }
  // Every reachable state packs and unpacks to itself, including the unset (0) segment field
  // whose declared range -8..-1 does not contain 0.
  const StateLayout& L = sys.layout();
  uint64_t n = test::walk(sys, [&](const std::vector<int32_t>& s, const std::vector<test::Succ>&) {
    std::vector<uint64_t> w(L.num_words());
    std::vector<int32_t> back(s.size());
    L.pack(s.data(), w.data());
    L.unpack(w.data(), back.data());
    EXPECT_EQ(back, s);
  });
  EXPECT_GT(n, 2u);

  auto r = test::check_text(text, test::faults(0, 0, false));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->exploration.model_error.has_value());
  for (const auto& p : r->properties) EXPECT_EQ(p.verdict, Verdict::Holds) << p.name;
}

// ---- 7. absurd parameter domains and ranges ----

TEST(SpecLimits, RuleWithTooManyParameterCombinationsIsRefused) {
  const std::string text = kHead + "call big(a: 0..255, b: 0..255, c: 0..255, d: 0..255) in C { x := 1 }\n";
  auto l = test::load(text);
  EXPECT_FALSE(l->ok());
  ASSERT_EQ(l->diags.error_count(), 1u) << test::all_messages(l->diags);
  const Diagnostic& d = l->diags.all()[0];
  EXPECT_EQ(d.message, "rule 'big' has 4294967296 parameter combinations (limit 1048576)");
  EXPECT_EQ(where(d), pos_in(text, "a: 0"));
  EXPECT_EQ(covered(d), "a: 0..255, b: 0..255, c: 0..255, d: 0..255");
  // At the limit, one rule is fine; the total over all rules is bounded too.
  std::string ok = kHead + "call r0(a: 0..255, b: 0..255, c: 0..15) in C { x := 1 }\n";
  EXPECT_TRUE(test::load(ok)->ok());
  std::string many = kHead;
  for (int i = 0; i < 5; ++i)
    many += "call r" + std::to_string(i) + "(a: 0..255, b: 0..255, c: 0..15) in C { x := 1 }\n";
  auto lm = test::load(many);
  ASSERT_EQ(lm->diags.error_count(), 1u) << test::all_messages(lm->diags);
  EXPECT_EQ(lm->diags.all()[0].message,
            "the rules have 5242880 parameter combinations in all (limit 4194304); rule 'r4' exceeds it");
  EXPECT_EQ(where(lm->diags.all()[0]), pos_in(many, "a: 0", 4));
}

TEST(SpecLimits, AbsurdVariableRangeIsALocatedError) {
  const std::string text = "enum S { C }\nendpoint {\n  state: S = C\n  x: -999999999..999999999\n}\n";
  auto l = test::load(text);
  ASSERT_EQ(l->diags.error_count(), 1u) << test::all_messages(l->diags);
  EXPECT_EQ(l->diags.all()[0].message,
            "range -999999999..999999999 is too wide for explicit-state checking (at most 65536 values)");
  EXPECT_EQ(where(l->diags.all()[0]), "4:6");
}

// ---- 8. sends per firing ----
// A firing records every segment it sends in fixed arrays of kMaxSends (4) entries (the trace
// label, send monitors and the loss accounting of a full channel read them), so the type checker
// refuses a rule that may send more: statements in sequence add up, an `if` counts its larger
// branch, and the error points at the first send beyond the limit on that path.

const std::string kSendHead =
    "const SEQ_BITS = 3\n"
    "enum S { C, D }\n"
    "endpoint {\n"
    "  state: S = C\n"
    "  x: 0..3\n"
    "  ghost segs: 0..7\n"
    "}\n"
    "segment {\n"
    "  flags SYN\n"
    "  seq: seq\n"
    "}\n";

std::string sends(int from, int n) {
  std::string s;
  for (int i = from; i < from + n; ++i) s += "  send SYN (seq = " + std::to_string(i) + ")\n";
  return s;
}

TEST(SpecLimits, FourSendsInOneFiringAreAllRecorded) {
  static_assert(kMaxSends == 4, "the texts below are written for a limit of 4");
  const std::string spec = kSendHead + "call burst in C when self == A {\n" + sends(1, 4) + "  goto D\n}\n" +
                           "monitor each on send(o) { segs := segs + 1 }\n"
                           "reachable all_seen expect hold: A.segs == 4\n";
  const std::string all4 = "A burst; sends A→B [S] seq=1; sends A→B [S] seq=2; sends A→B [S] seq=3; sends A→B [S] seq=4";
  {
    // Room for all four: the label lists them and the send monitor counts them.
    auto r = test::check_text(spec + "network { capacity = 4, msl = 0 }\n", test::faults(0, 0, false));
    ASSERT_TRUE(r);
    const auto& w = test::prop(*r, "all_seen");
    ASSERT_EQ(w.verdict, Verdict::Holds);
    ASSERT_EQ(w.counterexample->steps.size(), 1u);
    EXPECT_EQ(describe_event(*r->system, w.counterexample->steps[0].label), all4);
  }
  {
    // Capacity 3: the fourth is lost to the full channel, shown, observed and charged to the budget.
    auto r = test::check_text(spec + "network { capacity = 3, msl = 0 }\n", test::faults(1, 0, false));
    ASSERT_TRUE(r);
    const auto& w = test::prop(*r, "all_seen");
    ASSERT_EQ(w.verdict, Verdict::Holds);
    ASSERT_EQ(w.counterexample->steps.size(), 1u);
    EXPECT_EQ(describe_event(*r->system, w.counterexample->steps[0].label), all4 + " (lost: network full)");
    EXPECT_EQ(w.counterexample->steps[0].state[r->system->layout().loss_slot()], 1);
    // Without a loss budget the firing is blocked instead.
    auto blocked = test::check_text(spec + "network { capacity = 3, msl = 0 }\n", test::faults(0, 0, false));
    ASSERT_TRUE(blocked);
    EXPECT_EQ(test::prop(*blocked, "all_seen").verdict, Verdict::Violated);
    EXPECT_GT(blocked->exploration.coverage.capacity_blocked, 0u);
  }
}

TEST(SpecLimits, FiveSendsInSequenceAreRefusedAtTheFifth) {
  const std::string text = kSendHead + "call burst in C {\n" + sends(1, 5) + "}\n";
  EXPECT_TRUE(one_error(text, "rule 'burst' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(text, "send", 4)));
  auto d = test::diagnose(text);
  ASSERT_EQ(d->diags.all().size(), 1u);
  EXPECT_EQ(covered(d->diags.all()[0]), "send");
  EXPECT_EQ(d->formatted(),
            "test.tcp:17:3: error: rule 'burst' may send 5 segments in one firing; at most 4 are allowed\n"
            " 17 |   send SYN (seq = 5)\n"
            "    |   ^~~~\n");
  // Every kind of rule is bounded; the message counts the whole path, the error is at its fifth send.
  const std::string seven = "const SEQ_BITS = 3\nenum S { C, D }\nendpoint {\n  state: S = C\n  timer rexmt\n}\n"
                            "segment {\n  flags SYN\n  seq: seq\n}\n"
                            "recv r(s) {\n" + sends(1, 7) + "}\n";
  EXPECT_TRUE(one_error(seven, "rule 'r' may send 7 segments in one firing; at most 4 are allowed",
                        pos_in(seven, "send", 4)));
  const std::string timeout = "const SEQ_BITS = 3\nenum S { C, D }\nendpoint {\n  state: S = C\n  timer rexmt\n}\n"
                              "segment {\n  flags SYN\n  seq: seq\n}\n"
                              "timeout t on rexmt {\n" + sends(1, 5) + "}\n";
  EXPECT_TRUE(one_error(timeout, "rule 't' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(timeout, "send", 4)));
}

TEST(SpecLimits, SendsInABranchCountOnTheirPath) {
  // Three, then an `if` with two in its `then` branch (and none in the implicit `else`): 5.
  const std::string then2 = kSendHead + "call r in C {\n" + sends(1, 3) + "  if x == 0 {\n" + sends(4, 2) + "  }\n}\n";
  EXPECT_TRUE(one_error(then2, "rule 'r' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(then2, "send", 4)));
  // The longer branch counts, here the `else` one, and the error is on that path.
  const std::string else2 =
      kSendHead + "call r in C {\n" + sends(1, 3) + "  if x == 0 {\n" + sends(4, 1) + "  } else {\n" + sends(5, 2) + "  }\n}\n";
  EXPECT_TRUE(one_error(else2, "rule 'r' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(else2, "send", 5)));
  // Nested: the limit is crossed inside the inner `if`, after the outer branch's first send.
  const std::string nested = kSendHead + "call r in C {\n" + sends(1, 2) + "  if x == 0 {\n" + sends(3, 1) +
                             "    if x == 1 {\n" + sends(4, 2) + "    }\n  }\n}\n";
  EXPECT_TRUE(one_error(nested, "rule 'r' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(nested, "send", 4)));
  // A send after the `if` is the fifth on the path through the longer branch.
  const std::string after = kSendHead + "call r in C {\n" + sends(1, 2) + "  if x == 0 {\n" + sends(3, 2) +
                            "  }\n" + sends(5, 1) + "}\n";
  EXPECT_TRUE(one_error(after, "rule 'r' may send 5 segments in one firing; at most 4 are allowed",
                        pos_in(after, "send", 4)));
}

TEST(SpecLimits, BranchesCountTheirMaximumNotTheirSum) {
  // Two, then two in either branch: four on every path (six statements in all).
  const std::string text = kSendHead + "call r in C when self == A {\n" + sends(1, 2) + "  if x == 0 {\n" +
                           sends(3, 2) + "  } else {\n" + sends(5, 2) + "  }\n  goto D\n}\n" +
                           "network { capacity = 4, msl = 0 }\n";
  auto l = test::load(text);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  CompiledSystem sys(l->spec->model, {0, 0, false});
  std::vector<std::string> events;
  test::walk(sys, [&](const std::vector<int32_t>&, const std::vector<test::Succ>& succs) {
    for (const auto& s : succs)
      if (s.kind == Label::Kind::Call) events.push_back(describe_event(sys, s.label));
  });
  ASSERT_EQ(events.size(), 1u);  // x is 0 in the initial state
  EXPECT_EQ(events[0], "A r; sends A→B [S] seq=1; sends A→B [S] seq=2; sends A→B [S] seq=3; sends A→B [S] seq=4");
}

// The engine does not rely on the type checker alone: a model built around it with more sends
// than a firing records is refused when compiled, never run with sends silently dropped.
TEST(SpecLimits, CompilingARuleWithTooManySendsIsRefused) {
  auto l = test::load(kSendHead + "call r in C {\n" + sends(1, 4) + "}\n");
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  ir::Model m = l->spec->model;
  EXPECT_NO_THROW(CompiledSystem(m, {0, 0, false}));
  ir::Stmt extra = m.rules.at(0).body.at(0);
  ir::Stmt branch;
  branch.kind = ir::Stmt::Kind::If;
  branch.value = m.rules[0].guard;
  branch.else_body.push_back(extra);
  m.rules[0].body.push_back(branch);
  EXPECT_EQ(ir::count_sends(m.rules[0].body, kMaxSends).most, 5);
  EXPECT_THROW(CompiledSystem(m, {0, 0, false}), std::logic_error);
}

// The packed layout copes with any slot width up to 64 bits without undefined shifts.
TEST(SpecLimits, StateLayoutHandlesSixtyFourBitSlots) {
  ir::Model m;
  m.endpoint_vars.push_back({"wide", ir::Type::integer(INT64_MIN, INT64_MAX), false, 0, {}});
  m.endpoint_vars.push_back({"w32", ir::Type::integer(INT32_MIN, INT32_MAX), false, 0, {}});
  m.endpoint_vars.push_back({"b", ir::Type::boolean(), false, 0, {}});
  m.capacity = 1;
  m.msl = 1;
  StateLayout L(m, {0, 0, false});
  EXPECT_EQ(L.slot(0).bits, 64);
  EXPECT_EQ(L.slot(1).bits, 32);
  std::vector<int32_t> s(L.num_slots(), 0), back(L.num_slots(), 7);
  s[L.ep_var(0, 0)] = -5;
  s[L.ep_var(0, 1)] = INT32_MIN;
  s[L.ep_var(0, 2)] = 1;
  s[L.ep_var(1, 0)] = INT32_MAX;
  s[L.ep_var(1, 1)] = INT32_MAX;
  std::vector<uint64_t> w(L.num_words());
  L.pack(s.data(), w.data());
  L.unpack(w.data(), back.data());
  EXPECT_EQ(back, s);
}

}  // namespace
}  // namespace tcpmc
