// Type checker: name resolution with "did you mean" hints (states, variables, fields, flags,
// timers), duplicate declarations with the "previously declared here" note, type mismatches,
// the ghost discipline, the rule/property scoping of endpoint variables (peer.x, A.x, bare x),
// the required `state` variable, -D overrides (unknown name, and that they change values),
// ranges, several errors in one run, and the read/write sets the checker computes.
// Every diagnostic is checked for its message and its line:col.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::covered;
using test::diagnose;
using test::find_diag;
using test::pos_in;
using test::where;
using test::all_messages;
using test::load;

const std::string kDecls =
    "const SEQ_BITS = 3\n"                                                         // 1
    "const MAX = 3\n"                                                              // 2
    "enum TcpState { CLOSED, LISTEN, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 }\n"      // 3
    "endpoint {\n"                                                                 // 4
    "  state: TcpState = CLOSED\n"                                                 // 5
    "  iss: seq\n"                                                                 // 6
    "  n: 0..MAX\n"                                                                // 7
    "  ok: bool = false\n"                                                         // 8
    "  ghost seen: 0..MAX\n"                                                       // 9
    "  timer rexmt\n"                                                              // 10
    "}\n"                                                                          // 11
    "ghost { total: 0..MAX }\n"                                                    // 12
    "segment {\n"                                                                  // 13
    "  flags SYN, ACK, FIN\n"                                                      // 14
    "  seq: seq\n"                                                                 // 15
    "  ghost tag: 0..MAX\n"                                                        // 16
    "}\n";                                                                         // 17
// Rules appended to kDecls start on line 18.

struct Expect {
  std::string message;
  std::string at;       // line:col
  std::string covers;   // the text under the caret
};

// Checks that `rule` (appended to kDecls) produces exactly one error with that message and place.
void expect_single(const std::string& rule, const Expect& e) {
  const std::string text = kDecls + rule;
  auto r = diagnose(text);
  SCOPED_TRACE(rule);
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  const Diagnostic& d = r->diags.all()[0];
  EXPECT_EQ(d.message, e.message);
  EXPECT_EQ(where(d), e.at) << r->formatted();
  EXPECT_EQ(covered(d), e.covers) << r->formatted();
}

TEST(TypeCheck, ValidDeclarationsHaveNoDiagnostics) {
  auto r = diagnose(kDecls + "call c in CLOSED when n < MAX { n := n + 1 }\ninvariant p expect hold: A.n <= MAX\n");
  EXPECT_FALSE(r->diags.has_errors()) << r->formatted();
  EXPECT_EQ(r->model.seq_bits, 3);
  EXPECT_EQ(r->model.endpoint_vars.size(), 5u);  // state, iss, n, ok, seen (timers are separate)
  EXPECT_EQ(r->model.timers.size(), 1u);
  // Flags come first in the segment's fields.
  ASSERT_EQ(r->model.seg_fields.size(), 5u);
  EXPECT_TRUE(r->model.seg_fields[2].is_flag);
  EXPECT_EQ(r->model.seg_fields[3].name, "seq");
  EXPECT_TRUE(r->model.seg_fields[4].ghost);
}

TEST(TypeCheck, UnknownStateSuggestsTheClosestMember) {
  const std::string text = kDecls + "call a in FIN_WAIT2 { goto FIN_WAIT2 }\n";
  auto r = diagnose(text);
  ASSERT_EQ(r->diags.error_count(), 2u) << r->formatted();
  for (int i = 0; i < 2; ++i) {
    const Diagnostic& d = r->diags.all()[i];
    EXPECT_EQ(d.message, "unknown state 'FIN_WAIT2'; did you mean 'FIN_WAIT_2'?");
    EXPECT_EQ(where(d), pos_in(text, "FIN_WAIT2", i));
    EXPECT_EQ(covered(d), "FIN_WAIT2");
  }
  EXPECT_EQ(where(r->diags.all()[0]), "18:11");
  EXPECT_EQ(where(r->diags.all()[1]), "18:28");
}

