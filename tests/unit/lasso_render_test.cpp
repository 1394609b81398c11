// Lassos (a Trace with loop_start: the run repeats its last steps forever, or stays in its last
// state) in every rendering, on real runs of small specs built step by step from the successors:
//  - validate_trace accepts a loop that closes and rejects one that does not, or an empty loop
//    where a move is possible;
//  - the table says where the loop starts (exactly before its first step; ticks do not fold across
//    it) and where it goes back to; the chart draws it as a bracket in its left margin;
//  - the JSON run has "loop_start" (and a finite run has none); the SVG draws the loop arrow with
//    "repeats forever"; the terminal and Markdown reports introduce the counterexample as a lasso;
//  - a run that stays in its last state says "stays here forever" everywhere;
//  - a finite run shows none of this.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "json_report.hpp"
#include "report_writer.hpp"
#include "svg_sequence.hpp"
#include "test_util.hpp"
#include "text_report.hpp"

namespace tcpmc {
namespace {

using test::check_text;
using test::follow;
using test::prop;
using test::read_file;

// A's timer restarts whenever it expires: after `go` the run cycles through three ticks and a
// timeout, back to a state it has been in. B does nothing.
const std::string kTimerLoop =
    "enum S { C0, C1 }\n"
    "endpoint { state: S = C0\n  timer t }\n"
    "segment { flags SYN }\n"
    "network { capacity = 1, msl = 3 }\n"
    "call go in C0 when self == A { timer t := 2\n goto C1 }\n"
    "timeout again on t in C1 { timer t := 2\n goto C1 }\n"
    "invariant b_idle expect hold: B.state == C0\n";

// go (timer 2), tick (1), tick (0), tick (expired), again (2), tick (1): the state after the last
// step is the state after step 2, so the loop is steps 3-6 (loop_start 2), and it starts between
// two ticks.
const std::vector<std::string> kTimerLoopEvents = {"A go", "tick", "tick", "tick", "A timeout again", "tick"};

// A connects and B takes the SYN without answering: the shortest counterexample of both_open (A
// connect, B recv) ends in a dead end, where no move is possible.
const std::string kUnanswered =
    "enum TcpState { CLOSED, SYN_SENT, ESTABLISHED }\n"
    "endpoint { state: TcpState = CLOSED }\n"
    "segment { flags SYN\n  seq: 0..3 }\n"
    "network { capacity = 1, msl = 2 }\n"
    "call connect in CLOSED when self == A { send SYN (seq = 0) goto SYN_SENT }\n"
    "recv syn(s) in CLOSED when s.SYN { goto ESTABLISHED }\n"
    "stuck both_open expect violation: A.state == ESTABLISHED && B.state == ESTABLISHED\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t b = 0, e; b < text.size(); b = e + 1) {
    e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    out.push_back(text.substr(b, e - b));
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Every loop marker any rendering may show.
const std::vector<std::string> kLoopMarks = {"forever", "-- loop", "loop_start", "class=\"loop\"", "loophead",
                                             "never satisfies"};

class LassoRender : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    timer = check_text(kTimerLoop);
    ASSERT_TRUE(timer);
    lasso = follow(*timer->system, kTimerLoopEvents);
    ASSERT_EQ(lasso.steps.size(), kTimerLoopEvents.size());
    lasso.loop_start = 2;
    dead = check_text(kUnanswered);
    ASSERT_TRUE(dead);
    ASSERT_TRUE(prop(*dead, "both_open").counterexample);
    stay = *prop(*dead, "both_open").counterexample;
    ASSERT_EQ(stay.steps.size(), 2u);
    stay.loop_start = 2;
  }
  const CompiledSystem& timer_sys() const { return *timer->system; }
  const CompiledSystem& dead_sys() const { return *dead->system; }

  std::unique_ptr<SpecResult> timer, dead;
  Trace lasso;  // kTimerLoopEvents, looping over steps 3-6
  Trace stay;   // A connect, B recv, staying in the dead end
};

