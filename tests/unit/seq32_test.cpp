// Sequence numbers of up to 32 bits (SEQ_BITS = 32) in the model layer, and targeted firing:
//  - the bytecode's seq operations (SeqAdd, SeqSub, the distance, SeqLt, SeqLe) against their
//    definition modulo 2^n at 3 and 32 bits, on the boundary values 0, 2^31-1, 2^31, 2^32-1;
//  - a spec at 32 bits whose ISN is 2^32-1 (snd_nxt wraps to 0), checked by the explicit engine:
//    a modular comparison holds, a distance is violated by the shortest run, whose states hold the
//    values expected, shown unsigned in text and JSON;
//  - CompiledSystem::fire gives, for every label of every reachable state of a small spec (calls
//    with parameters, first-match recv, unhandled segments, timeouts, loss, duplication, ticks),
//    exactly the successor that successors() gives;
//  - validate_trace accepts a hand-built 32-bit trace with a seq parameter of 4000000000 (no
//    enumeration), rejects tampered ones, and validate_steps takes a trace from any state;
//  - the explicit engines refuse a seq parameter they cannot enumerate, naming the rule and the
//    parameter (exit code 2), and accept one of 256 values.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bytecode.hpp"
#include "child_process.hpp"
#include "json_report.hpp"
#include "svg_sequence.hpp"
#include "test_util.hpp"
#include "trace.hpp"
#include "trace_format.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

// ---------------------------------------------------------------------------------------------
// Bytecode.

// Pushes v (0..2^32-1, or a small negative int) as the compiler does: its 32-bit pattern, then
// zero-extended when it does not fit an int32.
void push(Code& c, int64_t v) {
  c.instrs.push_back({Opc::Const, static_cast<int32_t>(static_cast<uint32_t>(v))});
  if (v > INT32_MAX) c.instrs.push_back({Opc::Mask, 0, -1});
}

// Whether `a OP b` (with the mask of n bits) equals `expected` on the interpreter's 64-bit stack.
bool computes(Opc op, int64_t a, int64_t b, int bits, int64_t expected) {
  Code c;
  push(c, a);
  push(c, b);
  c.instrs.push_back({op, 0, static_cast<int32_t>(static_cast<uint32_t>((uint64_t{1} << bits) - 1))});
  push(c, expected);
  c.instrs.push_back({Opc::Eq});
  c.instrs.push_back({Opc::Halt});
  c.ranges.resize(c.instrs.size());
  ExecContext ctx;
  EXPECT_EQ(run_code(c, ctx), ExecStatus::Ok);
  return ctx.result == 1;
}

TEST(Seq32, BytecodeSeqOperationsAreModularAt3And32Bits) {
  const std::vector<int64_t> boundary = {0, 1, 2, 3, 4, 7, (int64_t{1} << 31) - 1, int64_t{1} << 31,
                                         (int64_t{1} << 31) + 1, (int64_t{1} << 32) - 2, (int64_t{1} << 32) - 1};
  for (int bits : {3, 32}) {
    const uint64_t mod = uint64_t{1} << bits, half = mod / 2;
    std::vector<int64_t> values;
    for (int64_t v : boundary) values.push_back(static_cast<int64_t>(static_cast<uint64_t>(v) % mod));
    for (int64_t a : values)
      for (int64_t b : values) {
        SCOPED_TRACE("bits " + std::to_string(bits) + ": a=" + std::to_string(a) + " b=" + std::to_string(b));
        const uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
        const int64_t sum = static_cast<int64_t>((ua + ub) % mod), diff = static_cast<int64_t>((ua + mod - ub) % mod);
        const uint64_t d = (ub + mod - ua) % mod;  // how far b is ahead of a
        EXPECT_TRUE(computes(Opc::SeqAdd, a, b, bits, sum));
        EXPECT_TRUE(computes(Opc::SeqSub, a, b, bits, diff));  // seq - int, and the distance seq - seq
        EXPECT_TRUE(computes(Opc::SeqLt, a, b, bits, d > 0 && d < half));
        EXPECT_TRUE(computes(Opc::SeqLe, a, b, bits, d < half));
      }
    // seq + a negative int wraps backwards.
    EXPECT_TRUE(computes(Opc::SeqAdd, 0, -1, bits, static_cast<int64_t>(mod - 1)));
  }
  // The antipodal point is neither before nor after, at 32 bits as at 3.
  EXPECT_FALSE(computes(Opc::SeqLt, 0, int64_t{1} << 31, 32, 1));
  EXPECT_FALSE(computes(Opc::SeqLt, int64_t{1} << 31, 0, 32, 1));
  EXPECT_TRUE(computes(Opc::SeqLt, (int64_t{1} << 32) - 1, 0, 32, 1));  // 2^32-1 < 0
}