TEST(TypeCheck, UnknownNamesWithSuggestions) {
  expect_single("call d { nn := 1 }\n", {"unknown variable 'nn'; did you mean 'n'?", "18:10", "nn"});
  expect_single("call d when totl == 0 { n := 1 }\n", {"unknown name 'totl'; did you mean 'total'?", "18:13", "totl"});
  expect_single("call e { send SYN|ACKK (seq = 1) }\n", {"unknown flag 'ACKK'; did you mean 'ACK'?", "18:19", "ACKK"});
  expect_single("call g { send SYN (sq = 1) }\n", {"unknown segment field 'sq'; did you mean 'seq'?", "18:20", "sq"});
  expect_single("recv q(s) when s.sq == 1 { n := 1 }\n", {"a segment has no field 'sq'; did you mean 'seq'?", "18:18", "sq"});
  expect_single("call f { timer rexmit := 1 }\n", {"unknown timer 'rexmit'; did you mean 'rexmt'?", "18:16", "rexmit"});
  expect_single("timeout t on rexmt2 { n := 1 }\n", {"unknown timer 'rexmt2'; did you mean 'rexmt'?", "18:14", "rexmt2"});
  expect_single("call h when expired(rexmy) { n := 1 }\n", {"unknown timer 'rexmy'; did you mean 'rexmt'?", "18:21", "rexmy"});
  expect_single("invariant i2 expect hold: A.nn == 0\n", {"an endpoint has no variable 'nn'; did you mean 'n'?", "18:29", "nn"});
  expect_single("call x { n := 1 }\ncall y when expird(rexmt) { n := 1 }\n",
                {"unknown function 'expird'; did you mean 'expired'?", "19:13", "expird"});
  expect_single("endpoint { m: bol }\n", {"unknown type 'bol'; did you mean 'bool'?", "18:15", "bol"});
}

// A name declared twice: the error at the second declaration, a note at the first.
struct Dup {
  std::string message, at, prev;  // at, prev: line:col
};

// The first errors of `r` are these duplicates, in this order.
void expect_duplicates(const test::Diagnosed& r, const std::vector<Dup>& want) {
  ASSERT_GE(r.diags.all().size(), want.size()) << r.formatted();
  for (size_t i = 0; i < want.size(); ++i) {
    const Diagnostic& d = r.diags.all()[i];
    EXPECT_EQ(d.message, want[i].message);
    EXPECT_EQ(where(d), want[i].at);
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].message, "previously declared here");
    ASSERT_TRUE(d.notes[0].range.valid());
    LineCol lc = d.notes[0].range.file->position(d.notes[0].range.begin);
    EXPECT_EQ(std::to_string(lc.line) + ":" + std::to_string(lc.col), want[i].prev);
  }
}

TEST(TypeCheck, DuplicateDeclarationsPointAtThePreviousOne) {
  const std::string text =
      "const MAX = 2\n"                 // 1
      "const MAX = 3\n"                 // 2
      "enum S { CLOSED, OPEN }\n"       // 3
      "endpoint {\n"                    // 4
      "  state: S = CLOSED\n"           // 5
      "  CLOSED: bool\n"                // 6
      "}\n"                             // 7
      "call d { goto OPEN }\n"          // 8
      "call d { goto CLOSED }\n"        // 9
      "invariant p expect hold: true\n"  // 10
      "invariant p expect hold: true\n";  // 11
  auto r = diagnose(text);
  ASSERT_EQ(r->diags.error_count(), 4u) << r->formatted();
  expect_duplicates(*r, {{"'MAX' is already declared", "2:7", "1:7"},
                           {"'CLOSED' is already declared", "6:3", "3:10"},
                           {"rule 'd' is already declared", "9:6", "8:6"},
                           {"property 'p' is already declared", "11:11", "10:11"}});
  // The note is rendered after its error, with its own location and caret.
  EXPECT_NE(r->formatted().find("test.tcp:2:7: error: 'MAX' is already declared\n"
                                " 2 | const MAX = 3\n"
                                "   |       ^~~\n"
                                "test.tcp:1:7: note: previously declared here\n"
                                " 1 | const MAX = 2\n"
                                "   |       ^~~\n"),
            std::string::npos)
      << r->formatted();
}