TEST_F(LassoRender, ValidateAcceptsALoopThatClosesAndRejectsOneThatDoesNot) {
  EXPECT_EQ(lasso.loop_state(), lasso.final_state());
  EXPECT_TRUE(validate_trace(timer_sys(), lasso));
  Trace open = lasso;
  open.loop_start = 3;  // the state after step 3 (timer at 0) is not the last one (timer at 1)
  EXPECT_NE(open.loop_state(), open.final_state());
  EXPECT_FALSE(validate_trace(timer_sys(), open));
  open.loop_start = 7;  // past the end
  EXPECT_FALSE(validate_trace(timer_sys(), open));
  open.loop_start = 6;  // staying in the last state, where the timer still runs down
  EXPECT_FALSE(validate_trace(timer_sys(), open));
  EXPECT_TRUE(validate_trace(dead_sys(), stay));  // a dead end: no move is possible
}

TEST_F(LassoRender, TableMarksTheLoopRightBeforeItsFirstStep) {
  const auto lines = lines_of(format_trace_table(timer_sys(), lasso));
  ASSERT_EQ(lines.size(), 9u);  // head, 0, 1, 2, loop, 3-4, 5, 6, back
  EXPECT_TRUE(starts_with(lines[3], "2     tick ")) << lines[3];
  EXPECT_EQ(lines[4], "      -- loop: the steps below repeat forever --");
  // The ticks of steps 2-4 fold only inside the loop.
  EXPECT_TRUE(starts_with(lines[5], "3-4   2 ticks ")) << lines[5];
  EXPECT_TRUE(starts_with(lines[7], "6     tick ")) << lines[7];
  EXPECT_EQ(lines[8], "      -- back to the state before step 3: repeats forever --");
}

TEST_F(LassoRender, ChartDrawsTheLoopAsABracketInTheLeftMargin) {
  const auto lines = lines_of(format_sequence_chart(timer_sys(), lasso));
  size_t first = 0;
  while (first < lines.size() && !starts_with(lines[first], ".-> ")) ++first;
  ASSERT_LT(first, lines.size());
  EXPECT_TRUE(starts_with(lines[first], ".-> [3-4] ")) << lines[first];
  for (size_t k = 0; k < first; ++k) EXPECT_TRUE(starts_with(lines[k], "    ")) << lines[k];
  for (size_t k = first + 1; k + 1 < lines.size(); ++k) EXPECT_TRUE(starts_with(lines[k], "|   ")) << lines[k];
  EXPECT_TRUE(starts_with(lines[lines.size() - 2], "|   [6] ")) << lines[lines.size() - 2];
  EXPECT_EQ(lines.back(), "'-- back to the state before step 3: repeats forever");
  // Without its margin, the chart is the one of the same run as a finite trace.
  Trace finite = lasso;
  finite.loop_start.reset();
  const auto plain = lines_of(format_sequence_chart(timer_sys(), finite));
  // The finite run folds steps 2-4 into one row; the lasso keeps step 2 apart.
  EXPECT_EQ(plain.size() + 2, lines.size());
  EXPECT_EQ(lines[0].substr(4), plain[0]);
}

TEST_F(LassoRender, JsonHasLoopStartOnlyForALasso) {
  const Json j = trace_json(timer_sys(), lasso);
  ASSERT_TRUE(j.contains("loop_start"));
  EXPECT_EQ(j["loop_start"], 2);
  EXPECT_EQ(j["length"], 6);
  EXPECT_EQ(j["steps"][2]["kind"], "tick");  // the loop's first step
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"length", "loop_start", "initial", "steps"}));
  EXPECT_EQ(trace_json(dead_sys(), stay)["loop_start"], 2);  // the length: an empty loop
}

TEST_F(LassoRender, SvgDrawsTheLoopArrowAndSaysItRepeatsForever) {
  const std::string svg = trace_to_svg(timer_sys(), lasso, "loop", {"b_idle"});
  EXPECT_NE(svg.find("<g class=\"loop\">"), std::string::npos);
  EXPECT_NE(svg.find("class=\"loop\" marker-end=\"url(#loophead)\""), std::string::npos);
  EXPECT_NE(svg.find(" H-24 V"), std::string::npos);  // the bracket, in the margin left of the step numbers
  EXPECT_NE(svg.find("<marker id=\"loophead\""), std::string::npos);
  EXPECT_NE(svg.find(">repeats forever</text>"), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"-40 0 940 "), std::string::npos);  // the margin that holds the loop
  EXPECT_NE(svg.find("violation: a run that never satisfies `b_idle`: steps 3-6 repeat forever"), std::string::npos);
  EXPECT_EQ(svg.find("violation at step"), std::string::npos);
  // The loop's rows are banded: 3-4, 5 and 6.
  size_t bands = 0;
  for (size_t at = svg.find("class=\"violband\""); at != std::string::npos; at = svg.find("class=\"violband\"", at + 1))
    ++bands;
  EXPECT_EQ(bands, 3u);
}