TEST(Seq32, StoreSeqKeepsTheBitPatternAndALoadZeroExtendsIt) {
  Code c;
  push(c, (int64_t{1} << 32) - 1);
  c.instrs.push_back({Opc::Const, 1});
  c.instrs.push_back({Opc::SeqAdd, 0, -1});  // 2^32-1 + 1 = 0
  c.instrs.push_back({Opc::StoreSeq, 0, -1});
  push(c, (int64_t{1} << 32) - 2);
  c.instrs.push_back({Opc::StoreSeq, 1, -1});
  c.instrs.push_back({Opc::Load, 1});
  c.instrs.push_back({Opc::Mask, 0, -1});
  push(c, (int64_t{1} << 32) - 2);
  c.instrs.push_back({Opc::Eq});
  c.instrs.push_back({Opc::Halt});
  c.ranges.resize(c.instrs.size());
  int32_t state[2] = {7, 7};
  ExecContext ctx;
  ctx.state = state;
  ASSERT_EQ(run_code(c, ctx), ExecStatus::Ok);
  EXPECT_EQ(state[0], 0);
  EXPECT_EQ(state[1], -2);  // 2^32-2 as its bit pattern
  EXPECT_EQ(ctx.result, 1);
}

// ---------------------------------------------------------------------------------------------
// The explicit engine at 32 bits.

// A's ISN is 2^32-1 (`0 - 1` taken modulo 2^32): `start` sends it in a SYN and sets nxt to
// ISN + 1 = 0; `step` advances nxt while the distance nxt - iss is below 5. B takes the SYN and
// sets its nxt to seq + 1 = 0. Modular comparison: iss < nxt holds for distances 1..4 although
// nxt < iss as plain numbers. The distance reaches 3 after start, step, step: the shortest
// counterexample to `dist` has 3 steps, all A's, ending with A.nxt = 2.
const std::string kWrap =
    "const SEQ_BITS = 32\n"
    "enum S { IDLE, RUN }\n"
    "endpoint { state: S = IDLE\n  iss: seq = 0 - 1\n  nxt: seq }\n"
    "segment { flags SYN\n  seq: seq }\n"
    "network { capacity = 1, msl = 0 }\n"
    "call start in IDLE when self == A { nxt := iss + 1 send SYN (seq = iss) goto RUN }\n"
    "call step in RUN when self == A && nxt - iss < 5 { nxt := nxt + 1 }\n"
    "recv syn(s) in IDLE when s.SYN && s.seq == 0 - 1 { nxt := s.seq + 1 goto RUN }\n"
    "invariant ordered expect hold: A.state == IDLE || (A.iss < A.nxt && A.nxt > A.iss && !(A.nxt < A.iss))\n"
    "invariant top expect hold: A.iss == 0 - 1 && A.iss + 1 == 0 && A.iss - (0 - 1) == 0\n"
    "invariant far expect hold: A.state == RUN || A.iss - A.nxt > 999999999\n"
    "invariant b_wraps expect hold: B.state == IDLE || B.nxt == 0\n"
    "reachable b_runs expect hold: B.state == RUN\n"
    "invariant dist expect violation: A.nxt - A.iss < 3\n";