TEST(TypeCheck, TypeMismatches) {
  expect_single("call h { n := true }\n", {"cannot assign a value of type bool to 'n' of type 0..3", "18:15", "true"});
  expect_single("call h { ok := 1 }\n", {"cannot assign a value of type int to 'ok' of type bool", "18:16", "1"});
  expect_single("call h { state := 1 }\n",
                {"cannot assign a value of type int to 'state' of type enum", "18:19", "1"});
  expect_single("call i when state == iss { n := 1 }\n",
                {"cannot compare TcpState with seq", "18:13", "state == iss"});
  expect_single("call j when iss < 1 { n := 1 }\n",
                {"'<' compares a seq only with a seq (modular comparison); convert with 'x + 0' or compare distances",
                 "18:13", "iss < 1"});
  expect_single("call j when n { n := 1 }\n", {"a rule's guard must be a bool, not 0..3", "18:13", "n"});
  expect_single("call j { iss := iss + iss }\n", {"cannot add two sequence numbers", "18:17", "iss + iss"});
  expect_single("call j { n := 1 - iss }\n", {"cannot subtract a sequence number from an integer", "18:15", "1 - iss"});
  expect_single("call j when ok && n { n := 1 }\n", {"the right operand of '&&' must be a bool, not 0..3", "18:19", "n"});
  expect_single("call j { n := MAX }\ncall k { MAX := 1 }\n",
                {"'MAX' is a constant and cannot be assigned", "19:10", "MAX"});
  expect_single("call j { timer rexmt := 61 }\n", {"a timer runs for 0 to 60 ticks, not 61", "18:25", "61"});
  expect_single("invariant p expect hold: A.n\n", {"a property must be a bool, not 0..3", "18:26", "A.n"});
}

