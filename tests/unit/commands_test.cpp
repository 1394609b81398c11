// The commands added on the `cmds` branch, through their library functions and the executable:
// `simulate` (finds a violation reachable only along one path, the trace it shows validates and
// ends in a violating state, same seed -> same output, --steps bounds every run, exit codes 10 /
// 5 / 0); `--property` (only the selected properties are checked, reported and counted, an
// unknown name is a usage error with a suggestion); `check --trace NAME [--svg FILE]`; the JSON
// counterexample's structured variables, timers, ghost variables and in-flight segments, and each
// property's expression; interrupts (request_interrupt() before a command, and a real SIGINT
// raised by the child itself after N polls) stopping check, report, sweep and simulate with the
// summary so far and exit 5; the progress line; `--help` footers, "did you mean" for a command,
// `--version`, and `cmake --install` placing the executable, man page and bash completion.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "interrupt.hpp"
#include "progress_line.hpp"
#include "random_walk.hpp"
#include "child_process.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

namespace fs = std::filesystem;

// A reaches THREE only by up1, up2, up3 in a row (B's moves interleave freely; `reset` undoes A's
// progress), so a random run finds the violation only along one kind of path.
const std::string kLadder =
    "enum S { IDLE, ONE, TWO, THREE }\n"
    "endpoint { state: S = IDLE }\n"
    "call up1 in IDLE when self == A { goto ONE }\n"
    "call up2 in ONE when self == A { goto TWO }\n"
    "call up3 in TWO when self == A { goto THREE }\n"
    "call reset in ONE, TWO { goto IDLE }\n"
    "call wiggle in IDLE when self == B { goto ONE }\n"
    "call unwiggle in ONE when self == B { goto IDLE }\n"
    "invariant never_three expect hold: A.state != THREE\n"
    "invariant b_low expect hold: B.state != TWO\n";

// Variables of every kind, a timer, a ghost variable of each scope, and segments in flight.
const std::string kFields =
    "spec fields \"json fields\"\n"
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, SENT, GOT }\n"
    "endpoint { state: S = CLOSED\n  iss: seq\n  opened: bool = false\n  timer rexmt\n  ghost got_seq: seq }\n"
    "ghost { arrivals: 0..3 }\n"
    "segment { flags SYN, ACK\n  seq: seq\n  ack: seq }\n"
    "network { capacity = 2, msl = 2 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call connect in CLOSED when self == A { iss := 5 opened := true send SYN (seq = 5) timer rexmt := 2 goto SENT }\n"
    "timeout retransmit on rexmt { send SYN (seq = iss) }\n"
    "recv syn(s) in CLOSED when s.SYN {\n"
    "  got_seq := s.seq arrivals := arrivals + 1 send SYN|ACK (seq = 1, ack = s.seq + 1) goto GOT }\n"
    "invariant never_got expect violation:\n"
    "  (B.state != GOT)\n"
    "invariant calm expect hold: arrivals <= 3\n";