TEST(Seq32, ExplicitEngineWrapsTheSequenceSpaceAt32Bits) {
  auto r = check_text(kWrap);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->exploration.complete);
  EXPECT_FALSE(r->exploration.model_error);
  for (const auto& p : r->properties) EXPECT_TRUE(p.as_expected()) << p.name << " " << verdict_name(p.verdict);
  const CompiledSystem& sys = *r->system;
  const StateLayout& L = sys.layout();
  const PropertyReport& p = prop(*r, "dist");
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_EQ(t.steps.size(), 3u);
  EXPECT_TRUE(validate_trace(sys, t));
  const int iss = L.ep_var(0, 1), nxt = L.ep_var(0, 2);
  EXPECT_EQ(t.initial[iss], -1);  // 2^32-1, held as its bit pattern
  EXPECT_EQ(t.initial[nxt], 0);
  const int32_t nxts[3] = {0, 1, 2};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(t.steps[i].label.kind, Label::Kind::Call);
    EXPECT_EQ(t.steps[i].label.ep, 0);
    EXPECT_EQ(t.steps[i].state[iss], -1);
    EXPECT_EQ(t.steps[i].state[nxt], nxts[i]);
  }
  // The SYN carries the ISN; every rendering shows it unsigned.
  ASSERT_EQ(t.steps[0].label.nsent, 1);
  EXPECT_EQ(t.steps[0].label.sent[0][1], -1);
  EXPECT_EQ(describe_event(sys, t.steps[0].label), "A start; sends A→B [S] seq=4294967295");
  EXPECT_EQ(format_final_values(sys, t), "A.iss=4294967295  A.nxt=2  B.iss=4294967295  B.nxt=0");
  const Json j = trace_json(sys, t);
  EXPECT_EQ(j.at("steps").at(2).at("A").at("variables").at("iss").get<int64_t>(), 4294967295);
  EXPECT_EQ(j.at("steps").at(0).at("sent").at(0).at("seq").get<int64_t>(), 4294967295);
  EXPECT_EQ(j.at("steps").at(0).at("in_flight").at("A->B").at(0).at("seq").get<int64_t>(), 4294967295);
  // Packing keeps the 32-bit pattern apart from its neighbours.
  std::vector<uint64_t> words(L.num_words());
  std::vector<int32_t> back(L.num_slots());
  L.pack(t.steps[0].state.data(), words.data());
  L.unpack(words.data(), back.data());
  EXPECT_EQ(back, t.steps[0].state);
}

// ---------------------------------------------------------------------------------------------
// Targeted firing.

// Calls with parameters (one seq, one int), first-match recv rules, unhandled segments (a SYN
// that reaches an endpoint already DONE), a timeout that retransmits, loss and duplication within
// their budgets, reordering, and ticks.
const std::string kSmall =
    "const SEQ_BITS = 2\n"
    "enum S { CLOSED, SENT, DONE }\n"
    "endpoint { state: S = CLOSED\n  iss: seq\n  got: seq\n  timer rexmt }\n"
    "segment { flags SYN, ACK\n  seq: seq }\n"
    "network { capacity = 2, msl = 1 }\n"
    "faults { loss = 1, dup = 1, reorder = true }\n"
    "call open(isn: seq, k: 0..1) in CLOSED when self == A { iss := isn send SYN (seq = isn + k) timer rexmt := 1 goto SENT }\n"
    "timeout again on rexmt in SENT { send SYN (seq = iss) timer rexmt := 1 }\n"
    "recv syn(s) in CLOSED when s.SYN { got := s.seq send ACK (seq = s.seq + 1) goto DONE }\n"
    "recv ack(s) in SENT when s.ACK && s.seq == iss + 1 { stop rexmt goto DONE }\n"
    "recv late(s) in SENT when s.ACK { got := s.seq }\n"
    "invariant any expect hold: true\n";