// `forall s in flight(X): BODY` belongs to properties and lemmas: one segment at a time, A or B,
// age(s) only inside it.
TEST(TypeCheck, ForallInFlight) {
  auto ok = diagnose(kDecls +
                     "invariant i expect hold: forall s in flight(A): s.SYN -> s.seq == A.iss && s.tag <= A.n\n"
                     "lemma l: forall o in flight(B): age(o) <= 1 || !o.FIN\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
  expect_single("invariant i expect hold: forall s in flight(C): s.SYN\n",
                {"expected A or B (the endpoint that sent the segments), not 'C'", "18:45", "C"});
  expect_single("invariant i expect hold: forall s in flight(A): forall t in flight(B): s.seq == t.seq\n",
                {"'forall' cannot be nested", "18:49", "forall t in flight(B): s.seq == t.seq"});
  expect_single("invariant i expect hold: forall s in flight(A): s.seq\n",
                {"the body of 'forall' must be a bool, not seq", "18:49", "s.seq"});
  expect_single("invariant i expect hold: forall s in flight(A): s.len == 0\n",
                {"a segment has no field 'len'; did you mean 'SYN'?", "18:51", "len"});
  expect_single("invariant i expect hold: forall n in flight(A): n.SYN\n",
                {"'n' is already a name; call the segment something else", "18:33", "n"});
  expect_single("invariant i expect hold: forall s in flight(A): age(A) == 0\n",
                {"age() takes the segment of the 'forall', as in 'age(s)'", "18:49", "age(A)"});
  expect_single("invariant i expect hold: age(s) == 0\n",
                {"unknown function 'age'", "18:26", "age"});
  expect_single("call c when forall s in flight(A): s.SYN { n := 1 }\n",
                {"'forall s in flight(X)' is for properties and lemmas: a rule cannot see the network", "18:13",
                 "forall s in flight(A): s.SYN"});
}

TEST(TypeCheck, TimerTicksAndFaultBudgets) {
  auto ok = diagnose(kDecls +
                     "call c when ticks_left(rexmt) >= 2 { n := 1 }\n"
                     "invariant i expect hold: ticks_left(A.rexmt) + loss_left() <= 75 && dup_left() >= 0\n"
                     "lemma l: running(B.rexmt) -> ticks_left(B.rexmt) <= 60\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
  expect_single("invariant i expect hold: ticks_left(A.rexmt)\n",
                {"a property must be a bool, not 0..60", "18:26", "ticks_left(A.rexmt)"});
  expect_single("invariant i expect hold: ticks_left(rexmt) == 0\n",
                {"expected A.timer or B.timer", "18:37", "rexmt"});
  expect_single("invariant i expect hold: ticks_left(A.rxmt) == 0\n",
                {"unknown timer 'rxmt'; did you mean 'rexmt'?", "18:39", "rxmt"});
  expect_single("invariant i expect hold: loss_left(A) == 0\n",
                {"loss_left() takes no arguments", "18:26", "loss_left(A)"});
  expect_single("call c when loss_left() > 0 { n := 1 }\n",
                {"loss_left() is for properties and lemmas: a rule cannot see the fault budget", "18:13", "loss_left()"});
  expect_single("monitor m on any when dup_left() == 0 { seen := 1 }\n",
                {"dup_left() is for properties and lemmas: a monitor cannot see the fault budget", "18:23", "dup_left()"});
  expect_single("invariant i expect hold: tick_left(A.rexmt) == 0\n",
                {"unknown function 'tick_left'; did you mean 'ticks_left'?", "18:26", "tick_left"});
  expect_single("call c { timer rexmt := 61 }\n", {"a timer runs for 0 to 60 ticks, not 61", "18:25", "61"});
}

TEST(TypeCheck, GhostDiscipline) {
  expect_single("call k when seen > 0 { n := 1 }\n",
                {"a guard cannot read ghost state (the protocol cannot see it)", "18:13", "seen > 0"});
  expect_single("call l { n := total }\n", {"protocol variable 'n' cannot be computed from ghost state", "18:15", "total"});
  expect_single("call m { send SYN (seq = iss, tag = seen) send FIN (seq = seen) }\n",
                {"segment field 'seq' cannot carry ghost state (declare it ghost)", "18:59", "seen"});
  expect_single("recv r(s) when s.tag == 1 { n := 1 }\n",
                {"a guard cannot read ghost state (the protocol cannot see it)", "18:16", "s.tag == 1"});
  expect_single("recv r(s) { if s.tag == 1 { goto LISTEN } }\n",
                {"this statement changes protocol state under a condition that reads ghost state", "18:29", "goto"});
  expect_single("call m { if total > 0 { send SYN () } }\n",
                {"this statement changes protocol state under a condition that reads ghost state", "18:25", "send"});
  // Ghost assignments may read anything the rule can read, including protocol state and ghost fields.
  auto ok = diagnose(kDecls +
                     "recv r(s) { seen := s.tag  total := n  if s.tag > 0 { seen := 0 } }\n"
                     "call m { send SYN (seq = iss, tag = seen) }\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
}

TEST(TypeCheck, EndpointScoping) {
  expect_single("recv r(s) when peer.n == 1 { n := 1 }\n",
                {"a rule cannot read the peer's variables (only what arrives in segments)", "18:16", "peer.n"});
  expect_single("call o when A.n == 1 { n := 1 }\n",
                {"a rule reads its own endpoint's variables by name; 'A.n' is for properties", "18:13", "A.n"});
  expect_single("invariant i1 expect hold: n == 0\n",
                {"'n' belongs to an endpoint here; write 'A.n' or 'B.n'", "18:27", "n"});
  expect_single("invariant i1 expect hold: self == A\n", {"'self' exists only inside a rule", "18:27", "self"});
  expect_single("invariant i1 expect hold: peer.n == 0\n",
                {"'peer' exists only inside a rule; write A.n or B.n", "18:27", "peer.n"});
  expect_single("call p when s.seq == 1 { n := 1 }\n", {"'s' is not a segment: only a recv rule has one", "18:13", "s"});
  // Properties may read both endpoints, globals, and timers through A./B.
  auto ok = diagnose(kDecls + "invariant p expect hold: A.n + B.n <= 2 * MAX && total >= 0 && !expired(B.rexmt)\n");
  EXPECT_FALSE(ok->diags.has_errors()) << ok->formatted();
}

TEST(TypeCheck, EndpointBlockWithoutStateVariable) {
  const std::string text = "enum S { CLOSED }\n  endpoint { n: 0..1 }\n";
  auto r = diagnose(text);
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  const Diagnostic& d = r->diags.all()[0];
  EXPECT_EQ(d.message, "the endpoint block must declare 'state', the endpoint's TCP state (an enum variable)");
  EXPECT_EQ(where(d), "2:3");
  EXPECT_EQ(covered(d), "endpoint");
}

TEST(TypeCheck, StateMustBeAnEnum) {
  auto r = diagnose("endpoint { state: 0..3 }\n");
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  EXPECT_EQ(r->diags.all()[0].message, "'state' must have an enum type");
  EXPECT_EQ(where(r->diags.all()[0]), "1:12");
}

// A diagnostic without a location names the input (regression test: it used to have no file name).
TEST(TypeCheck, SpecWithoutEndpointBlockNamesTheFile) {
  auto r = diagnose("enum S { CLOSED }\n", {}, "nostate.tcp");
  ASSERT_EQ(r->diags.error_count(), 1u);
  EXPECT_EQ(r->formatted(),
            "nostate.tcp: error: the endpoint block must declare 'state', the endpoint's TCP state (an enum "
            "variable); this spec has no endpoint block\n");
}

TEST(TypeCheck, UnknownOverrideIsReportedAgainstTheOption) {
  auto r = diagnose("const MAX = 2\nenum S { A1 }\nendpoint { state: S = A1 }\n", {{"MAXX", 3}});
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  const Diagnostic& d = r->diags.all()[0];
  EXPECT_FALSE(d.range.valid());
  EXPECT_EQ(d.path, "-D MAXX");
  EXPECT_EQ(r->formatted(), "-D MAXX: error: the spec has no constant 'MAXX'; did you mean 'MAX'?\n");
}

TEST(TypeCheck, OverrideChangesTheConstantAndEverythingDerivedFromIt) {
  const std::string text =
      "const MAX = 2\nconst TWICE = 2 * MAX\nenum S { A1 }\n"
      "endpoint { state: S = A1\n  n: 0..MAX }\n"
      "call inc when n < MAX { n := n + 1 }\n";
  auto plain = test::load(text);
  ASSERT_TRUE(plain->ok()) << format_diagnostics(plain->diags);
  EXPECT_EQ(plain->spec->model.consts[0].value, 2);
  EXPECT_FALSE(plain->spec->model.consts[0].overridden);
  EXPECT_EQ(plain->spec->model.consts[1].value, 4);

  auto over = test::load(text, {{"MAX", 5}});
  ASSERT_TRUE(over->ok()) << format_diagnostics(over->diags);
  const ir::Model& m = over->spec->model;
  EXPECT_EQ(m.consts[0].value, 5);
  EXPECT_TRUE(m.consts[0].overridden);
  EXPECT_EQ(m.consts[1].value, 10);  // derived constant follows the override
  EXPECT_FALSE(m.consts[1].overridden);
  EXPECT_EQ(m.endpoint_vars[1].type.hi, 5);  // and so do types
  // Two independent counters 0..MAX: (MAX+1)^2 states.
  auto r = test::check_text(text, {}, {{"MAX", 5}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 36u);
}

TEST(TypeCheck, RangesAndInitialValues) {
  auto r = diagnose("enum S { A1 }\nendpoint {\n  state: S = A1\n  n: 3..1\n  m: 0..3 = 5\n  k: 2..4\n}\n");
  ASSERT_EQ(r->diags.error_count(), 2u) << r->formatted();
  EXPECT_EQ(r->diags.all()[0].message, "empty range 3..1");
  EXPECT_EQ(where(r->diags.all()[0]), "4:6");
  EXPECT_EQ(covered(r->diags.all()[0]), "3..1");
  EXPECT_EQ(r->diags.all()[1].message, "initial value 5 is outside 0..3");
  EXPECT_EQ(where(r->diags.all()[1]), "5:13");
  // Without an initialiser, an integer starts at its lower bound when that is positive.
  EXPECT_EQ(r->model.endpoint_vars[3].init, 2);
}

TEST(TypeCheck, SeqNeedsSeqBits) {
  auto r = diagnose("enum S { A1 }\nendpoint { state: S = A1\n  iss: seq }\n");
  ASSERT_EQ(r->diags.error_count(), 1u) << r->formatted();
  EXPECT_EQ(r->diags.all()[0].message, "the type 'seq' needs a constant SEQ_BITS (the width of sequence numbers)");
  EXPECT_EQ(where(r->diags.all()[0]), "3:8");
  for (int bits : {0, 33}) {
    auto bad = diagnose("const SEQ_BITS = " + std::to_string(bits) + "\nenum S { A1 }\nendpoint { state: S = A1\n  iss: seq }\n");
    ASSERT_EQ(bad->diags.error_count(), 1u) << bad->formatted();
    EXPECT_EQ(bad->diags.all()[0].message, "SEQ_BITS is " + std::to_string(bits) + "; it must be between 1 and 32");
  }
  for (int bits : {1, 17, 32}) {  // 32-bit sequence numbers are held as bit patterns in int32 slots
    auto ok = diagnose("const SEQ_BITS = " + std::to_string(bits) + "\nenum S { A1 }\nendpoint { state: S = A1\n  iss: seq }\n");
    EXPECT_EQ(ok->diags.error_count(), 0u) << ok->formatted();
    EXPECT_EQ(ok->model.endpoint_vars[1].type.hi, (int64_t{1} << bits) - 1);
  }
}

TEST(TypeCheck, KeywordsAndSettings) {
  auto r = diagnose(
      "const self = 1\nenum S { A1 }\nendpoint { state: S = A1 }\n"
      "network { capacity = 9, msll = 2 }\nfaults { los = 1 }\n");
  ASSERT_EQ(r->diags.error_count(), 4u) << r->formatted();
  EXPECT_EQ(r->diags.all()[0].message, "'self' is a keyword and cannot name a constant");
  EXPECT_EQ(where(r->diags.all()[0]), "1:7");
  EXPECT_EQ(r->diags.all()[1].message, "'capacity' must be between 1 and 8, not 9");
  EXPECT_EQ(where(r->diags.all()[1]), "4:22");
  EXPECT_EQ(r->diags.all()[2].message, "unknown network setting 'msll'; did you mean 'msl'?");
  EXPECT_EQ(where(r->diags.all()[2]), "4:25");
  EXPECT_EQ(r->diags.all()[3].message, "unknown fault 'los'; did you mean 'loss'?");
  EXPECT_EQ(where(r->diags.all()[3]), "5:10");
}

TEST(TypeCheck, SeveralErrorsFromEveryStageInOneRun) {
  const std::string text =
      "const MAX = 2\n"                              // 1
      "const MAX = 3\n"                              // 2  duplicate constant
      "@\n"                                          // 3  lexer: unexpected character
      "enum S { CLOSED, FIN_WAIT_2 }\n"              // 4
      "endpoint {\n"                                 // 5
      "  state: S = CLOSED\n"                        // 6
      "  n: 3..1\n"                                  // 7  empty range
      "}\n"                                          // 8
      "call a { goto FIN_WAIT2 }\n"                  // 9  unknown state
      "call b { nn := 1 }\n"                         // 10 unknown variable
      "call c { n = 1 }\n"                           // 11 parser: '=' for ':='
      "call d { n := 1 }\n"                          // 12 fine (parsed after recovery)
      "invariant p expect hold: n == 0\n";           // 13 bare endpoint variable in a property
  auto r = diagnose(text);
  EXPECT_EQ(r->diags.error_count(), 7u) << r->formatted();
  std::vector<int> lines;
  for (const auto& d : r->diags.all()) lines.push_back(static_cast<int>(d.range.file->position(d.range.begin).line));
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int>{2, 3, 7, 9, 10, 11, 13}));
  // The loader reports the same count.
  Diagnostics diags;
  EXPECT_FALSE(load_spec_text("test.tcp", text, {}, diags).has_value());
  EXPECT_EQ(diags.error_count(), 7u);
}

TEST(TypeCheck, RuleReadAndWriteSets) {
  auto l = test::load(kDecls + "call c in CLOSED when n < MAX { n := n + 1  send SYN (seq = iss)  timer rexmt := 2 }\n");
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Rule& rule = l->spec->model.rules[0];
  using K = ir::Access::Kind;
  auto has = [](const std::vector<ir::Access>& v, K k, int i) {
    return std::find(v.begin(), v.end(), ir::Access{k, i}) != v.end();
  };
  EXPECT_TRUE(has(rule.reads, K::EpVar, 0));   // state (the `in` list)
  EXPECT_TRUE(has(rule.reads, K::EpVar, 2));   // n
  EXPECT_TRUE(has(rule.reads, K::EpVar, 1));   // iss
  EXPECT_FALSE(has(rule.reads, K::EpVar, 3));  // ok is not read
  EXPECT_TRUE(has(rule.writes, K::EpVar, 2));
  EXPECT_TRUE(has(rule.writes, K::ChannelOut, -1));
  EXPECT_TRUE(has(rule.writes, K::Timer, 0));
  EXPECT_FALSE(has(rule.writes, K::EpVar, 0));  // no goto
  EXPECT_EQ(l->spec->model.timers[0].max_duration, 2);
}

// `expect violation if C`: the expectation follows a condition on constants, so a variant's
// other runs (-D ...) can be checked against what they are meant to show.
TEST(TypeCheck, ConditionalExpectationFollowsTheConstants) {
  const std::string text =
      "const C = 1\nenum S { C0 }\nendpoint { state: S = C0\n  n: 0..1 }\n"
      "invariant p expect violation if C == 1: A.n == 0\n"
      "stuck q expect hold if C > 0: true\n";
  auto on = load(text);
  ASSERT_TRUE(on->ok()) << all_messages(on->diags);
  EXPECT_FALSE(on->spec->model.properties[0].expect_hold);
  EXPECT_TRUE(on->spec->model.properties[1].expect_hold);
  auto off = load(text, {{"C", 0}});
  ASSERT_TRUE(off->ok()) << all_messages(off->diags);
  EXPECT_TRUE(off->spec->model.properties[0].expect_hold);
  EXPECT_FALSE(off->spec->model.properties[1].expect_hold);
}

TEST(TypeCheck, ConditionalExpectationMustBeAConstantBool) {
  const std::string head = "const C = 1\nenum S { C0 }\nendpoint { state: S = C0\n  n: 0..1 }\n";
  const std::string state_dep = head + "invariant p expect violation if A.n == 1: A.n == 0\n";
  auto a = load(state_dep);
  ASSERT_EQ(a->diags.error_count(), 1) << all_messages(a->diags);
  EXPECT_EQ(a->diags.all()[0].message, "expected a constant expression");
  EXPECT_EQ(where(a->diags.all()[0]), pos_in(state_dep, "A.n == 1"));
  const std::string not_bool = head + "invariant p expect violation if C + 1: A.n == 0\n";
  auto b = load(not_bool);
  ASSERT_EQ(b->diags.error_count(), 1) << all_messages(b->diags);
  EXPECT_EQ(b->diags.all()[0].message, "the condition of an expectation must be a bool, not int");
  EXPECT_EQ(where(b->diags.all()[0]), pos_in(not_bool, "C + 1"));
  EXPECT_EQ(covered(b->diags.all()[0]), "C + 1");
}

// ---- lemmas (auxiliary invariants for k-induction) ----

TEST(Lemma, ParsesIntoTheModelsLemmasNotItsProperties) {
  const std::string text = kDecls +
                           "invariant p expect hold: A.n <= MAX\n"                                     // 18
                           "lemma counts: A.n + B.n <= 2 * MAX && total >= 0 && A.seen <= MAX\n"       // 19
                           "lemma timers: !expired(A.rexmt) || A.state != CLOSED\n";                   // 20
  auto r = diagnose(text);
  ASSERT_FALSE(r->diags.has_errors()) << r->formatted();
  ASSERT_EQ(r->model.properties.size(), 1u);
  EXPECT_EQ(r->model.properties[0].name, "p");
  ASSERT_EQ(r->model.lemmas.size(), 2u);
  const ir::Property& l = r->model.lemmas[0];
  EXPECT_EQ(l.name, "counts");
  EXPECT_EQ(l.kind, ir::Property::Kind::Invariant);
  EXPECT_TRUE(l.expect_hold);
  EXPECT_TRUE(l.expr.reads_ghost);  // ghosts and globals are allowed, as in an invariant
  EXPECT_EQ(l.expr.type.kind, ir::Type::Kind::Bool);
  ASSERT_TRUE(l.range.valid());
  EXPECT_EQ(l.range.file->text().substr(l.range.begin, l.range.end - l.range.begin), "lemma counts");
  ASSERT_TRUE(l.expr_range.valid());
  EXPECT_EQ(l.expr_range.file->text().substr(l.expr_range.begin, l.expr_range.end - l.expr_range.begin),
            "A.n + B.n <= 2 * MAX && total >= 0 && A.seen <= MAX");
  EXPECT_EQ(r->model.lemmas[1].name, "timers");
  // The explicit engine ignores lemmas: only the property is reported.
  auto loaded = load(text);
  ASSERT_TRUE(loaded->ok()) << all_messages(loaded->diags);
  CheckOptions o;
  o.limits.progress = false;
  auto result = check_loaded(std::make_unique<LoadedSpec>(std::move(*loaded->spec)), o);
  ASSERT_EQ(result->properties.size(), 1u);
  EXPECT_EQ(result->properties[0].name, "p");
}

TEST(Lemma, NamesAreUniqueAmongPropertiesAndLemmas) {
  const std::string text = kDecls +
                           "invariant p expect hold: true\n"  // 18
                           "lemma p: A.n == 0\n"              // 19
                           "lemma q: true\n"                  // 20
                           "lemma q: B.n == 0\n"              // 21
                           "lemma r: true\n"                  // 22
                           "invariant r expect hold: true\n";  // 23
  auto r = diagnose(text);
  ASSERT_EQ(r->diags.error_count(), 3u) << r->formatted();
  expect_duplicates(*r, {{"lemma 'p' is already declared", "19:7", "18:11"},
                         {"lemma 'q' is already declared", "21:7", "20:7"},
                         // properties are checked first, so the lemma is the duplicate
                         {"lemma 'r' is already declared", "22:7", "23:11"}});
  EXPECT_NE(r->formatted().find("test.tcp:19:7: error: lemma 'p' is already declared\n"), std::string::npos)
      << r->formatted();
  // A monitor shares the namespace too.
  auto mon = diagnose(kDecls + "lemma m: true\nmonitor m on any { }\n");
  ASSERT_EQ(mon->diags.error_count(), 1u) << mon->formatted();
  EXPECT_EQ(mon->diags.all()[0].message, "'m' is already declared");
}

TEST(Lemma, TypedLikeAnInvariant) {
  expect_single("lemma l: A.n\n", {"a lemma must be a bool, not 0..3", "18:10", "A.n"});
  expect_single("lemma l: n == 0\n", {"'n' belongs to an endpoint here; write 'A.n' or 'B.n'", "18:10", "n"});
  expect_single("lemma l: A.nn == 0\n", {"an endpoint has no variable 'nn'; did you mean 'n'?", "18:12", "nn"});
  expect_single("lemma l: self == A\n", {"'self' exists only inside a rule", "18:10", "self"});
  expect_single("lemma l expect hold: true\n",
                {"a lemma has no expectation (it is proved, then assumed): write 'lemma l: EXPR'", "18:9", "expect"});
  expect_single("lemma l true\n", {"expected ':' and the lemma's expression, found 'true'", "18:9", "true"});
  expect_single("lemma : true\n", {"expected a lemma name, found ':'", "18:7", ":"});
}

}  // namespace
}  // namespace tcpmc
