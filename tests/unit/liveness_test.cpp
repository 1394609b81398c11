// Liveness: `eventually` and `leadsto` under weak, strong, network and time fairness, judged on
// small hand-checked graphs (each spec's reachable graph is drawn above it), with the exact lasso
// (prefix length, loop start, the events of the loop) asserted; the same verdict and lasso for
// every thread count; the language's diagnostics for temporal properties and fairness.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "lasso_fairness.hpp"
#include "test_util.hpp"
#include "trace_format.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::prop;

// The events of a trace, one per step ("A go", "tick", ...).
std::vector<std::string> events(const SpecResult& r, const Trace& t) {
  std::vector<std::string> out;
  for (const auto& s : t.steps) out.push_back(describe_event(*r.system, s.label));
  return out;
}

using Events = std::vector<std::string>;

// Checks that `name` is violated by a lasso of `prefix` steps then a loop of `loop` events.
void expect_lasso(const SpecResult& r, const std::string& name, const Events& prefix, const Events& loop) {
  const PropertyReport& p = prop(r, name);
  ASSERT_EQ(p.verdict, Verdict::Violated);
  ASSERT_TRUE(p.counterexample);
  const Trace& t = *p.counterexample;
  ASSERT_TRUE(t.loop_start);
  EXPECT_EQ(*t.loop_start, prefix.size());
  Events all = prefix;
  all.insert(all.end(), loop.begin(), loop.end());
  EXPECT_EQ(events(r, t), all);
  EXPECT_EQ(t.final_state(), t.loop_state());  // the loop closes
  EXPECT_EQ(p.depth, all.size());
}

CheckOptions no_fairness() {
  CheckOptions o;
  o.limits.fairness = false;
  return o;
}

// A: X --go--> Y --back--> X, and X --act--> DONE. (B has no move; no timer: no tick.)
// The cycle X, Y, X never takes act; act is enabled in X only, so the cycle is weakly fair to act
// (it is not enabled continuously) but not strongly fair (enabled infinitely often).
const std::string kIntermittent =
    "enum S { X, Y, DONE }\n"
    "endpoint { state: S = X }\n"
    "segment { flags F }\n"
    "call go in X when self == A { goto Y }\n"
    "call back in Y when self == A { goto X }\n"
    "call act in X when self == A { goto DONE }\n"
    "eventually done expect hold: A.state == DONE\n";

TEST(Liveness, WeakAndStrongFairnessGiveDifferentVerdicts) {
  auto none = check_text(kIntermittent);
  ASSERT_TRUE(none);
  expect_lasso(*none, "done", {}, {"A go", "A back"});
  auto weak = check_text(kIntermittent + "fair weak act\n");
  ASSERT_TRUE(weak);
  expect_lasso(*weak, "done", {}, {"A go", "A back"});
  auto strong = check_text(kIntermittent + "fair strong act\n");
  ASSERT_TRUE(strong);
  EXPECT_EQ(prop(*strong, "done").verdict, Verdict::Holds);
  EXPECT_FALSE(prop(*strong, "done").counterexample);
}

// A: X --go--> X2 --back--> X, act enabled in both (X, X2 --act--> DONE). The cycle keeps act
// enabled for ever without taking it: weakly unfair, so no counterexample under `fair weak act`.
const std::string kContinuous =
    "enum S { X, X2, DONE }\n"
    "endpoint { state: S = X }\n"
    "segment { flags F }\n"
    "call go in X when self == A { goto X2 }\n"
    "call back in X2 when self == A { goto X }\n"
    "call act in X, X2 when self == A { goto DONE }\n"
    "eventually done expect hold: A.state == DONE\n";

TEST(Liveness, AnUnfairCycleIsNoCounterexample) {
  auto none = check_text(kContinuous);
  ASSERT_TRUE(none);
  expect_lasso(*none, "done", {}, {"A go", "A back"});
  auto weak = check_text(kContinuous + "fair weak act\n");
  ASSERT_TRUE(weak);
  EXPECT_EQ(prop(*weak, "done").verdict, Verdict::Holds);
  // --fairness none ignores the declaration.
  CheckOptions o = no_fairness();
  auto off = check_text(kContinuous + "fair weak act\n", o);
  ASSERT_TRUE(off);
  expect_lasso(*off, "done", {}, {"A go", "A back"});
}

// A: X --go--> Y --back--> X (2 steps), X --z1--> Z --z2--> W --z3--> X (3 steps); DONE is never
// reached. Under `fair strong z1` the 2-cycle is unfair (z1 is enabled in X and not taken); the
// shortest fair loop is X, Z, W, X, not the 5-step X, Y, X, Z, W, X.
const std::string kTwoLoops =
    "enum S { X, Y, Z, W, DONE }\n"
    "endpoint { state: S = X }\n"
    "segment { flags F }\n"
    "call go in X when self == A { goto Y }\n"
    "call back in Y when self == A { goto X }\n"
    "call z1 in X when self == A { goto Z }\n"
    "call z2 in Z when self == A { goto W }\n"
    "call z3 in W when self == A { goto X }\n"
    "eventually done expect violation: A.state == DONE\n";