bool same_label(const Label& a, const Label& b, int stride, size_t np) {
  if (a.kind != b.kind || (a.kind != Label::Kind::Tick && a.ep != b.ep) || a.inst != b.inst || a.pos != b.pos || a.nsent != b.nsent ||
      a.overflow != b.overflow)
    return false;
  for (size_t k = 0; k < np; ++k)
    if (a.params[k] != b.params[k]) return false;
  if (b.kind != Label::Kind::Call && b.kind != Label::Kind::Timeout && b.kind != Label::Kind::Tick)
    for (int f = 0; f < stride; ++f)
      if (a.seg[f] != b.seg[f]) return false;
  for (int i = 0; i < a.nsent; ++i)
    for (int f = 0; f < stride; ++f)
      if (a.sent[i][f] != b.sent[i][f]) return false;
  return true;
}

TEST(Seq32, FireGivesTheSuccessorOfEveryLabelOfEveryState) {
  auto l = test::load(kSmall);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  CompiledSystem sys(l->spec->model, l->spec->model.default_faults);
  const int n = sys.layout().num_slots(), stride = sys.layout().seg_stride();
  Scratch sc = sys.make_scratch();
  uint64_t labels = 0;
  std::vector<int> kinds(7, 0);
  const uint64_t states = test::walk(sys, [&](const std::vector<int32_t>& s, const std::vector<test::Succ>& succs) {
    for (const auto& x : succs) {
      const size_t np = x.label.kind == Label::Kind::Call ? sys.instances()[x.label.inst].param_ranges.size() : 0;
      int fired = 0;
      sys.fire(s.data(), x.label, sc, [&](const Label& lab, const int32_t* next) {
        ++fired;
        EXPECT_TRUE(same_label(lab, x.label, stride, np)) << describe_event(sys, x.label);
        EXPECT_EQ(std::vector<int32_t>(next, next + n), x.next) << describe_event(sys, x.label);
      });
      EXPECT_EQ(fired, 1) << describe_event(sys, x.label);
      ++labels;
      ++kinds[static_cast<int>(x.label.kind)];
    }
  });
  EXPECT_GT(states, 50u);
  EXPECT_GT(labels, states);
  for (int k = 0; k < 7; ++k) EXPECT_GT(kinds[k], 0) << "no label of kind " << k;  // every kind was compared
  // What names no transition fires nothing: a parameter outside its type, a position past the
  // channel, a loss from an empty channel, a timeout whose timer has not expired.
  std::vector<int32_t> init(n);
  sys.initial_state(init.data());
  int fired = 0;
  auto count = [&](const Label&, const int32_t*) { ++fired; };
  Label call;
  call.kind = Label::Kind::Call;
  call.inst = -1;
  for (size_t i = 0; i < sys.instances().size(); ++i)
    if (sys.instances()[i].kind == ir::Rule::Kind::Call && sys.instances()[i].ep == 0) call.inst = static_cast<int>(i);
  ASSERT_GE(call.inst, 0);
  call.params[0] = 3;
  call.params[1] = 1;
  sys.fire(init.data(), call, sc, count);
  EXPECT_EQ(fired, 1);
  call.params[0] = 4;  // a seq of 2 bits
  sys.fire(init.data(), call, sc, count);
  call.params[0] = 0;
  call.params[1] = 2;
  sys.fire(init.data(), call, sc, count);
  Label recv;
  recv.kind = Label::Kind::Recv;
  recv.ep = 1;
  recv.pos = 0;
  sys.fire(init.data(), recv, sc, count);
  Label loss;
  loss.kind = Label::Kind::Loss;
  loss.ep = 0;
  loss.pos = 0;
  sys.fire(init.data(), loss, sc, count);
  Label timeout;
  timeout.kind = Label::Kind::Timeout;
  for (size_t i = 0; i < sys.instances().size(); ++i)
    if (sys.instances()[i].kind == ir::Rule::Kind::Timeout) timeout.inst = static_cast<int>(i);
  sys.fire(init.data(), timeout, sc, count);
  EXPECT_EQ(fired, 1);
}