class Commands : public test::TempDirTest {
 protected:
  void TearDown() override {
    clear_interrupt();
    TempDirTest::TearDown();
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  struct Out {
    int code = -1;
    std::string out, err;
  };
  Out simulate_cmd(const SimulateCommand& c) {
    std::ostringstream o, e;
    Out r;
    r.code = run_simulate(c, o, e);
    r.out = o.str();
    r.err = e.str();
    return r;
  }
  Out check_cmd(const CheckCommand& c) {
    std::ostringstream o, e;
    Out r;
    r.code = run_check(c, o, e);
    r.out = o.str();
    r.err = e.str();
    return r;
  }
  SimulateCommand sim(const std::string& spec, uint64_t seed) {
    SimulateCommand c;
    c.spec = spec;
    c.seed = seed;
    c.seed_given = true;
    c.options.limits.progress = false;
    return c;
  }
  CheckCommand check(const std::string& spec) {
    CheckCommand c;
    c.specs = {spec};
    c.options.limits.progress = false;
    return c;
  }
};

// ---- simulate ----

TEST_F(Commands, SimulateFindsThePathOnlyViolationAndItsTraceReplays) {
  auto loaded = test::load(kLadder);
  ASSERT_TRUE(loaded->ok()) << test::all_messages(loaded->diags);
  CompiledSystem sys(loaded->spec->model, {});
  SimulationOptions so;
  so.seed = 1;
  so.runs = 200;
  so.max_steps = 50;
  SimulationResult R = simulate(sys, so);
  const SimulatedProperty& sp = R.properties[0];
  ASSERT_TRUE(sp.violated);
  ASSERT_TRUE(sp.witness);
  EXPECT_FALSE(R.replay_failed);
  EXPECT_TRUE(validate_trace(sys, *sp.witness));
  EXPECT_FALSE(sys.property_holds(0, sp.witness->final_state().data()));
  EXPECT_GE(sp.witness->steps.size(), 3u);  // the shortest violation has 3 steps
  // The three ups are the last three moves of A (B's moves may come between them).
  std::vector<std::string> a_moves;
  for (const auto& s : sp.witness->steps)
    if (s.label.ep == 0) a_moves.push_back(rule_name(sys, s.label));
  ASSERT_GE(a_moves.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(a_moves.end() - 3, a_moves.end()),
            (std::vector<std::string>{"up1", "up2", "up3"}));
  EXPECT_EQ(R.runs, 200u);
  EXPECT_LE(R.longest_run, 50u);
  // B never leaves IDLE/ONE; A reached THREE in the violating run.
  bool a_three = false;
  for (auto [a, b] : R.tcp_state_pairs) {
    EXPECT_LE(b, 1) << "B cannot reach TWO or THREE";
    a_three |= a == 3;
  }
  EXPECT_TRUE(a_three);
}

TEST_F(Commands, SimulateCommandPrintsTheViolationAsNotNecessarilyShortest) {
  const std::string spec = write("ladder.tcp", kLadder);
  SimulateCommand c = sim(spec, 1);
  c.runs = 200;
  c.steps = 50;
  c.json_path = path("sim.json");
  Out r = simulate_cmd(c);
  EXPECT_EQ(r.code, 10) << r.out << r.err;  // never_three is expected to hold
  EXPECT_NE(r.out.find("random simulation, seed 1"), std::string::npos) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m,
                                std::regex("counterexample for never_three: ([0-9]+) steps \\(found by random simulation "
                                           "in run [0-9]+, seed 1; NOT necessarily shortest; replayed through the model\\)")))
      << r.out;
  const int steps = std::stoi(m[1]);
  EXPECT_NE(r.out.find("     property: A.state != THREE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("never_three  expect hold       violated in"), std::string::npos) << r.out;
  // The JSON trace is the one printed, and it ends in a violating state.
  auto j = nlohmann::json::parse(read(c.json_path));
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["mode"], "simulation");
  const auto& p = j["properties"][0];
  EXPECT_EQ(p["name"], "never_three");
  EXPECT_EQ(p["verdict"], "violated");
  EXPECT_EQ(p["expression"], "A.state != THREE");
  ASSERT_TRUE(p["counterexample"].is_object());
  EXPECT_EQ(p["counterexample"]["length"], steps);
  EXPECT_EQ(p["counterexample"]["steps"].back()["A"]["state"], "THREE");
  EXPECT_EQ(p["counterexample"]["steps"].back()["rule"], "up3");
}

TEST_F(Commands, SimulateIsDeterministicForASeed) {
  const std::string spec = write("ladder.tcp", kLadder);
  SimulateCommand c = sim(spec, 42);
  c.runs = 100;
  c.steps = 30;
  Out a = simulate_cmd(c), b = simulate_cmd(c);
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("seed 42"), std::string::npos);
}