TEST(Liveness, TheLoopIsTheShortestFairLoop) {
  auto none = check_text(kTwoLoops);
  ASSERT_TRUE(none);
  expect_lasso(*none, "done", {}, {"A go", "A back"});
  auto strong = check_text(kTwoLoops + "fair strong z1\n");
  ASSERT_TRUE(strong);
  expect_lasso(*strong, "done", {}, {"A z1", "A z2", "A z3"});
  // Strong fairness of both z1 and go: the loop must take both.
  auto both = check_text(kTwoLoops + "fair strong z1, go\n");
  ASSERT_TRUE(both);
  expect_lasso(*both, "done", {}, {"A go", "A back", "A z1", "A z2", "A z3"});
}

// Time must not stop. A starts a timer (expires at the 2nd tick) and then fidgets between WAIT and
// WAIT2 for ever. Under the spec's fairness a run that fidgets while a tick is enabled is unfair,
// so the timer expires; the timeout then fires only if it is fair (timeouts are urgent: no tick
// while it is pending, so fidgeting is the only other move).
const std::string kTimer =
    "enum S { X, WAIT, WAIT2, DONE }\n"
    "endpoint { state: S = X\n  timer t }\n"
    "segment { flags F }\n"
    "call start in X when self == A { timer t := 1 goto WAIT }\n"
    "call fidget in WAIT when self == A { goto WAIT2 }\n"
    "call unfidget in WAIT2 when self == A { goto WAIT }\n"
    "timeout expire on t { goto DONE }\n"
    "leadsto done expect hold: A.state == WAIT ~> A.state == DONE\n";

TEST(Liveness, TimeMustNotStop) {
  auto off = check_text(kTimer, no_fairness());
  ASSERT_TRUE(off);
  expect_lasso(*off, "done", {"A start"}, {"A fidget", "A unfidget"});
  auto time_only = check_text(kTimer);  // fair time, the timeout not fair
  ASSERT_TRUE(time_only);
  expect_lasso(*time_only, "done", {"A start", "tick", "tick"}, {"A fidget", "A unfidget"});
  auto fair = check_text(kTimer + "fair weak expire\n");
  ASSERT_TRUE(fair);
  EXPECT_EQ(prop(*fair, "done").verdict, Verdict::Holds);
}

// Time does not stop while a segment is in flight: A sends D and then fidgets for ever. Once D
// has age MSL no tick is possible until it arrives, so fidgeting would take no time at all:
// such a run is unfair (time must pass while a clock runs), and D arrives. Without fairness the
// fidgeting is a counterexample.
const std::string kDelivery =
    "enum S { IDLE, SENT, BUSY, GOT }\n"
    "endpoint { state: S = IDLE }\n"
    "segment { flags D }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call send in IDLE when self == A { send D () goto SENT }\n"
    "call fidget in SENT when self == A { goto BUSY }\n"
    "call unfidget in BUSY when self == A { goto SENT }\n"
    "recv got(s) in IDLE when self == B { goto GOT }\n"
    "eventually delivered expect hold: B.state == GOT\n";

TEST(Liveness, TimeDoesNotStopWhileASegmentIsInFlight) {
  auto off = check_text(kDelivery, no_fairness());
  ASSERT_TRUE(off);
  expect_lasso(*off, "delivered", {"A send; sends A→B [D]"}, {"A fidget", "A unfidget"});
  auto fair = check_text(kDelivery);
  ASSERT_TRUE(fair);
  EXPECT_EQ(prop(*fair, "delivered").verdict, Verdict::Holds);
}

// The network's fairness: over a network that may lose any number of segments, A retransmits D
// for ever. Without `fair network` every copy may be lost (a loop: tick, loss, retransmission);
// with it, a segment sent again and again is delivered.
const std::string kRetransmit =
    "enum S { IDLE, SENT, GOT }\n"
    "endpoint { state: S = IDLE\n  timer rexmt }\n"
    "segment { flags D }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = unbounded, dup = 0, reorder = false }\n"
    "call send in IDLE when self == A { send D () timer rexmt := 0 goto SENT }\n"
    "timeout retransmit on rexmt in SENT { send D () timer rexmt := 0 }\n"
    "recv got(s) in IDLE when self == B { goto GOT }\n"
    "eventually delivered expect hold: B.state == GOT\n"
    "fair weak retransmit\n";