// ---------------------------------------------------------------------------------------------
// Validation of a 32-bit trace with a seq parameter.

const std::string kConnect32 =
    "const SEQ_BITS = 32\n"
    "enum S { CLOSED, SYN_SENT, SYN_RECEIVED }\n"
    "endpoint { state: S = CLOSED\n  iss: seq\n  snd_nxt: seq\n  rcv_nxt: seq }\n"
    "segment { flags SYN, ACK\n  seq: seq\n  ack: seq }\n"
    "call connect(isn: seq) in CLOSED when self == A { iss := isn snd_nxt := isn + 1 send SYN (seq = isn) goto SYN_SENT }\n"
    "recv syn(s) in CLOSED when s.SYN && !s.ACK { rcv_nxt := s.seq + 1 send SYN|ACK (seq = 0, ack = s.seq + 1) goto SYN_RECEIVED }\n"
    "invariant any expect hold: true\n";

TEST(Seq32, ValidateTraceFiresA32BitSeqParameterWithoutEnumerating) {
  auto l = test::load(kConnect32);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  const int n = sys.layout().num_slots();
  Scratch sc = sys.make_scratch();
  Trace t;
  t.initial.resize(n);
  sys.initial_state(t.initial.data());
  auto take = [&](const Label& want) {
    const std::vector<int32_t>& cur = t.final_state();
    TraceStep step;
    bool fired = false;
    sys.fire(cur.data(), want, sc, [&](const Label& lab, const int32_t* next) {
      fired = true;
      step.label = lab;
      step.state.assign(next, next + n);
    });
    ASSERT_TRUE(fired) << describe_event(sys, want);
    t.steps.push_back(std::move(step));
  };
  Label connect;
  connect.kind = Label::Kind::Call;
  connect.ep = 0;
  connect.inst = 0;  // A's instance of the first rule
  ASSERT_EQ(sys.instances()[0].rule, 0);
  ASSERT_EQ(sys.instances()[0].ep, 0);
  connect.params[0] = static_cast<int32_t>(uint32_t{4000000000});
  take(connect);
  Label syn;
  syn.kind = Label::Kind::Recv;
  syn.ep = 1;
  syn.pos = 0;
  take(syn);
  ASSERT_EQ(t.steps.size(), 2u);
  EXPECT_TRUE(validate_trace(sys, t));
  EXPECT_EQ(describe_event(sys, t.steps[0].label), "A connect(isn=4000000000); sends A→B [S] seq=4000000000");
  EXPECT_EQ(describe_event(sys, t.steps[1].label),
            "B recv [S] seq=4000000000; sends B→A [S.] seq=0 ack=4000000001");
  EXPECT_EQ(format_final_values(sys, t),
            "A.iss=4000000000  A.snd_nxt=4000000001  A.rcv_nxt=0  B.iss=0  B.snd_nxt=0  B.rcv_nxt=4000000001");
  EXPECT_EQ(trace_json(sys, t).at("steps").at(1).at("sent").at(0).at("ack").get<int64_t>(), 4000000001);
  const std::string svg = trace_to_svg(sys, t, "connect at 32 bits");
  EXPECT_NE(svg.find("connect(isn=4000000000)"), std::string::npos);
  EXPECT_NE(svg.find("ack=4000000001"), std::string::npos);
  EXPECT_EQ(svg.find("=-"), std::string::npos);  // no value shown negative

  // Tampered: another parameter with the same states, a changed state, a changed segment sent, a
  // recv at a position where nothing is.
  Trace bad = t;
  bad.steps[0].label.params[0] = static_cast<int32_t>(uint32_t{4000000001});
  EXPECT_FALSE(validate_trace(sys, bad));
  bad = t;
  bad.steps[1].state[sys.layout().ep_var(1, 3)] += 1;
  EXPECT_FALSE(validate_trace(sys, bad));
  bad = t;
  bad.steps[1].label.sent[0][3] += 1;
  EXPECT_FALSE(validate_trace(sys, bad));
  bad = t;
  bad.steps[1].label.pos = 1;
  EXPECT_FALSE(validate_trace(sys, bad));

  // From an arbitrary state (a counterexample to induction): only the steps are checked.
  Trace cti;
  cti.initial = t.steps[0].state;
  cti.steps = {t.steps[1]};
  EXPECT_FALSE(validate_trace(sys, cti));  // not the initial state
  EXPECT_TRUE(validate_steps(sys, cti));
  cti.from_arbitrary_state = true;
  EXPECT_TRUE(validate_trace(sys, cti));
  cti.steps[0].state[sys.layout().ep_var(1, 3)] += 1;
  EXPECT_FALSE(validate_steps(sys, cti));
  EXPECT_FALSE(validate_trace(sys, cti));
}