TEST_F(LassoRender, ReportsIntroduceTheCounterexampleAsALasso) {
  const std::string text = format_counterexample(timer_sys(), "b_idle", "B.state == C0", lasso, "replayed");
  EXPECT_NE(text.find("\n     a run that never satisfies b_idle: 2 steps to the loop, then a loop of 4 steps (3-6) "
                      "that repeats forever\n"),
            std::string::npos)
      << text;
  // The Markdown report of a spec whose counterexample is a lasso.
  for (auto& p : dead->properties)
    if (p.name == "both_open") p.counterexample->loop_start = 2;
  ASSERT_FALSE(write_spec_report(*dead, dir));
  const std::string md = read_file(path("test/report.md"));
  EXPECT_NE(md.find("A run that never satisfies `both_open`: 2 steps, then no move is possible: the run stays in its "
                    "last state forever.\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("      -- no move is possible: stays here forever --\n```"), std::string::npos) << md;
  EXPECT_NE(read_file(path("test/cex-both_open.svg")).find(">stays here forever</text>"), std::string::npos);
  EXPECT_NE(read_file(path("test/result.json")).find("\"loop_start\": 2"), std::string::npos);
}

TEST_F(LassoRender, ARunThatStaysInItsLastStateSaysSoEverywhere) {
  const auto table = lines_of(format_trace_table(dead_sys(), stay));
  EXPECT_EQ(table.back(), "      -- no move is possible: stays here forever --");
  EXPECT_EQ(format_trace_table(dead_sys(), stay).find("-- loop"), std::string::npos);
  const auto chart = lines_of(format_sequence_chart(dead_sys(), stay));
  EXPECT_NE(chart.back().find("| (no move is possible: stays here forever)  |"), std::string::npos) << chart.back();
  EXPECT_TRUE(starts_with(chart[1], "CLOSED ")) << chart[1];  // no margin: there is no loop to draw
  const std::string svg = trace_to_svg(dead_sys(), stay, "stay", {"both_open", true});
  EXPECT_NE(svg.find(">stays here forever</text>"), std::string::npos);
  EXPECT_EQ(svg.find("repeats forever"), std::string::npos);
  EXPECT_NE(svg.find("violation: a run that never satisfies `both_open`: no move is possible after step 2: the run "
                     "stays there forever"),
            std::string::npos);
  EXPECT_EQ(lasso_shape(stay), "2 steps, then no move is possible: the run stays in its last state forever");
}

TEST_F(LassoRender, AFiniteRunShowsNoLoop) {
  auto expect_no_loop = [](const CompiledSystem& sys, Trace t) {
    t.loop_start.reset();
    const std::string all = format_trace_table(sys, t) + format_sequence_chart(sys, t) +
                            trace_to_svg(sys, t, "finite", {"p"}) + json_text(trace_json(sys, t)) +
                            format_counterexample(sys, "p", "", t, "shortest");
    for (const auto& mark : kLoopMarks) EXPECT_EQ(all.find(mark), std::string::npos) << mark;
    EXPECT_NE(all.find("viewBox=\"0 0 900 "), std::string::npos);
  };
  expect_no_loop(timer_sys(), lasso);
  expect_no_loop(dead_sys(), stay);
}

TEST(LassoShape, CountsTheStepsToTheLoopAndInIt) {
  Trace t;
  t.steps.resize(5);
  t.loop_start = 2;
  EXPECT_EQ(lasso_shape(t), "2 steps to the loop, then a loop of 3 steps (3-5) that repeats forever");
  EXPECT_EQ(loop_summary(t), "steps 3-5 repeat forever");
  t.loop_start = 4;
  EXPECT_EQ(lasso_shape(t), "4 steps to the loop, then a loop of 1 step (5) that repeats forever");
  EXPECT_EQ(loop_summary(t), "step 5 repeats forever");
  t.loop_start = 0;
  EXPECT_EQ(lasso_shape(t), "a loop of 5 steps (1-5) from the initial state that repeats forever");
  t.steps.clear();
  EXPECT_EQ(lasso_shape(t), "no move is possible: the run stays in its initial state forever");
}

}  // namespace
}  // namespace tcpmc