TEST(Liveness, NetworkFairnessDeliversWhatIsSentAgainAndAgain) {
  auto lossy = check_text(kRetransmit);
  ASSERT_TRUE(lossy);
  expect_lasso(*lossy, "delivered", {"A send; sends A→B [D]"},
               {"tick", "network loses A→B [D]", "A timeout retransmit; sends A→B [D]"});
  auto fair = check_text(kRetransmit + "fair network\n");
  ASSERT_TRUE(fair);
  EXPECT_EQ(prop(*fair, "delivered").verdict, Verdict::Holds);
  // A copy lost at once in a full channel is sent all the same: still a request for delivery.
  auto full = check_text(kRetransmit + "fair network\ncall spam in SENT when self == A { send D () }\n");
  ASSERT_TRUE(full);
  EXPECT_EQ(prop(*full, "delivered").verdict, Verdict::Holds);
}

// A run that ends in a state with no move stays there for ever: an empty loop.
TEST(Liveness, ATerminalStateIsALassoWithAnEmptyLoop) {
  auto r = check_text(
      "enum S { X, Y, DONE }\n"
      "endpoint { state: S = X }\n"
      "segment { flags F }\n"
      "call stop in X when self == A { goto Y }\n"
      "call act in X when self == A { goto DONE }\n"
      "eventually done expect hold: A.state == DONE\n"
      "fair strong act\n");
  ASSERT_TRUE(r);
  expect_lasso(*r, "done", {"A stop"}, {});
}

// leadsto: the trigger may come late in the run, and a state where both P and Q hold does not
// trigger. The lasso's prefix is a shortest run to the trigger followed by the cycle.
TEST(Liveness, LeadsToIsJudgedFromEveryTriggerState) {
  const std::string spec =
      "enum S { X, Y, Z, DONE }\n"
      "endpoint { state: S = X }\n"
      "segment { flags F }\n"
      "call go in X when self == A { goto Y }\n"
      "call on in Y when self == A { goto Z }\n"
      "call spin in Z when self == A { goto Y }\n"
      "call fin in Z when self == A { goto DONE }\n"
      "leadsto z_done expect hold: A.state == Z ~> A.state == DONE\n"
      "leadsto x_done expect hold: A.state == X ~> A.state in {X, DONE}\n";
  auto r = check_text(spec);
  ASSERT_TRUE(r);
  expect_lasso(*r, "z_done", {"A go", "A on"}, {"A spin", "A on"});
  EXPECT_EQ(prop(*r, "x_done").verdict, Verdict::Holds);  // X itself satisfies the goal
  auto fair = check_text(spec + "fair strong fin\n");
  ASSERT_TRUE(fair);
  EXPECT_EQ(prop(*fair, "z_done").verdict, Verdict::Holds);
}

// The same verdicts and the same lasso for every thread count, on rfc9293 (a property that an
// active OPEN always reaches ESTABLISHED is false: a refused SYN resets it).
TEST(Liveness, SameLassoForEveryThreadCount) {
  const std::string spec = test::read_file(std::string(TCPMC_SOURCE_DIR) + "/specs/rfc9293.tcp") +
                           "leadsto open_establishes expect violation: A.state == SYN_SENT ~> A.state == ESTABLISHED\n";
  std::vector<Events> lassos;
  std::vector<size_t> starts;
  for (int threads : {1, 2, 3}) {
    CheckOptions o = test::faults(0, 0, false);
    o.limits.threads = threads;
    o.properties = {"open_establishes", "graceful_close_completes"};
    Diagnostics diags;
    auto spec_loaded = load_spec_text(std::string(TCPMC_SOURCE_DIR) + "/specs/x.tcp", spec, {}, diags);
    ASSERT_TRUE(spec_loaded) << format_diagnostics(diags);
    auto r = check_loaded(std::make_unique<LoadedSpec>(std::move(*spec_loaded)), o);
    ASSERT_TRUE(r);
    EXPECT_EQ(prop(*r, "graceful_close_completes").verdict, Verdict::Holds);
    const PropertyReport& p = prop(*r, "open_establishes");
    ASSERT_EQ(p.verdict, Verdict::Violated);
    ASSERT_TRUE(p.counterexample && p.counterexample->loop_start);
    lassos.push_back(events(*r, *p.counterexample));
    starts.push_back(*p.counterexample->loop_start);
  }
  EXPECT_EQ(lassos[0], lassos[1]);
  EXPECT_EQ(lassos[0], lassos[2]);
  EXPECT_EQ(starts[0], starts[1]);
  EXPECT_EQ(starts[0], starts[2]);
  // The refused SYN: connect, the peer's RST, and A stays CLOSED (no move is possible there).
  EXPECT_EQ(starts[0], lassos[0].size());
}

