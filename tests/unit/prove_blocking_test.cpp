// `tcpmc prove`'s blocking lemmas (infer/blocking_cubes.hpp): a lemma that blocks a counterexample
// to induction is false in its pre-state and true in every sampled state (here every reachable
// state, checked again by the explicit engine); a reachable pre-state has none; the lemma names
// what makes the pre-state unreachable, not every value it has; alternatives give other reasons,
// and none is made up; the reason over what the goal names comes first. Through the command, a
// blocking lemma proves an invariant that the templates cannot, and the re-check confirms it;
// Houdini gives the CTI of a lemma it dropped when asked (what a blocking round blocks next), and
// assuming what the last round kept (as a block round does) it keeps what it keeps from scratch.
// The samples are kept once per projection that blocking reads.
#include <gtest/gtest.h>

#include <algorithm>

#include "blocking_cubes.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "explicit_engine.hpp"
#include "interrupt.hpp"
#include "invariant_inference.hpp"
#include "prove_support.hpp"
#include "sampling.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

// The index of the declaration called `name` (a variable, a segment field), or -1.
template <class Decl>
int index_named(const std::vector<Decl>& decls, const std::string& name) {
  for (size_t i = 0; i < decls.size(); ++i)
    if (decls[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string mini() { return test::kMiniTcp.substr(0, test::kMiniTcp.find("lemma planted")); }

// A blocking lemma and how it fares: on the pre-state, and by the explicit engine as an
// invariant of the spec (every reachable state).
struct Judged {
  std::string lemma;
  bool false_in_cti = false, holds_everywhere = false;
};

Judged judge(const std::string& lemma, const int32_t* pre) {
  Judged out;
  out.lemma = lemma;
  auto with = test::load(mini() + "invariant blocked expect hold: " + lemma + "\n");
  EXPECT_TRUE(with->ok()) << lemma;
  if (!with->ok()) return out;
  const ir::Model& wm = with->spec->model;
  CompiledSystem wsys(wm, wm.default_faults);
  const int p = static_cast<int>(wm.properties.size()) - 1;
  out.false_in_cti = !wsys.property_holds(p, pre);
  ExplicitEngine engine(wsys);
  EngineLimits limits;
  limits.progress = false;
  const EngineResult r = engine.check(limits);
  out.holds_everywhere = r.complete && r.properties[p].verdict == Verdict::Holds;
  return out;
}

// Blocks the initial state changed by `edit`, a CTI of `goal`, with the complete sample at 3 bits
// (the smallest lemma and up to two alternatives) and judges every lemma.
std::vector<Judged> block(const std::function<void(const StateLayout&, int32_t*)>& edit, const std::string& goal = "") {
  auto l = test::load(mini());
  EXPECT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  infer::CandidateSet cands(m);
  infer::SampledStates kept;
  const infer::SampleRun run = infer::sample(m, 0, 0, cands, &kept);
  EXPECT_TRUE(run.complete);
  EXPECT_EQ(kept.states(), run.states);
  CompiledSystem sys(m, m.default_faults);
  std::vector<int32_t> pre(static_cast<size_t>(sys.layout().num_slots()));
  sys.initial_state(pre.data());
  edit(sys.layout(), pre.data());
  const infer::CtiBlocker blocker(m, kept);
  std::vector<Judged> out;
  const std::vector<std::vector<std::string>> lemmas = blocker.block(sys, {pre.data()}, {goal}, 3);
  for (const std::string& lemma : lemmas.at(0)) out.push_back(judge(lemma, pre.data()));
  return out;
}

void expect_sound(const std::vector<Judged>& lemmas) {
  for (const Judged& j : lemmas) {
    EXPECT_TRUE(j.false_in_cti) << j.lemma;
    EXPECT_TRUE(j.holds_everywhere) << j.lemma;
  }
}

TEST(ProveBlocking, AnUnreachablePreStateIsBlockedByALemmaTrueInEveryReachableState) {
  auto l = test::load(mini());
  const int state = l->spec->model.state_var;
  // A established while B has never left CLOSED: unreachable (B answers A's SYN from LISTEN).
  const auto lemmas = block([&](const StateLayout& lay, int32_t* s) { s[lay.ep_var(0, state)] = 4; });
  ASSERT_FALSE(lemmas.empty());
  expect_sound(lemmas);
  // Generalised: two literals, not the dozens of values the pre-state has.
  EXPECT_EQ(lemmas[0].lemma, "!(A.state == EST && B.state == CLOSED)");
  // And no other reason is made up: without the TCP states, the pre-state is the initial state.
  EXPECT_EQ(lemmas.size(), 1u);
}

TEST(ProveBlocking, AlternativesGiveOtherReasonsTheGoalsOwnFirst) {
  auto l = test::load(mini());
  const ir::Model& m = l->spec->model;
  const int iss = index_named(m.endpoint_vars, "iss"), snd_nxt = index_named(m.endpoint_vars, "snd_nxt");
  ASSERT_GE(iss, 0);
  ASSERT_GE(snd_nxt, 0);
  // A established while B is closed, and A's SND.NXT two past its ISS: two reasons at once.
  auto edit = [&](const StateLayout& lay, int32_t* s) {
    s[lay.ep_var(0, m.state_var)] = 4;
    s[lay.ep_var(0, snd_nxt)] = s[lay.ep_var(0, iss)] + 2;
  };
  const std::string pair = "!(A.state == EST && B.state == CLOSED)", distance = "!(A.snd_nxt == A.iss + 2)";
  // For a goal about the TCP states, their reason, and no other: the distance is over variables
  // the goal does not name, less relevant than the pair (an alternative is of the first one's
  // relevance or more).
  const auto lemmas = block(edit, "A.state == EST -> B.state != CLOSED");
  ASSERT_EQ(lemmas.size(), 1u);
  expect_sound(lemmas);
  EXPECT_EQ(lemmas[0].lemma, pair);
  // For a goal about A's sequence numbers, the distance (one literal, as relevant) first; then
  // the pair (the TCP states are always of the most relevant).
  const auto seq_first = block(edit, "A.snd_nxt - A.iss <= 1");
  ASSERT_GE(seq_first.size(), 2u);
  expect_sound(seq_first);
  EXPECT_EQ(seq_first[0].lemma, distance);
  EXPECT_EQ(seq_first[1].lemma, pair);
}

TEST(ProveBlocking, ASegmentInFlightCanBeWhatMakesAPreStateUnreachable) {
  auto l = test::load(mini());
  const ir::Model& m = l->spec->model;
  const int syn = index_named(m.seg_fields, "SYN"), ack = index_named(m.seg_fields, "ACK");
  ASSERT_GE(syn, 0);
  ASSERT_GE(ack, 0);
  // The initial state with a SYN|ACK of B in flight: B has not listened, let alone answered.
  const auto lemmas = block([&](const StateLayout& lay, int32_t* s) {
    s[lay.chan_count(1)] = 1;
    int32_t* seg = s + lay.seg_base(1, 0);
    seg[syn] = 1;
    seg[ack] = 1;
  });
  ASSERT_FALSE(lemmas.empty());
  expect_sound(lemmas);
  EXPECT_EQ(lemmas[0].lemma.rfind("forall s in flight(B): !(", 0), 0u) << lemmas[0].lemma;
}

TEST(ProveBlocking, AnInterruptStopsBlockingWithNoLemma) {
  // The CTI of the first test, blocked by one lemma unless the run is interrupted (Ctrl-C):
  // then none, at once, rather than after the pass over the samples and the covers.
  auto l = test::load(mini());
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  infer::CandidateSet cands(m);
  infer::SampledStates kept;
  ASSERT_TRUE(infer::sample(m, 0, 0, cands, &kept).complete);
  CompiledSystem sys(m, m.default_faults);
  std::vector<int32_t> pre(static_cast<size_t>(sys.layout().num_slots()));
  sys.initial_state(pre.data());
  pre[sys.layout().ep_var(0, m.state_var)] = 4;
  const infer::CtiBlocker blocker(m, kept);
  request_interrupt();
  const auto interrupted = blocker.block(sys, {pre.data()}, {""}, 3);
  clear_interrupt();
  ASSERT_EQ(interrupted.size(), 1u);
  EXPECT_TRUE(interrupted[0].empty());
  EXPECT_EQ(blocker.block(sys, {pre.data()}, {""}, 3).at(0).size(), 1u);
}

TEST(ProveBlocking, AReachablePreStateHasNoBlockingLemma) {
  EXPECT_TRUE(block([](const StateLayout&, int32_t*) {}).empty());  // the initial state itself
}

TEST(ProveBlocking, HoudiniGivesACtiForADroppedLemmaWhenAsked) {
  // The planted lemma (true at 3 bits, not preserved at 32): its CTI, a replayed step from a
  // state where it and the inductive set hold to one where it fails.
  auto l = test::load(test::kMiniTcp, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  ASSERT_EQ(m.lemmas.size(), 1u);
  CompiledSystem sys(m, m.default_faults);
  InferenceOptions asked;
  asked.lemma_cti = {1};
  const InferenceResult r = infer_inductive_invariant(sys, {}, {}, asked);
  ASSERT_TRUE(r.complete) << r.stop_reason;
  EXPECT_FALSE(r.lemma_inductive[0]);
  ASSERT_TRUE(r.lemma_cti[0].has_value());
  EXPECT_TRUE(r.lemma_cti[0]->from_arbitrary_state);
  EXPECT_EQ(r.lemma_cti[0]->steps.size(), 1u);
  EXPECT_TRUE(validate_steps(sys, *r.lemma_cti[0]));
  // A.iss - B.iss <= 7 holds before the step and not after it.
  const StateLayout& lay = sys.layout();
  const int iss = index_named(m.endpoint_vars, "iss");
  auto dist = [&](const std::vector<int32_t>& s) {
    return static_cast<uint32_t>(s[lay.ep_var(0, iss)]) - static_cast<uint32_t>(s[lay.ep_var(1, iss)]);
  };
  EXPECT_LE(dist(r.lemma_cti[0]->initial), 7u);
  EXPECT_GT(dist(r.lemma_cti[0]->final_state()), 7u);
  // Not asked: none.
  const InferenceResult plain = infer_inductive_invariant(sys, {});
  EXPECT_FALSE(plain.lemma_cti[0].has_value());
}

TEST(ProveBlocking, SamplesAreKeptOnceAsTheProjectionsBlockingReads) {
  // With a loss budget, so that the slot of losses used can differ between two states.
  std::string text = mini();
  text.replace(text.find("loss = 0"), 8, "loss = 1");
  auto l = test::load(text);
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  const StateLayout& lay = sys.layout();
  const int syn = index_named(m.seg_fields, "SYN"), iss = index_named(m.endpoint_vars, "iss");
  ASSERT_GE(syn, 0);
  ASSERT_GE(iss, 0);
  std::vector<int32_t> init(static_cast<size_t>(lay.num_slots()));
  sys.initial_state(init.data());
  auto with_segment = [&](int chan) {
    std::vector<int32_t> s = init;
    s[lay.chan_count(chan)] = 1;
    s[lay.seg_base(chan, 0) + syn] = 1;
    return s;
  };
  infer::SampledStates kept;
  kept.begin_run(lay, m.seq_bits);
  std::vector<int32_t> s = with_segment(0);
  kept.add(s.data());  // without its segment, and with it
  EXPECT_EQ(kept.size(), 2u);
  s[lay.loss_slot()] = 1;
  kept.add(s.data());  // the losses used are not read: nothing new
  EXPECT_EQ(kept.size(), 2u);
  s = with_segment(1);
  kept.add(s.data());  // the same endpoints: only the segment of B is new
  EXPECT_EQ(kept.size(), 3u);
  s[lay.ep_var(0, iss)] = 5;
  kept.add(s.data());  // other endpoints: both projections are new
  EXPECT_EQ(kept.size(), 5u);
  EXPECT_EQ(kept.states(), 4u);
}

TEST(ProveBlocking, CandidatesObservedThroughTheProjectionsAreThoseEveryStateLeaves) {
  // Two segments in a channel, losses and duplicates: many states per projection.
  std::string text = mini();
  text.replace(text.find("capacity = 1"), 12, "capacity = 2");
  text.replace(text.find("loss = 0, dup = 0"), 17, "loss = 1, dup = 1");
  auto l = test::load(text);
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  infer::CandidateSet through(m), every(m);
  const infer::SampleRun run = infer::sample(m, 0, 0, through);
  ASSERT_TRUE(run.complete);
  EXPECT_LT(run.projections, run.states);
  CompiledSystem sys(m, m.default_faults);
  ExplicitEngine engine(sys);
  EngineLimits limits;
  limits.progress = false;
  ASSERT_TRUE(engine.check(limits).complete);
  ASSERT_EQ(engine.store().size(), run.states);
  std::vector<int32_t> st(static_cast<size_t>(sys.layout().num_slots()));
  for (uint64_t i = 0; i < engine.store().size(); ++i) {
    sys.layout().unpack(engine.store().get(static_cast<uint32_t>(i)), st.data());
    every.observe(sys, st.data());
  }
  auto texts = [](const infer::CandidateSet& c) {
    std::vector<std::string> out;
    for (const infer::Candidate* x : c.survivors()) out.push_back(c.text(*x));
    return out;
  };
  EXPECT_EQ(through.alive_count(), every.alive_count());
  EXPECT_EQ(texts(through), texts(every));
  EXPECT_GT(through.alive_count(), 0u);
  EXPECT_LT(through.alive_count(), through.size());
}

TEST(ProveBlocking, HoudiniAssumingAnInductiveSetKeepsWhatItKeepsFromScratch) {
  // The mini handshake's candidates (true in every state at 3 bits), in two halves: Houdini on
  // the first half, then on both with what it kept assumed (a block round's Houdini) and from
  // scratch. The same lemmas and properties come out.
  auto l = test::load(mini());
  ASSERT_TRUE(l->ok());
  infer::CandidateSet cands(l->spec->model);
  ASSERT_TRUE(infer::sample(l->spec->model, 0, 0, cands).complete);
  const auto survivors = cands.survivors();
  ASSERT_GE(survivors.size(), 8u);
  // 40 of them, spread over the list; and the planted lemma, which is false at 32 bits.
  std::string first = "lemma planted: A.iss - B.iss <= 7\n", second;
  const size_t n = 40, step = std::max<size_t>(1, survivors.size() / n);
  for (size_t i = 0; i < n && i * step < survivors.size(); ++i) {
    std::string& half = 2 * i < n ? first : second;
    half += "lemma c" + std::to_string(i) + ": " + cands.text(*survivors[i * step]) + "\n";
  }
  auto half = test::load(mini() + first, {{"SEQ_BITS", 32}});
  auto both = test::load(mini() + first + second, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(half->ok());
  ASSERT_TRUE(both->ok());
  const ir::Model &hm = half->spec->model, &bm = both->spec->model;
  CompiledSystem hsys(hm, hm.default_faults), bsys(bm, bm.default_faults);
  const InferenceResult r1 = infer_inductive_invariant(hsys, {});
  ASSERT_TRUE(r1.complete) << r1.stop_reason;
  InferenceOptions known;
  known.known_lemmas.assign(bm.lemmas.size(), 0);
  size_t n_known = 0;
  for (size_t i = 0; i < hm.lemmas.size(); ++i) {
    ASSERT_EQ(bm.lemmas[i].name, hm.lemmas[i].name);
    known.known_lemmas[i] = r1.lemma_inductive[i];
    n_known += r1.lemma_inductive[i];
  }
  known.known_properties = r1.property_inductive;
  ASSERT_GT(n_known, 0u);
  ASSERT_LT(n_known, hm.lemmas.size());  // Houdini dropped some: the test says something
  const InferenceResult scratch = infer_inductive_invariant(bsys, {});
  const InferenceResult assumed = infer_inductive_invariant(bsys, {}, {}, known);
  test::expect_same_inductive_set(scratch, assumed);
  if (::testing::Test::HasFatalFailure()) return;
  // The second half added lemmas to the inductive set; those known stay.
  size_t n_both = 0;
  for (size_t i = 0; i < bm.lemmas.size(); ++i) {
    n_both += assumed.lemma_inductive[i];
    if (i < hm.lemmas.size() && r1.lemma_inductive[i]) {
      EXPECT_TRUE(assumed.lemma_inductive[i]) << bm.lemmas[i].name;
    }
  }
  EXPECT_GT(n_both, n_known);
}

// B notes that it heard A's opening SYN (tag 1); the invariant says it cannot have while A is
// still closed. A closed A also pings (SYN, tag 0), so that a segment of A in flight says nothing
// of A's state by itself. The proof needs `forall s in flight(A): !(A.state == CLOSED && s.tag ==
// 1)`, which no template gives: a segment template's guard is a flag or the segment being
// current (a field equal to the sender variable a send copies), never a field's value.
const std::string kHeard =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, SENT, DONE }\n"
    "endpoint { state: S = CLOSED\n  heard: bool = false }\n"
    "segment { flags SYN, ACK\n  seq: seq\n  tag: 0..1 }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call ping in CLOSED when self == A { send SYN (seq = 0, tag = 0) }\n"
    "call go in CLOSED when self == A { send SYN (seq = 0, tag = 1) goto SENT }\n"
    "recv pong(s) in CLOSED when s.SYN && s.tag == 0 && self == B { }\n"
    "recv syn(s) in CLOSED when s.SYN && s.tag == 1 && self == B { heard := true send ACK (seq = 0, tag = 0) goto DONE }\n"
    "recv ack(s) in SENT when s.ACK { goto DONE }\n"
    "invariant heard_after_open expect hold: !(A.state == CLOSED && B.heard)\n";

class ProveBlockingCommand : public test::TempDirTest {};

TEST_F(ProveBlockingCommand, BlockingLemmasProveWhatTheTemplatesCannot) {
  ProveCommand c;
  c.spec = write("heard.tcp", kHeard);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.block_rounds = 0;
  const auto without = test::prove_quietly(c);
  EXPECT_EQ(without.code, exit_code::kInconclusive) << without.out << without.err;
  EXPECT_NE(without.out.find("heard_after_open  not proved"), std::string::npos) << without.out;
  c.block_rounds = 4;
  const auto with = test::prove_quietly(c);
  EXPECT_EQ(with.code, 0) << with.out << with.err;
  EXPECT_NE(with.out.find("heard_after_open  PROVED (k=1)"), std::string::npos) << with.out;
  // The proof's blocking lemma, re-checked by the command (k-induction from scratch).
  EXPECT_NE(with.out.find("lemma block_1: forall s in flight(A): !(A.state == CLOSED && s.tag == 1)"), std::string::npos)
      << with.out;
  EXPECT_NE(with.out.find("every invariant above proved again"), std::string::npos) << with.out;
}

}  // namespace
}  // namespace tcpmc