// ---------------------------------------------------------------------------------------------
// The explicit engines and seq parameters.

TEST(Seq32, ExplicitEnginesRefuseASeqParameterTheyCannotEnumerate) {
  auto l = test::load(kConnect32);
  ASSERT_TRUE(l->ok()) << test::all_messages(l->diags);
  int rule = -2;
  const auto problem = explicit_enumeration_problem(l->spec->model, &rule);
  ASSERT_TRUE(problem);
  EXPECT_EQ(rule, 0);
  EXPECT_EQ(*problem,
            "rule 'connect': parameter 'isn' ranges over 4294967296 values (a seq of 32 bits); the explicit engine "
            "enumerates parameters (at most 256 values each, 1048576 combinations per rule, 4194304 in all); use "
            "--engine bmc or --engine kind");
  Diagnostics diags;
  EXPECT_FALSE(engine_accepts(*l->spec, EngineKind::Explicit, diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message, *problem);
  EXPECT_EQ(test::covered(diags.all()[0]), "call connect");  // at the rule
  EXPECT_THROW(check_loaded(std::make_unique<LoadedSpec>(*l->spec), {}), std::invalid_argument);

  // At 8 bits a seq parameter has 256 values: enumerated. At 9 it is refused.
  auto at8 = test::load(kConnect32, {{"SEQ_BITS", 8}});
  ASSERT_TRUE(at8->ok()) << test::all_messages(at8->diags);
  EXPECT_FALSE(explicit_enumeration_problem(at8->spec->model));
  auto r8 = check_text(kConnect32, {}, {{"SEQ_BITS", 8}});
  ASSERT_TRUE(r8);
  EXPECT_TRUE(r8->exploration.complete);
  EXPECT_GT(r8->exploration.states, 2u * 256u);  // connect(isn) for each isn, then B's recv of each
  auto at9 = test::load(kConnect32, {{"SEQ_BITS", 9}});
  ASSERT_TRUE(at9->ok()) << test::all_messages(at9->diags);
  EXPECT_TRUE(explicit_enumeration_problem(at9->spec->model));
  // A model at 32 bits without a seq parameter runs in the explicit engine (kWrap above).
  auto wrap = test::load(kWrap);
  ASSERT_TRUE(wrap->ok());
  EXPECT_FALSE(explicit_enumeration_problem(wrap->spec->model));
}

TEST(Seq32, CheckAndSimulateExitWithTheSpecErrorCode) {
  const std::string path = ::testing::TempDir() + "tcpmc_seq32_param.tcp";
  std::ofstream(path, std::ios::binary) << kConnect32;
  for (const std::string cmd : {"check", "simulate"}) {
    const auto r = test::run_tcpmc({cmd, path, "--no-progress"}, {.merge_stderr = true});
    EXPECT_EQ(r.code, 2) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("error: rule 'connect': parameter 'isn' ranges over 4294967296 values"), std::string::npos)
        << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("use --engine bmc or --engine kind"), std::string::npos) << r.out;
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tcpmc