// The independent check of a lasso's fairness (lasso_fairness.hpp), which the engine applies to
// every lasso it shows, rejects the loops that the fairness rules out: here lassos found with
// --fairness none, judged against the spec's fairness.
TEST(Liveness, AnUnfairLoopFailsTheIndependentFairnessCheck) {
  auto strong = check_text(kIntermittent + "fair strong act\n", no_fairness());
  ASSERT_TRUE(strong);
  const Trace& loop = *prop(*strong, "done").counterexample;  // go, back: act never taken
  FairnessConstraints none(*strong->system, false), spec(*strong->system, true);
  EXPECT_TRUE(loop_is_fair(*strong->system, loop, none));
  EXPECT_FALSE(loop_is_fair(*strong->system, loop, spec));
  auto weak = check_text(kIntermittent + "fair weak act\n", no_fairness());
  ASSERT_TRUE(weak);
  FairnessConstraints weak_spec(*weak->system, true);  // act is disabled in Y: weakly fair
  EXPECT_TRUE(loop_is_fair(*weak->system, *prop(*weak, "done").counterexample, weak_spec));
  auto timer = check_text(kTimer, no_fairness());  // fidgets while the timer runs: no time passes
  ASSERT_TRUE(timer);
  FairnessConstraints timed(*timer->system, true);
  EXPECT_FALSE(loop_is_fair(*timer->system, *prop(*timer, "done").counterexample, timed));
  auto lossy = check_text(kRetransmit);  // the FIN-like loss loop, sent again and again
  ASSERT_TRUE(lossy);
  FairnessConstraints unfair_net(*lossy->system, true);
  EXPECT_TRUE(loop_is_fair(*lossy->system, *prop(*lossy, "delivered").counterexample, unfair_net));
  auto fair_net = check_text(kRetransmit + "fair network\n", no_fairness());
  ASSERT_TRUE(fair_net);
  FairnessConstraints with_net(*fair_net->system, true);
  EXPECT_FALSE(loop_is_fair(*fair_net->system, *prop(*fair_net, "delivered").counterexample, with_net));
}

// An incomplete search judges no temporal property.
TEST(Liveness, AnIncompleteSearchLeavesTemporalPropertiesInconclusive) {
  CheckOptions o;
  o.limits.max_states = 2;
  auto r = check_text(kIntermittent, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(prop(*r, "done").verdict, Verdict::Inconclusive);
}

// ---- the language ----

TEST(LivenessLanguage, Diagnostics) {
  const std::string base =
      "enum S { X, DONE }\nendpoint { state: S = X }\nsegment { flags F }\n"
      "call act in X { goto DONE }\n";
  struct Case {
    std::string text, needle, at;
  } cases[] = {
      {"leadsto p expect hold: A.state == X\n", "'~>'", "2:1"},
      {"eventually p expect hold: A.state == X ~> A.state == DONE\n", "belongs to a leadsto property", "5:40"},
      {"fair weak nosuch\n", "unknown rule 'nosuch' in a fairness declaration", "5:11"},
      {"fair often act\n", "'weak', 'strong' or 'network' after 'fair'", "5:6"},
      {"leadsto p expect hold: A.state ~> true\n", "", ""},
      {"remove fair network\n", "edit an included spec", "5:1"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto d = test::load(base + c.text);
    ASSERT_TRUE(d);
    if (c.needle.empty()) {
      EXPECT_TRUE(d->diags.has_errors());
      continue;
    }
    const Diagnostic* x = test::find_diag(d->diags, c.needle);
    ASSERT_TRUE(x) << test::all_messages(d->diags);
    if (c.at != "2:1") {
      EXPECT_EQ(test::where(*x), c.at);
    }
  }
}

TEST(LivenessLanguage, IncludeEditsFairnessAndTemporalProperties) {
  const std::string dir = ::testing::TempDir();
  const std::string base_path = dir + "/liveness_base.tcp";
  {
    std::ofstream f(base_path);
    f << kContinuous << "fair weak act\nfair network\n";
  }
  // Removing the rule's fairness brings the lasso back; overriding the expectation keeps the
  // property's expression.
  auto r = check_text("include \"" + base_path + "\"\nremove fair act\nremove fair network\n"
                      "override eventually done expect violation\n");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->spec->model.fairness.network);
  EXPECT_TRUE(r->spec->model.fairness.weak.empty());
  const PropertyReport& p = prop(*r, "done");
  EXPECT_FALSE(p.expect_hold);
  expect_lasso(*r, "done", {}, {"A go", "A back"});
  // Removing a rule removes its fairness; removing fairness that is not declared is an error.
  auto d = test::load("include \"" + base_path + "\"\nremove act\nremove fair act\n");
  ASSERT_TRUE(d);
  EXPECT_TRUE(test::find_diag(d->diags, "declares no fairness of a rule 'act'")) << test::all_messages(d->diags);
}

}  // namespace
}  // namespace tcpmc