TEST_F(Commands, SimulateHonoursTheStepBound) {
  const std::string spec = write("ladder.tcp", kLadder);
  SimulateCommand c = sim(spec, 1);
  c.runs = 300;
  c.steps = 2;  // THREE needs 3 steps
  c.json_path = path("sim.json");
  Out r = simulate_cmd(c);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("never_three  expect hold       not violated in 300 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("300 runs of at most 2 steps: 600 steps, longest run 2"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("holds"), std::string::npos) << "a simulation never says 'holds'\n" << r.out;
  auto j = nlohmann::json::parse(read(c.json_path));
  EXPECT_EQ(j["longest_run"], 2);
  EXPECT_EQ(j["steps"], 600);
  // At most 2 steps from (IDLE, IDLE): A and B each reach at most TWO.
  for (const auto& pair : j["tcp_state_pairs"]) EXPECT_NE(pair[0], "THREE");
}

TEST_F(Commands, SimulateExpectedViolationNotFoundIsInconclusive) {
  std::string text = kLadder;
  text.replace(text.find("never_three expect hold"), 23, "never_three expect violation");
  const std::string spec = write("ladder.tcp", text);
  SimulateCommand c = sim(spec, 1);
  c.runs = 50;
  c.steps = 2;
  Out r = simulate_cmd(c);
  EXPECT_EQ(r.code, 5) << r.out;
  EXPECT_NE(r.out.find("not violated in 50 runs (inconclusive: the expected violation was not found)"),
            std::string::npos)
      << r.out;
  c.steps = 50;
  c.runs = 200;
  EXPECT_EQ(simulate_cmd(c).code, 0);  // found, as expected (and b_low cannot be violated: B never reaches TWO)
}

TEST_F(Commands, SimulatePropertySelection) {
  const std::string spec = write("ladder.tcp", kLadder);
  SimulateCommand c = sim(spec, 1);
  c.runs = 50;
  c.steps = 2;
  c.options.properties = {"b_low"};
  Out r = simulate_cmd(c);
  EXPECT_EQ(r.out.find("never_three"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b_low"), std::string::npos) << r.out;
  c.options.properties = {"never_thre"};
  Out bad = simulate_cmd(c);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("the spec has no property 'never_thre'; did you mean 'never_three'?"), std::string::npos)
      << bad.err;
}

// ---- --property and --trace ----

TEST_F(Commands, PropertySelectionReportsAndCountsOnlyTheSelected) {
  const std::string spec = write("ladder.tcp", kLadder);
  CheckCommand c = check(spec);
  c.json_path = path("all.json");
  Out all = check_cmd(c);
  EXPECT_EQ(all.code, 10) << all.out;  // never_three is violated, expected to hold
  c.options.properties = {"b_low"};
  c.json_path = path("r.json");
  Out one = check_cmd(c);
  EXPECT_EQ(one.code, 0) << one.out;  // b_low holds (B never reaches TWO); never_three no longer counts
  EXPECT_EQ(one.out.find("never_three"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("b_low     expect hold       holds"), std::string::npos) << one.out;
  auto j = nlohmann::json::parse(read(c.json_path));
  ASSERT_EQ(j[0]["properties"].size(), 1u);
  EXPECT_EQ(j[0]["properties"][0]["name"], "b_low");
  EXPECT_EQ(j[0]["properties"][0]["verdict"], "holds");
  // The state space is explored whole all the same.
  EXPECT_EQ(j[0]["states"], nlohmann::json::parse(read(path("all.json")))[0]["states"]);
}

TEST_F(Commands, UnknownPropertyIsAUsageErrorWithASuggestion) {
  const std::string spec = write("ladder.tcp", kLadder);
  CheckCommand c = check(spec);
  c.options.properties = {"never_tree"};
  Out r = check_cmd(c);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("did you mean 'never_three'?"), std::string::npos) << r.err;
  std::ostringstream o, e;
  EXPECT_EQ(run_report(c, path("reports"), o, e), 1);
  EXPECT_FALSE(fs::exists(path("reports")));
}

TEST_F(Commands, TracePrintsOneCounterexampleAndWritesItsSvg) {
  const std::string spec = write("fields.tcp", kFields);
  CheckCommand c = check(spec);
  c.trace_property = "never_got";
  c.svg_path = path("cex.svg");
  Out r = check_cmd(c);
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // violated, as expected
  EXPECT_NE(r.out.find("counterexample for never_got: 2 steps (shortest, replayed through the model)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("     property: (B.state != GOT)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("calm"), std::string::npos) << r.out;
  const std::string svg = read(c.svg_path);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("never_got violated"), std::string::npos);

  c.trace_property = "calm";
  c.svg_path = path("none.svg");
  Out holds = check_cmd(c);
  EXPECT_EQ(holds.code, 0) << holds.out;
  EXPECT_NE(holds.out.find("calm holds in all"), std::string::npos) << holds.out;
  EXPECT_NE(holds.out.find("no SVG written"), std::string::npos) << holds.out;
  EXPECT_FALSE(fs::exists(c.svg_path));

  c.trace_property = "clam";
  EXPECT_EQ(check_cmd(c).code, 1);
}

// ---- JSON counterexamples ----

TEST_F(Commands, JsonCounterexampleHasStructuredStateAndSegments) {
  const std::string spec = write("fields.tcp", kFields);
  CheckCommand c = check(spec);
  c.json_path = path("r.json");
  Out r = check_cmd(c);
  EXPECT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(read(c.json_path));
  const auto& p = j[0]["properties"][0];
  EXPECT_EQ(p["name"], "never_got");
  EXPECT_EQ(p["expression"], "(B.state != GOT)");
  EXPECT_EQ(j[0]["properties"][1]["expression"], "arrivals <= 3");
  const auto& cex = p["counterexample"];
  ASSERT_EQ(cex["length"], 2);
  EXPECT_EQ(cex["initial"]["A"]["variables"]["iss"], 0);
  EXPECT_EQ(cex["initial"]["A"]["timers"]["rexmt"]["status"], "stopped");
  const auto& s1 = cex["steps"][0];
  EXPECT_EQ(s1["rule"], "connect");
  EXPECT_EQ(s1["A"]["state"], "SENT");
  EXPECT_EQ(s1["A"]["variables"]["iss"], 5);
  EXPECT_EQ(s1["A"]["variables"]["opened"], true);
  EXPECT_EQ(s1["B"]["variables"]["opened"], false);
  EXPECT_EQ(s1["A"]["timers"]["rexmt"]["status"], "running");
  EXPECT_EQ(s1["A"]["timers"]["rexmt"]["ticks_left"], 2);
  EXPECT_TRUE(s1["B"]["timers"]["rexmt"]["ticks_left"].is_null());
  ASSERT_EQ(s1["in_flight"]["A->B"].size(), 1u);
  EXPECT_EQ(s1["in_flight"]["A->B"][0]["flags"], "[S]");
  EXPECT_EQ(s1["in_flight"]["A->B"][0]["seq"], 5);
  EXPECT_EQ(s1["in_flight"]["A->B"][0]["age"], 0);
  EXPECT_EQ(s1["in_flight"]["A->B"][0]["from"], "A");
  EXPECT_TRUE(s1["in_flight"]["B->A"].empty());
  EXPECT_EQ(s1["in_flight_text"]["A->B"], "{[S] seq=5 @0}");
  const auto& s2 = cex["steps"][1];
  EXPECT_EQ(s2["B"]["state"], "GOT");
  EXPECT_EQ(s2["B"]["ghost"]["got_seq"], 5);
  EXPECT_EQ(s2["A"]["ghost"]["got_seq"], 0);
  EXPECT_EQ(s2["ghost"]["arrivals"], 1);
  EXPECT_TRUE(s2["in_flight"]["A->B"].empty());
  ASSERT_EQ(s2["in_flight"]["B->A"].size(), 1u);
  EXPECT_EQ(s2["in_flight"]["B->A"][0]["flags"], "[S.]");
  EXPECT_EQ(s2["in_flight"]["B->A"][0]["seq"], 1);
  EXPECT_EQ(s2["in_flight"]["B->A"][0]["ack"], 6);
  // The text output shows the expression above the counterexample.
  EXPECT_NE(r.out.find("counterexample for never_got: 2 steps (shortest, replayed through the model)\n"
                       "     property: (B.state != GOT)\n"),
            std::string::npos)
      << r.out;
}

TEST_F(Commands, MultiLineExpressionKeepsItsLayout) {
  auto loaded = test::load(
      "enum S { IDLE }\nendpoint { state: S = IDLE }\n"
      "invariant two_lines expect hold:\n    A.state == IDLE &&\n      B.state == IDLE\n");
  ASSERT_TRUE(loaded->ok()) << test::all_messages(loaded->diags);
  EXPECT_EQ(property_expression(loaded->spec->model.properties[0]), "A.state == IDLE &&\n  B.state == IDLE");
}

// ---- interrupts ----

TEST_F(Commands, InterruptedCheckPrintsTheSummarySoFarAndExitsFive) {
  const std::string a = write("a.tcp", kLadder), b = write("b.tcp", kLadder);
  CheckCommand c;
  c.specs = {a, b};
  c.options.limits.progress = false;
  request_interrupt();
  Out r = check_cmd(c);
  EXPECT_EQ(r.code, 5) << r.out << r.err;
  EXPECT_NE(r.out.find("INCOMPLETE: interrupted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inconclusive (within the bounds explored)"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("interrupted after [0-9]+ states of .*a\\.tcp: .*; 1 more spec\\(s\\) not checked")))
      << r.err;
  EXPECT_EQ(r.out.find("b.tcp"), std::string::npos) << r.out;
}

TEST_F(Commands, InterruptedReportWritesNothing) {
  const std::string a = write("a.tcp", kLadder);
  CheckCommand c = check(a);
  request_interrupt();
  std::ostringstream o, e;
  EXPECT_EQ(run_report(c, path("reports"), o, e), 5) << e.str();
  EXPECT_NE(e.str().find("no report written"), std::string::npos) << e.str();
  EXPECT_FALSE(fs::exists(path("reports/a")));
  EXPECT_FALSE(fs::exists(path("reports/README.md")));
}

TEST_F(Commands, InterruptedSweepStopsAfterTheRunningValue) {
  const std::string spec = write("c.tcp",
                                 "const N = 2\nenum S { CLOSED }\nendpoint { state: S = CLOSED\n  n: 0..9 }\n"
                                 "call inc when n < N { n := n + 1 }\ninvariant ok expect hold: A.n <= N\n");
  CheckCommand c = check(spec);
  request_interrupt();
  std::ostringstream o, e;
  EXPECT_EQ(run_sweep(c, "N", 1, 3, o, e), 5);
  EXPECT_NE(o.str().find("N=1"), std::string::npos) << o.str();
  EXPECT_NE(o.str().find("(interrupted)"), std::string::npos) << o.str();
  EXPECT_EQ(o.str().find("N=2"), std::string::npos) << o.str();
  EXPECT_NE(e.str().find("interrupted at N=1 after"), std::string::npos) << e.str();
  EXPECT_NE(e.str().find("N=2..3 not checked"), std::string::npos) << e.str();
}

TEST_F(Commands, InterruptedSimulationExitsFive) {
  const std::string spec = write("ladder.tcp", kLadder);
  request_interrupt();
  Out r = simulate_cmd(sim(spec, 1));
  EXPECT_EQ(r.code, 5) << r.out;
  EXPECT_NE(r.out.find("0 runs of at most 200 steps (INTERRUPTED)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("interrupted after 0 complete runs; nothing above is a verdict"), std::string::npos) << r.out;
}

// ---- the executable ----

using Child = test::ChildResult;
// Runs a program (no shell) with stderr merged into stdout, and `env` ("NAME=value") added.
Child child(std::vector<std::string> argv, std::vector<std::string> env = {}) {
  return test::run_program(std::move(argv), {.merge_stderr = true, .env = std::move(env)});
}
const std::string kTcpmc = TCPMC_BINARY;

// A real SIGINT, raised by the child itself at its 3rd poll of the interrupt flag (no timing);
// and SIGTERM delivered twice at once, as timeout(1) sends it (to the process, then to its
// group): one request, a clean stop, not the default action of a second signal.
TEST_F(Commands, SigintStopsACheckWithTheSummarySoFar) {
  const std::string spec = write("ladder.tcp", kLadder);
  for (const char* signal : {"TCPMC_TEST_SIGINT_AFTER_POLLS=3", "TCPMC_TEST_SIGTERM_TWICE_AFTER_POLLS=3"}) {
    Child r = child({kTcpmc, "check", spec, "--no-progress"}, {signal});
    EXPECT_EQ(r.code, 5) << signal << "\n" << r.out;
    EXPECT_NE(r.out.find("INCOMPLETE: interrupted"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("interrupted after"), std::string::npos) << r.out;
  }
  Child s = child({kTcpmc, "simulate", spec, "--seed", "1", "--no-progress"}, {"TCPMC_TEST_SIGINT_AFTER_POLLS=2"});
  EXPECT_EQ(s.code, 5) << s.out;
  EXPECT_NE(s.out.find("(INTERRUPTED)"), std::string::npos) << s.out;
}

TEST_F(Commands, MistypedCommandGetsASuggestion) {
  Child r = child({kTcpmc, "chek", "specs"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown command 'chek'; did you mean 'check'?"), std::string::npos) << r.out;
  Child s = child({kTcpmc, "simulat", "x.tcp"});
  EXPECT_EQ(s.code, 1);
  EXPECT_NE(s.out.find("did you mean 'simulate'?"), std::string::npos) << s.out;
}

TEST_F(Commands, HelpShowsAnExampleAndTheExitCodes) {
  Child c = child({kTcpmc, "check", "--help"});
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("Exit codes:"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("10  some verdict differs"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("--trace"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Examples:"), std::string::npos) << c.out;
  Child s = child({kTcpmc, "simulate", "--help"});
  EXPECT_EQ(s.code, 0);
  EXPECT_NE(s.out.find("not violated in N runs"), std::string::npos) << s.out;
  for (const char* cmd : {"report", "diff", "regress", "sweep", "conform"}) {
    Child h = child({kTcpmc, cmd, "--help"});
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find("Exit codes"), std::string::npos) << cmd << "\n" << h.out;
    EXPECT_NE(h.out.find("Example"), std::string::npos) << cmd << "\n" << h.out;
  }
}

TEST_F(Commands, VersionNamesTheCommit) {
  Child v = child({kTcpmc, "--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(std::regex_search(v.out, std::regex("^tcpmc [0-9]+\\.[0-9]+\\.[0-9]+ \\(git [0-9a-zA-Z.-]+\\)\n$")))
      << v.out;
}

TEST_F(Commands, InstallPlacesExecutableManPageAndCompletion) {
  Child r = child({"cmake", "--install", TCPMC_BUILD_DIR, "--prefix", dir});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(path("bin/tcpmc")));
  const std::string man = read(path("share/man/man1/tcpmc.1"));
  const std::string completion = read(path("share/bash-completion/completions/tcpmc"));
  EXPECT_NE(man.find(".TH TCPMC 1"), std::string::npos);
  EXPECT_NE(completion.find("complete -o filenames -F _tcpmc tcpmc"), std::string::npos);
  // Every command is documented and completed, and the installed executable runs.
  for (const char* cmd : {"check", "report", "diff", "regress", "sweep", "simulate", "conform"}) {
    EXPECT_NE(man.find(std::string(".B ") + cmd), std::string::npos) << cmd;
    EXPECT_NE(completion.find(cmd), std::string::npos) << cmd;
  }
  // check's engine options, and their values.
  for (const char* opt : {"--engine", "--depth"}) EXPECT_NE(completion.find(opt), std::string::npos) << opt;
  EXPECT_NE(man.find(".BR \\-\\-engine \" explicit|bmc|kind\""), std::string::npos);
  EXPECT_NE(man.find(".BI \\-\\-depth \" K\""), std::string::npos);
  EXPECT_NE(completion.find("compgen -W \"explicit bmc kind\""), std::string::npos);
  EXPECT_EQ(child({path("bin/tcpmc"), "--version"}).code, 0);
}

// ---- progress ----

TEST(ProgressLine, TerminalRedrawsInPlaceAndErasesAtTheEnd) {
  std::ostringstream os;
  ProgressLine line(os, true);
  line.update("[tcpmc] x: 1 states", 0.6);
  line.update("[tcpmc] x: 2 states", 0.7);  // within half a second of the last draw: skipped
  EXPECT_EQ(os.str(), "\r[tcpmc] x: 1 states\x1b[K");
  line.finish();
  EXPECT_EQ(os.str(), "\r[tcpmc] x: 1 states\x1b[K\r\x1b[K");
}

TEST(ProgressLine, ElsewhereNewLinesOnlyForLongRuns) {
  std::ostringstream os;
  ProgressLine line(os, false);
  line.update("early", 1.0);  // runs shorter than three seconds leave no trace
  EXPECT_EQ(os.str(), "");
  line.update("later", 3.5);
  line.update("too soon", 3.6);
  line.finish();
  EXPECT_EQ(os.str(), "later\n");
}

TEST(ProgressLine, EngineProgressNamesTheRunAndItsElapsedTime) {
  EngineProgress p;
  p.label = "sweep TIME_WAIT_TICKS=2 (3/5)";
  p.states = 700000;
  p.depth = 31;
  p.queue = 1234;
  p.memory_bytes = 96u << 20;
  p.seconds = 2.0;
  EXPECT_EQ(format_engine_progress(p),
            "[tcpmc] sweep TIME_WAIT_TICKS=2 (3/5): 700000 states (350k/s), depth 31, queue 1234, 96 MiB, 2.0s");
  EXPECT_EQ(format_elapsed(65), "1m05s");
  // A breadth-first engine adds its levels, and while they shrink an estimate of what is left.
  p.level_states = 412345;
  p.next_level_states = 96000;
  EXPECT_EQ(format_engine_progress(p), "[tcpmc] sweep TIME_WAIT_TICKS=2 (3/5): 700000 states (350k/s), depth 31 "
                                       "(level 412k, next 96000), queue 1234, 96 MiB, 2.0s");
  p.estimate_left = 12'345'678;
  EXPECT_NE(format_engine_progress(p).find("depth 31 (level 412k, next 96000, ~12.3M left), queue"), std::string::npos);
}

}  // namespace
}  // namespace tcpmc
