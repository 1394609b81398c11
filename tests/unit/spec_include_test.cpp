// Spec composition (model/spec_include.hpp, model/spec_loader.cpp): `include "base.tcp"` and the
// edits a derived spec makes to what it includes: new declarations (rules at the end or
// `before RULE`, and the recv first-match order that follows), `override const` (and everything
// computed from the constant), `override recv|call|timeout` in place, `override invariant|stuck`
// with and without a new expression, `remove` of rules and properties, and a derived `spec`,
// network and fault settings. Misuses: edits of something missing (with "did you mean"), edits
// and `before` without an include, `before` on an override, a kind change, duplicates between
// base and derived, a missing or unreadable included file, include cycles (two files, a
// self-include, and a cycle spelled through another path), nesting depth, a syntax or type error
// inside the included file (reported against that file), and -D overrides of a base constant.
// Include paths resolve relative to the including file. Specs are written to a temporary
// directory; every diagnostic is checked for its message and its file:line:col.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace tcpmc {
namespace {

namespace fs = std::filesystem;
using test::covered;
using test::pos_in;

// The base spec most tests include. Two endpoints; A opens and sends one SYN; B's recv rules
// take it in first-match order (take_syn before take_any); both count up to N.
// Reachable: A CLOSED with nothing sent, A OPEN with the SYN in flight, A OPEN with the SYN
// taken (3 phases) x A.n in 0..N x B.n in 0..N: 3 * 3 * 3 = 27 states for N = 2.
const std::string kBase =
    "spec base \"the base spec\"\n"                                  // 1
    "const N = 2\n"                                                   // 2
    "const TWICE = 2 * N\n"                                           // 3
    "enum S { CLOSED, OPEN }\n"                                       // 4
    "endpoint { state: S = CLOSED\n"                                  // 5
    "  n: 0..TWICE\n"                                                 // 6
    "  got: 0..3 }\n"                                                 // 7
    "segment { flags SYN, ACK }\n"                                    // 8
    "network { capacity = 1, msl = 0 }\n"                             // 9
    "faults { loss = 0, dup = 0, reorder = false }\n"                 // 10
    "call open in CLOSED when self == A { send SYN () goto OPEN }\n"  // 11
    "recv take_syn(s) when s.SYN { got := 1 }\n"                      // 12
    "recv take_any(s) { got := 2 }\n"                                 // 13
    "call count when n < N { n := n + 1 }\n"                          // 14
    "invariant bounded expect hold: A.n <= N && B.n <= N\n"           // 15
    "invariant syn_taken expect violation: B.got != 1\n"              // 16
    "stuck all_counted expect hold: A.n == N && B.n == N\n";          // 17

class SpecInclude : public test::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    write("base.tcp", kBase);
  }

  std::unique_ptr<test::Loaded> load(const std::string& name, const ConstOverrides& ov = {}) {
    auto l = std::make_unique<test::Loaded>();
    l->spec = load_spec_file(path(name), ov, l->diags);
    return l;
  }

  // Writes `text` as derived.tcp and loads it.
  std::unique_ptr<test::Loaded> derive(const std::string& text, const ConstOverrides& ov = {}) {
    write("derived.tcp", text);
    return load("derived.tcp", ov);
  }

  std::unique_ptr<SpecResult> run(const std::string& name, const ConstOverrides& ov = {}) {
    CheckOptions o;
    o.defines = ov;
    o.limits.progress = false;
    Diagnostics diags;
    auto r = check_spec_file(path(name), o, diags);
    EXPECT_TRUE(r) << format_diagnostics(diags);
    return r;
  }

  // A path with the temporary directory replaced by "DIR".
  std::string rel(const std::string& p) const {
    if (p.compare(0, dir.size(), dir) == 0) return "DIR" + p.substr(dir.size());
    return p;
  }
  std::string loc(SourceRange r) const {
    if (!r.valid()) return "?";
    LineCol lc = r.file->position(r.begin);
    return rel(r.file->path()) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
  }
  std::string loc(const Diagnostic& d) const { return loc(d.range); }
  std::string loc(const DiagnosticNote& n) const { return loc(n.range); }
  std::string fmt(const test::Loaded& l) const { return format_diagnostics(l.diags); }

  // The spec fails to load with exactly one error, with this message, place and covered text.
  void expect_one_error(const test::Loaded& l, const std::string& message, const std::string& at,
                        const std::string& covers) {
    EXPECT_FALSE(l.spec.has_value());
    ASSERT_EQ(l.diags.error_count(), 1u) << fmt(l);
    ASSERT_EQ(l.diags.all().size(), 1u) << fmt(l);
    const Diagnostic& d = l.diags.all()[0];
    EXPECT_EQ(d.message, message);
    EXPECT_EQ(loc(d), at) << fmt(l);
    EXPECT_EQ(covered(d), covers) << fmt(l);
  }
};

std::vector<std::string> rule_names(const ir::Model& m) {
  std::vector<std::string> v;
  for (const auto& r : m.rules) v.push_back(r.name);
  return v;
}

std::vector<std::string> property_names(const ir::Model& m) {
  std::vector<std::string> v;
  for (const auto& p : m.properties) v.push_back(p.name);
  return v;
}

const ir::Constant& constant(const ir::Model& m, const std::string& name) {
  for (const auto& c : m.consts)
    if (c.name == name) return c;
  ADD_FAILURE() << "no constant " << name;
  static ir::Constant none;
  return none;
}

// How often the rule `name` fired, over both endpoints.
uint64_t fired(const SpecResult& r, const std::string& name) {
  const auto& rules = r.spec->model.rules;
  const auto& inst = r.system->instances();
  uint64_t n = 0;
  bool found = false;
  for (size_t i = 0; i < inst.size(); ++i) {
    if (rules[inst[i].rule].name != name) continue;
    found = true;
    n += r.exploration.coverage.fired.at(i);
  }
  EXPECT_TRUE(found) << "no rule " << name;
  return n;
}

using Names = std::vector<std::string>;

// ---- including ----

TEST_F(SpecInclude, DerivedSpecHasTheBaseDeclarations) {
  auto l = derive("include \"base.tcp\"\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(m.path, path("derived.tcp"));
  EXPECT_EQ(m.name, "base");
  EXPECT_EQ(m.description, "the base spec");
  ASSERT_EQ(m.consts.size(), 2u);
  EXPECT_EQ(m.consts[0].name, "N");
  EXPECT_EQ(m.consts[0].value, 2);
  EXPECT_EQ(m.consts[1].name, "TWICE");
  EXPECT_EQ(m.consts[1].value, 4);
  ASSERT_EQ(m.enums.size(), 1u);
  EXPECT_EQ(m.enums[0].members, (Names{"CLOSED", "OPEN"}));
  ASSERT_EQ(m.endpoint_vars.size(), 3u);
  EXPECT_EQ(m.endpoint_vars[1].name, "n");
  EXPECT_EQ(m.endpoint_vars[1].type.hi, 4);
  EXPECT_EQ(m.seg_fields.size(), 2u);
  EXPECT_EQ(m.capacity, 1);
  EXPECT_EQ(m.msl, 0);
  EXPECT_EQ(m.default_faults.loss, 0);
  EXPECT_FALSE(m.default_faults.reorder);
  EXPECT_EQ(rule_names(m), (Names{"open", "take_syn", "take_any", "count"}));
  EXPECT_EQ(property_names(m), (Names{"bounded", "syn_taken", "all_counted"}));
  // The included rules keep their source locations in the included file, which the loaded spec
  // keeps alive.
  EXPECT_EQ(loc(m.rules[1].range), "DIR/base.tcp:12:1");
  ASSERT_EQ(l->spec->sources.size(), 2u);
  EXPECT_EQ(l->spec->sources[0]->path(), path("derived.tcp"));
  EXPECT_EQ(l->spec->sources[1]->path(), path("base.tcp"));

  // Checking it is checking the base.
  auto base = run("base.tcp");
  auto derived = run("derived.tcp");
  ASSERT_TRUE(base && derived);
  EXPECT_EQ(base->exploration.states, 27u);
  EXPECT_EQ(derived->exploration.states, 27u);
  EXPECT_EQ(derived->exploration.transitions, base->exploration.transitions);
  EXPECT_EQ(test::prop(*derived, "bounded").verdict, Verdict::Holds);
  EXPECT_EQ(test::prop(*derived, "syn_taken").verdict, Verdict::Violated);
  EXPECT_EQ(test::prop(*derived, "all_counted").verdict, Verdict::Holds);
  for (const auto& p : derived->properties) EXPECT_TRUE(p.as_expected()) << p.name;
  EXPECT_EQ(fired(*derived, "take_syn"), 9u);  // once per (A.n, B.n)
  EXPECT_EQ(fired(*derived, "take_any"), 0u);
}

TEST_F(SpecInclude, NewRuleIsAppendedAfterTheIncludedRules) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "recv late(s) when s.SYN { got := 3 }\n"
      "invariant late_is_shadowed expect hold: B.got != 3\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"open", "take_syn", "take_any", "count", "late"}));
  EXPECT_EQ(property_names(l->spec->model), (Names{"bounded", "syn_taken", "all_counted", "late_is_shadowed"}));
  // Last in the first-match order, `late` never gets a segment: take_syn takes the SYN first.
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 27u);
  EXPECT_EQ(fired(*r, "late"), 0u);
  EXPECT_EQ(fired(*r, "take_syn"), 9u);
  EXPECT_EQ(test::prop(*r, "late_is_shadowed").verdict, Verdict::Holds);
  EXPECT_EQ(test::prop(*r, "syn_taken").verdict, Verdict::Violated);
}

TEST_F(SpecInclude, BeforePlacesARuleAheadOfAnIncludedRuleInTheFirstMatchOrder) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "recv early(s) before take_syn when s.SYN { got := 3 }\n"
      "invariant early_takes_it expect violation: B.got != 3\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"open", "early", "take_syn", "take_any", "count"}));
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 27u);  // B.got is 3 where it was 1
  EXPECT_EQ(fired(*r, "early"), 9u);
  EXPECT_EQ(fired(*r, "take_syn"), 0u);
  EXPECT_EQ(test::prop(*r, "early_takes_it").verdict, Verdict::Violated);
  EXPECT_TRUE(test::prop(*r, "early_takes_it").as_expected());
  // The base's property meant to be violated (B.got becomes 1) now holds: the behaviour changed.
  EXPECT_EQ(test::prop(*r, "syn_taken").verdict, Verdict::Holds);
  EXPECT_FALSE(test::prop(*r, "syn_taken").as_expected());
}

TEST_F(SpecInclude, BeforeTheFirstRuleAndBeforeADerivedRule) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "call first before open { n := 0 }\n"
      "recv mine(s) { got := 3 }\n"                          // appended
      "recv ahead_of_mine(s) before mine { got := 3 }\n"     // before a rule of this spec
      "call second(v: 0..1) before take_any { n := v }\n");  // a call with parameters
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model),
            (Names{"first", "open", "take_syn", "second", "take_any", "count", "ahead_of_mine", "mine"}));
}

// ---- override ----

TEST_F(SpecInclude, OverrideConstChangesTheConstantAndEverythingDerivedFromIt) {
  auto l = derive("include \"base.tcp\"\noverride const N = 3\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  ASSERT_EQ(m.consts.size(), 2u);
  EXPECT_EQ(m.consts[0].name, "N");  // in the included constant's place
  EXPECT_EQ(m.consts[0].value, 3);
  EXPECT_FALSE(m.consts[0].overridden);  // `overridden` means -D
  EXPECT_EQ(m.consts[1].name, "TWICE");
  EXPECT_EQ(m.consts[1].value, 6);
  EXPECT_EQ(m.endpoint_vars[1].type.hi, 6);  // n: 0..TWICE
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 48u);  // 3 phases x 4 x 4
  EXPECT_EQ(test::prop(*r, "bounded").verdict, Verdict::Holds);
  EXPECT_EQ(test::prop(*r, "all_counted").verdict, Verdict::Holds);  // A.n == N uses the new N
}

TEST_F(SpecInclude, OverrideConstTakesTheIncludedConstantsPlace) {
  // The new value may use the constants declared before the included one...
  write("two.tcp", "const A0 = 1\nconst N = 2\nenum S { CLOSED }\nendpoint { state: S = CLOSED }\n");
  auto l = derive("include \"two.tcp\"\noverride const N = A0 + 4\nconst M = N * 2\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(constant(l->spec->model, "N").value, 5);
  EXPECT_EQ(constant(l->spec->model, "M").value, 10);
  // ... but not those the including spec adds: they come after it.
  const std::string text = "include \"two.tcp\"\nconst M = 1\noverride const N = M\n";
  auto late = derive(text);
  EXPECT_FALSE(late->spec.has_value());
  ASSERT_EQ(late->diags.error_count(), 1u) << fmt(*late);
  EXPECT_EQ(late->diags.all()[0].message, "unknown constant 'M'; did you mean 'N'?");
  EXPECT_EQ(loc(late->diags.all()[0]), "DIR/derived.tcp:3:20") << fmt(*late);
}

TEST_F(SpecInclude, OverrideRuleReplacesItInPlace) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "override recv take_syn(s) when s.SYN { got := 3 }\n"
      "override call count when n < 1 { n := n + 1 }\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(rule_names(m), (Names{"open", "take_syn", "take_any", "count"}));
  EXPECT_EQ(loc(m.rules[1].range), "DIR/derived.tcp:2:10");  // the replacement, from the derived file
  EXPECT_EQ(loc(m.rules[3].range), "DIR/derived.tcp:3:10");
  EXPECT_EQ(loc(m.rules[2].range), "DIR/base.tcp:13:1");
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 12u);  // 3 phases x 2 x 2
  // Still ahead of take_any: the new take_syn takes the SYN.
  EXPECT_EQ(fired(*r, "take_syn"), 4u);
  EXPECT_EQ(fired(*r, "take_any"), 0u);
  EXPECT_EQ(test::prop(*r, "syn_taken").verdict, Verdict::Holds);  // B.got is 3, never 1
  EXPECT_EQ(test::prop(*r, "all_counted").verdict, Verdict::Violated);  // n stops at 1 < N
}

TEST_F(SpecInclude, OverrideTimeoutRule) {
  write("timers.tcp",
        "enum S { CLOSED, OPEN }\n"
        "endpoint { state: S = CLOSED\n  timer t }\n"
        "call start in CLOSED { timer t := 1 goto OPEN }\n"
        "timeout fire on t in OPEN { goto CLOSED }\n"
        "call other in OPEN { goto OPEN }\n");
  write("derived.tcp",
        "include \"timers.tcp\"\n"
        "override timeout fire on t in OPEN { timer t := 2 }\n");
  auto l = load("derived.tcp");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"start", "fire", "other"}));
  EXPECT_EQ(l->spec->model.timers[0].max_duration, 2);
  EXPECT_EQ(loc(l->spec->model.rules[1].range), "DIR/derived.tcp:2:10");
}

TEST_F(SpecInclude, OverridePropertyExpectationKeepsTheIncludedExpression) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "override invariant syn_taken expect hold\n"
      "override stuck all_counted expect violation\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(property_names(m), (Names{"bounded", "syn_taken", "all_counted"}));
  EXPECT_TRUE(m.properties[1].expect_hold);
  EXPECT_FALSE(m.properties[2].expect_hold);
  EXPECT_EQ(m.properties[2].kind, ir::Property::Kind::Stuck);
  EXPECT_EQ(loc(m.properties[1].expr.range), "DIR/base.tcp:16:39");  // B.got != 1, from the base
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  const PropertyReport& syn = test::prop(*r, "syn_taken");
  EXPECT_TRUE(syn.expect_hold);
  EXPECT_EQ(syn.verdict, Verdict::Violated);
  EXPECT_FALSE(syn.as_expected());
  const PropertyReport& all = test::prop(*r, "all_counted");
  EXPECT_EQ(all.verdict, Verdict::Holds);
  EXPECT_FALSE(all.as_expected());
}

TEST_F(SpecInclude, OverridePropertyWithANewExpression) {
  const std::string text =
      "include \"base.tcp\"\n"
      "override invariant syn_taken expect hold: B.got != 2\n"
      "override stuck all_counted expect violation: A.n == 0\n";
  auto l = derive(text);
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(property_names(m), (Names{"bounded", "syn_taken", "all_counted"}));
  EXPECT_EQ(loc(m.properties[1].expr.range), "DIR/derived.tcp:" + pos_in(text, "B.got != 2"));
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(test::prop(*r, "syn_taken").verdict, Verdict::Holds);
  EXPECT_TRUE(test::prop(*r, "syn_taken").as_expected());
  EXPECT_EQ(test::prop(*r, "all_counted").verdict, Verdict::Violated);
  EXPECT_TRUE(test::prop(*r, "all_counted").as_expected());
}

// ---- remove ----

TEST_F(SpecInclude, RemoveRule) {
  auto l = derive("include \"base.tcp\"\nremove take_syn\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"open", "take_any", "count"}));
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 27u);
  EXPECT_EQ(fired(*r, "take_any"), 9u);  // the SYN now falls through to take_any
  EXPECT_EQ(test::prop(*r, "syn_taken").verdict, Verdict::Holds);  // B.got is 2, never 1
}

TEST_F(SpecInclude, RemoveProperty) {
  auto l = derive("include \"base.tcp\"\nremove syn_taken\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"open", "take_syn", "take_any", "count"}));
  EXPECT_EQ(property_names(l->spec->model), (Names{"bounded", "all_counted"}));
}

// ---- lemmas: override and remove like properties ----

std::vector<std::string> lemma_names(const ir::Model& m) {
  std::vector<std::string> v;
  for (const auto& l : m.lemmas) v.push_back(l.name);
  return v;
}

TEST_F(SpecInclude, LemmasAreOverriddenInPlaceAndRemoved) {
  write("lemmas.tcp", kBase +
                          "lemma small: A.n <= TWICE\n"  // 18
                          "lemma got_some: B.got <= 3\n"  // 19
                          "lemma last: true\n");          // 20
  const std::string text =
      "include \"lemmas.tcp\"\n"           // 1
      "override lemma small: A.n <= N\n"   // 2
      "remove got_some\n"                  // 3
      "lemma added: B.n <= N\n";           // 4
  auto l = derive(text);
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(lemma_names(m), (Names{"small", "last", "added"}));
  EXPECT_EQ(property_names(m), (Names{"bounded", "syn_taken", "all_counted"}));
  EXPECT_EQ(loc(m.lemmas[0].expr.range), "DIR/derived.tcp:" + pos_in(text, "A.n <= N"));
  EXPECT_EQ(loc(m.lemmas[0].range), "DIR/derived.tcp:2:10");
  EXPECT_TRUE(m.lemmas[0].expect_hold);
  // A removed lemma's name may be declared again; a lemma's name clashes with an included property's.
  auto again = derive("include \"lemmas.tcp\"\nremove got_some\nlemma got_some: B.got <= 2\n");
  ASSERT_TRUE(again->ok()) << fmt(*again);
  EXPECT_EQ(lemma_names(again->spec->model), (Names{"small", "last", "got_some"}));
  auto clash = derive("include \"lemmas.tcp\"\nlemma bounded: true\n");
  expect_one_error(*clash, "lemma 'bounded' is already declared", "DIR/derived.tcp:2:7", "bounded");
  auto twice = derive("include \"lemmas.tcp\"\nlemma small: true\n");
  expect_one_error(*twice, "lemma 'small' is already declared", "DIR/derived.tcp:2:7", "small");
}

TEST_F(SpecInclude, LemmaEditsOfSomethingMissing) {
  write("lemmas.tcp", kBase + "lemma small: A.n <= TWICE\n");
  auto over = derive("include \"lemmas.tcp\"\noverride lemma smal: true\n");
  expect_one_error(*over, "'override': the included spec has no lemma 'smal'; did you mean 'small'?",
                   "DIR/derived.tcp:2:16", "smal");
  // A property is not a lemma: override keeps the kind of declaration.
  auto prop = derive("include \"lemmas.tcp\"\noverride lemma bounded: true\n");
  expect_one_error(*prop, "'override': the included spec has no lemma 'bounded'", "DIR/derived.tcp:2:16", "bounded");
  auto rem = derive("include \"lemmas.tcp\"\nremove smalll\n");
  expect_one_error(*rem,
                   "'remove smalll': the included spec has no rule, property, lemma or monitor 'smalll'; did you mean "
                   "'small'?",
                   "DIR/derived.tcp:2:8", "smalll");
  auto no_expr = derive("include \"lemmas.tcp\"\noverride lemma small\n");
  expect_one_error(*no_expr, "expected ':' and the lemma's expression, found end of file", "DIR/derived.tcp:3:1", "");
  write("alone.tcp", "enum S { CLOSED }\nendpoint { state: S = CLOSED }\noverride lemma l: true\n");
  auto alone = load("alone.tcp");
  expect_one_error(*alone, "'override' and 'remove' edit an included spec, and this spec includes none",
                   "DIR/alone.tcp:3:16", "l");
}

TEST_F(SpecInclude, RemovedRuleMayBeDeclaredAgainAndGoesToTheEnd) {
  auto l = derive("include \"base.tcp\"\nremove take_syn\nrecv take_syn(s) when s.SYN { got := 3 }\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"open", "take_any", "count", "take_syn"}));
  auto r = run("derived.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(fired(*r, "take_syn"), 0u);  // shadowed by take_any
}

// ---- spec name, network and faults ----

TEST_F(SpecInclude, SpecNameAndSettingsGivenAgainTakePrecedence) {
  auto l = derive(
      "include \"base.tcp\"\n"
      "spec derived \"a variant\"\n"
      "network { capacity = 2 }\n"
      "faults { loss = 1, reorder = true }\n");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(m.name, "derived");
  EXPECT_EQ(m.description, "a variant");
  EXPECT_EQ(m.capacity, 2);
  EXPECT_EQ(m.msl, 0);  // not given again: the base's
  EXPECT_EQ(m.default_faults.loss, 1);
  EXPECT_EQ(m.default_faults.dup, 0);
  EXPECT_TRUE(m.default_faults.reorder);
}

// ---- include paths ----

TEST_F(SpecInclude, IncludePathsResolveRelativeToTheIncludingFile) {
  // sub/mid.tcp includes "base.tcp": that is sub/base.tcp, not DIR/base.tcp (nor the working
  // directory's).
  write("sub/base.tcp",
        "enum S { CLOSED }\n"
        "endpoint { state: S = CLOSED\n  k: 0..1 }\n"
        "call sub_rule when k == 0 { k := 1 }\n");
  write("sub/mid.tcp", "include \"base.tcp\"\ncall mid_rule { k := 0 }\n");
  write("top.tcp", "include \"sub/mid.tcp\"\nremove sub_rule\n");
  auto l = load("top.tcp");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(rule_names(l->spec->model), (Names{"mid_rule"}));
  ASSERT_EQ(l->spec->sources.size(), 3u);
  EXPECT_EQ(rel(l->spec->sources[1]->path()), "DIR/sub/mid.tcp");
  EXPECT_EQ(rel(l->spec->sources[2]->path()), "DIR/sub/base.tcp");
  // `..` and absolute paths work too.
  write("other/up.tcp", "include \"../base.tcp\"\nremove take_any\n");
  auto up = load("other/up.tcp");
  ASSERT_TRUE(up->ok()) << fmt(*up);
  EXPECT_EQ(rule_names(up->spec->model), (Names{"open", "take_syn", "count"}));
  write("abs.tcp", "include \"" + path("base.tcp") + "\"\nremove open\n");
  auto abs = load("abs.tcp");
  ASSERT_TRUE(abs->ok()) << fmt(*abs);
  EXPECT_EQ(rule_names(abs->spec->model), (Names{"take_syn", "take_any", "count"}));
}

TEST_F(SpecInclude, ThreeLevelsOfEdits) {
  write("mid.tcp",
        "include \"base.tcp\"\n"
        "override const N = 1\n"
        "recv mid_first(s) before take_syn when s.ACK { got := 3 }\n"
        "remove syn_taken\n");
  write("top.tcp",
        "include \"mid.tcp\"\n"
        "override const N = 3\n"          // overrides mid's override
        "remove mid_first\n"              // removes a rule mid added
        "recv top(s) before take_any { got := 3 }\n"
        "invariant syn_taken expect hold: B.got != 2\n");  // mid removed it: a new one is fine
  auto l = load("top.tcp");
  ASSERT_TRUE(l->ok()) << fmt(*l);
  const ir::Model& m = l->spec->model;
  EXPECT_EQ(constant(m, "N").value, 3);
  EXPECT_EQ(constant(m, "TWICE").value, 6);
  EXPECT_EQ(rule_names(m), (Names{"open", "take_syn", "top", "take_any", "count"}));
  EXPECT_EQ(property_names(m), (Names{"bounded", "all_counted", "syn_taken"}));
  auto r = run("top.tcp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->exploration.states, 48u);
}

// ---- -D ----

TEST_F(SpecInclude, DefineOverridesAConstantDeclaredInTheBase) {
  auto l = derive("include \"base.tcp\"\ncall extra { n := 0 }\n", {{"N", 1}});
  ASSERT_TRUE(l->ok()) << fmt(*l);
  EXPECT_EQ(constant(l->spec->model, "N").value, 1);
  EXPECT_TRUE(constant(l->spec->model, "N").overridden);
  EXPECT_EQ(constant(l->spec->model, "TWICE").value, 2);
  EXPECT_EQ(l->spec->model.endpoint_vars[1].type.hi, 2);
  auto r = run("derived.tcp", {{"N", 1}});
  ASSERT_TRUE(r);
  EXPECT_EQ(test::prop(*r, "bounded").verdict, Verdict::Holds);
  // -D also wins over the derived spec's `override const`.
  auto o = derive("include \"base.tcp\"\noverride const N = 3\n", {{"N", 1}});
  ASSERT_TRUE(o->ok()) << fmt(*o);
  EXPECT_EQ(constant(o->spec->model, "N").value, 1);
  EXPECT_EQ(constant(o->spec->model, "TWICE").value, 2);
  auto ro = run("derived.tcp", {{"N", 1}});
  ASSERT_TRUE(ro);
  EXPECT_EQ(ro->exploration.states, 12u);
  // An unknown -D name is matched against the merged constants.
  auto bad = derive("include \"base.tcp\"\n", {{"TWICEE", 1}});
  EXPECT_FALSE(bad->spec.has_value());
  ASSERT_EQ(bad->diags.error_count(), 1u) << fmt(*bad);
  EXPECT_EQ(fmt(*bad), "-D TWICEE: error: the spec has no constant 'TWICEE'; did you mean 'TWICE'?\n");
}

// ---- misuse ----

TEST_F(SpecInclude, OverrideConstOfAMissingConstant) {
  const std::string text = "include \"base.tcp\"\noverride const NN = 3\n";
  auto l = derive(text);
  expect_one_error(*l, "'override const NN': the included spec has no constant 'NN'; did you mean 'N'?",
                   "DIR/derived.tcp:2:16", "NN");
  auto far = derive("include \"base.tcp\"\noverride const UNRELATED = 3\n");
  expect_one_error(*far, "'override const UNRELATED': the included spec has no constant 'UNRELATED'",
                   "DIR/derived.tcp:2:16", "UNRELATED");
}

TEST_F(SpecInclude, OverrideOfAMissingRuleOrProperty) {
  auto rule = derive("include \"base.tcp\"\noverride recv take_sin(s) { got := 1 }\n");
  expect_one_error(*rule, "'override': the included spec has no rule 'take_sin'; did you mean 'take_syn'?",
                   "DIR/derived.tcp:2:15", "take_sin");
  auto call = derive("include \"base.tcp\"\noverride call nothing_like_it { n := 0 }\n");
  expect_one_error(*call, "'override': the included spec has no rule 'nothing_like_it'", "DIR/derived.tcp:2:15",
                   "nothing_like_it");
  auto prop = derive("include \"base.tcp\"\noverride invariant bouned expect violation\n");
  expect_one_error(*prop, "'override': the included spec has no property 'bouned'; did you mean 'bounded'?",
                   "DIR/derived.tcp:2:20", "bouned");
  auto prop2 = derive("include \"base.tcp\"\noverride stuck al_counted expect hold: true\n");
  expect_one_error(*prop2, "'override': the included spec has no property 'al_counted'; did you mean 'all_counted'?",
                   "DIR/derived.tcp:2:16", "al_counted");
}

TEST_F(SpecInclude, OverrideMustKeepTheRuleKind) {
  auto l = derive("include \"base.tcp\"\noverride call take_syn { got := 1 }\n");
  expect_one_error(*l, "'override' must keep the rule's kind (call, recv or timeout)", "DIR/derived.tcp:2:15",
                   "take_syn");
  ASSERT_EQ(l->diags.all().size(), 1u);
  const Diagnostic& d = l->diags.all()[0];
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "the included rule");
  EXPECT_EQ(loc(d.notes[0]), "DIR/base.tcp:12:6");
}

TEST_F(SpecInclude, OverrideMustKeepThePropertyKind) {
  auto with_expr = derive("include \"base.tcp\"\noverride stuck bounded expect hold: true\n");
  expect_one_error(*with_expr, "'override' must keep the property's kind (invariant, stuck, reachable, eventually, leadsto or coverage)",
                   "DIR/derived.tcp:2:16", "bounded");
  // Also when only the expectation changes: `stuck` does not name the invariant `bounded`.
  auto without = derive("include \"base.tcp\"\noverride stuck bounded expect violation\n");
  expect_one_error(*without, "'override' must keep the property's kind (invariant, stuck, reachable, eventually, leadsto or coverage)",
                   "DIR/derived.tcp:2:16", "bounded");
}

TEST_F(SpecInclude, OverrideCannotMoveARule) {
  // An override keeps the included rule's place; `before` would contradict it.
  auto l = derive("include \"base.tcp\"\noverride recv take_any(s) before take_syn { got := 2 }\n");
  expect_one_error(*l, "'before' cannot move an overridden rule: an override keeps the included rule's place",
                   "DIR/derived.tcp:2:34", "take_syn");
}

TEST_F(SpecInclude, BeforeAnUnknownRule) {
  auto l = derive("include \"base.tcp\"\nrecv early(s) before take_sin { got := 3 }\n");
  expect_one_error(*l, "'before': there is no rule 'take_sin'; did you mean 'take_syn'?", "DIR/derived.tcp:2:22",
                   "take_sin");
  // A removed rule is gone for `before` too.
  auto removed = derive("include \"base.tcp\"\nremove take_syn\nrecv early(s) before take_syn { got := 3 }\n");
  expect_one_error(*removed, "'before': there is no rule 'take_syn'", "DIR/derived.tcp:3:22", "take_syn");
}

TEST_F(SpecInclude, RemoveOfSomethingMissing) {
  auto rule = derive("include \"base.tcp\"\nremove take_sym\n");
  expect_one_error(*rule, "'remove take_sym': the included spec has no rule, property, lemma or monitor 'take_sym'; did you mean 'take_syn'?",
                   "DIR/derived.tcp:2:8", "take_sym");
  auto prop = derive("include \"base.tcp\"\nremove all_countd\n");
  expect_one_error(*prop,
                   "'remove all_countd': the included spec has no rule, property, lemma or monitor 'all_countd'; did you mean "
                   "'all_counted'?",
                   "DIR/derived.tcp:2:8", "all_countd");
  auto twice = derive("include \"base.tcp\"\nremove open\nremove open\n");
  expect_one_error(*twice, "'remove open': the included spec has no rule, property, lemma or monitor 'open'", "DIR/derived.tcp:3:8",
                   "open");
}

TEST_F(SpecInclude, EditsWithoutAnInclude) {
  const std::string text =
      "const N = 1\n"                                         // 1
      "enum S { CLOSED }\n"                                   // 2
      "endpoint { state: S = CLOSED }\n"                      // 3
      "override const N = 2\n"                                // 4
      "call c { goto CLOSED }\n"                              // 5
      "override call c { goto CLOSED }\n"                     // 6
      "invariant p expect hold: true\n"                       // 7
      "override invariant p expect violation\n"               // 8
      "override invariant p expect violation: false\n"        // 9
      "remove c\n"                                            // 10
      "call d before c { goto CLOSED }\n";                    // 11
  write("alone.tcp", text);
  auto l = load("alone.tcp");
  EXPECT_FALSE(l->spec.has_value());
  const std::string why = "'override' and 'remove' edit an included spec, and this spec includes none";
  struct Want {
    std::string message, at;
  };
  std::vector<Want> want = {
      {why, "4:16"},
      {why, "6:15"},
      {why, "8:20"},
      {why, "9:20"},
      {why, "10:8"},
      {"'before' places a rule among an included spec's rules; this spec includes none, so write the rule where "
       "it belongs",
       "11:15"},
      // The declarations that carry an expression are then type-checked as written, and are
      // duplicates here; the expectation-only override (line 8) has nothing to check and is
      // dropped (it used to crash the type checker: a null expression).
      {"'N' is already declared", "4:16"},
      {"rule 'c' is already declared", "6:15"},
      {"property 'p' is already declared", "9:20"},
  };
  ASSERT_EQ(l->diags.error_count(), want.size()) << fmt(*l);
  for (size_t i = 0; i < want.size(); ++i) {
    const Diagnostic& d = l->diags.all()[i];
    EXPECT_EQ(d.message, want[i].message) << i;
    EXPECT_EQ(loc(d), "DIR/alone.tcp:" + want[i].at) << i;
  }
  // Just the expectation-only override: one error, no crash.
  write("alone2.tcp",
        "enum S { CLOSED }\nendpoint { state: S = CLOSED }\ninvariant p expect hold: true\n"
        "override invariant p expect violation\n");
  auto l2 = load("alone2.tcp");
  expect_one_error(*l2, why, "DIR/alone2.tcp:4:20", "p");
}

TEST_F(SpecInclude, EditsInAnIncludedFileThatIncludesNothing) {
  // The base itself misuses `remove`: reported against the base.
  write("bad_base.tcp", kBase + "remove open\n");
  auto l = derive("include \"bad_base.tcp\"\n");
  expect_one_error(*l, "'override' and 'remove' edit an included spec, and this spec includes none",
                   "DIR/bad_base.tcp:18:8", "open");
}

TEST_F(SpecInclude, DuplicateNamesBetweenBaseAndDerived) {
  const std::string text =
      "include \"base.tcp\"\n"                             // 1
      "const N = 3\n"                                      // 2
      "recv take_any(s) { got := 1 }\n"                    // 3
      "invariant bounded expect hold: true\n"              // 4
      "enum S { X }\n"                                     // 5
      "endpoint { n: bool }\n";                            // 6
  auto l = derive(text);
  EXPECT_FALSE(l->spec.has_value());
  struct Want {
    std::string message, at, note, note_at;
  };
  std::vector<Want> want = {
      {"constant 'N' is already declared by the included spec; write 'override const N = ...' to change it",
       "DIR/derived.tcp:2:7", "declared here", "DIR/base.tcp:2:7"},
      {"'S' is already declared", "DIR/derived.tcp:5:6", "previously declared here", "DIR/base.tcp:4:6"},
      {"'n' is already declared", "DIR/derived.tcp:6:12", "previously declared here", "DIR/base.tcp:6:3"},
      {"rule 'take_any' is already declared", "DIR/derived.tcp:3:6", "previously declared here",
       "DIR/base.tcp:13:6"},
      {"property 'bounded' is already declared", "DIR/derived.tcp:4:11", "previously declared here",
       "DIR/base.tcp:15:11"},
  };
  ASSERT_EQ(l->diags.error_count(), want.size()) << fmt(*l);
  for (size_t i = 0; i < want.size(); ++i) {
    const Diagnostic& d = l->diags.all()[i];
    SCOPED_TRACE(want[i].message);
    EXPECT_EQ(d.message, want[i].message);
    EXPECT_EQ(loc(d), want[i].at);
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].message, want[i].note);
    EXPECT_EQ(loc(d.notes[0]), want[i].note_at);
  }
  // The rendering names both files.
  EXPECT_NE(fmt(*l).find(path("derived.tcp") + ":2:7: error: constant 'N' is already declared by the included "
                                               "spec; write 'override const N = ...' to change it\n"
                                               " 2 | const N = 3\n"
                                               "   |       ^\n" +
                         path("base.tcp") + ":2:7: note: declared here\n"
                                            " 2 | const N = 2\n"
                                            "   |       ^\n"),
            std::string::npos)
      << fmt(*l);
}

TEST_F(SpecInclude, IncludeOfAMissingFile) {
  auto l = derive("// a variant\ninclude \"nope.tcp\"\n");
  expect_one_error(*l, "cannot read '" + path("nope.tcp") + "': No such file or directory", "DIR/derived.tcp:2:1",
                   "include \"nope.tcp\"");
  // The file named is the one next to the including file.
  EXPECT_EQ(fmt(*l), path("derived.tcp") + ":2:1: error: cannot read '" + path("nope.tcp") +
                         "': No such file or directory\n"
                         " 2 | include \"nope.tcp\"\n"
                         "   | ^~~~~~~~~~~~~~~~~~\n");
  fs::create_directories(path("adir"));
  auto d = derive("include \"adir\"\n");
  expect_one_error(*d, "cannot read '" + path("adir") + "': it is a directory", "DIR/derived.tcp:1:1",
                   "include \"adir\"");
}

TEST_F(SpecInclude, IncludeOfADeviceThatNeverEnds) {
  if (!fs::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  // Refused without reading (it would never end).
  auto l = derive("include \"/dev/zero\"\n");
  expect_one_error(*l, "cannot read '/dev/zero': not a regular file (a character device)", "DIR/derived.tcp:1:1",
                   "include \"/dev/zero\"");
}

TEST_F(SpecInclude, AtMostOneInclude) {
  write("other.tcp", kBase);
  auto l = derive("include \"base.tcp\"\ninclude \"other.tcp\"\n");
  expect_one_error(*l, "a spec includes at most one other spec", "DIR/derived.tcp:2:1", "include \"other.tcp\"");
}

TEST_F(SpecInclude, IncludeCycleOfTwoFiles) {
  write("a.tcp", "include \"b.tcp\"\n");
  write("b.tcp", "// b\ninclude \"a.tcp\"\n");
  auto l = load("a.tcp");
  expect_one_error(*l, "include cycle: 'a.tcp' includes this file again", "DIR/b.tcp:2:1", "include \"a.tcp\"");
  auto from_b = load("b.tcp");
  expect_one_error(*from_b, "include cycle: 'b.tcp' includes this file again", "DIR/a.tcp:1:1",
                   "include \"b.tcp\"");
}

TEST_F(SpecInclude, SelfInclude) {
  write("self.tcp", kBase + "include \"self.tcp\"\n");
  auto l = load("self.tcp");
  expect_one_error(*l, "include cycle: 'self.tcp' includes this file again", "DIR/self.tcp:18:1",
                   "include \"self.tcp\"");
  // The same file spelled differently is still the same file.
  write("self2.tcp", "include \"./sub/../self2.tcp\"\n");
  fs::create_directories(path("sub"));
  auto l2 = load("self2.tcp");
  expect_one_error(*l2, "include cycle: './sub/../self2.tcp' includes this file again", "DIR/self2.tcp:1:1",
                   "include \"./sub/../self2.tcp\"");
}

TEST_F(SpecInclude, SelfIncludeOfASpecLoadedFromText) {
  // load_spec_text with a relative path: the include resolves next to that path.
  const std::string here = path("text.tcp");
  Diagnostics diags;
  auto spec = load_spec_text(here, "include \"text.tcp\"\n", {}, diags);
  EXPECT_FALSE(spec.has_value());
  ASSERT_EQ(diags.error_count(), 1u) << format_diagnostics(diags);
  EXPECT_EQ(diags.all()[0].message, "include cycle: 'text.tcp' includes this file again");
  EXPECT_EQ(loc(diags.all()[0]), "DIR/text.tcp:1:1");
}

TEST_F(SpecInclude, IncludesNestedTooDeeply) {
  // f0 includes f1 includes ... : at most 8 nested includes (the message's bound).
  auto file = [](int i) {
    std::string name = "f";
    name += std::to_string(i);
    name += ".tcp";
    return name;
  };
  auto chain = [&](int includes) {
    for (int i = 0; i < includes; ++i) {
      std::string text = "include \"";
      text += file(i + 1);
      text += "\"\n";
      write(file(i), text);
    }
    write(file(includes), kBase);
    return load("f0.tcp");
  };
  auto ok = chain(8);
  ASSERT_TRUE(ok->ok()) << fmt(*ok);
  EXPECT_EQ(ok->spec->sources.size(), 9u);
  auto deep = chain(9);
  expect_one_error(*deep, "includes nested too deeply (at most 8)", "DIR/f8.tcp:1:1", "include \"f9.tcp\"");
}

TEST_F(SpecInclude, SyntaxErrorInTheIncludedFileNamesThatFile) {
  const std::string base =
      "enum S { CLOSED }\n"                           // 1
      "endpoint { state: S = CLOSED\n  n: 0..1 }\n"   // 2, 3
      "call c { n = 1 }\n";                           // 4
  write("broken.tcp", base);
  auto l = derive("include \"broken.tcp\"\ncall d { n := 0 }\n");
  expect_one_error(*l, "'=' is not an assignment; write 'n := ...'", "DIR/broken.tcp:4:12", "=");
  EXPECT_EQ(fmt(*l), path("broken.tcp") +
                         ":4:12: error: '=' is not an assignment; write 'n := ...'\n"
                         " 4 | call c { n = 1 }\n"
                         "   |            ^\n");
  // An error in the including file after the include still names the including file.
  auto both = derive("include \"broken.tcp\"\ncall d { n := 0 \n");
  EXPECT_FALSE(both->spec.has_value());
  ASSERT_EQ(both->diags.error_count(), 2u) << fmt(*both);
  EXPECT_EQ(loc(both->diags.all()[0]), "DIR/derived.tcp:3:1");
  EXPECT_EQ(both->diags.all()[0].message, "expected '}', found end of file");
  EXPECT_EQ(loc(both->diags.all()[1]), "DIR/broken.tcp:4:12");
}

TEST_F(SpecInclude, TypeErrorInTheIncludedFileNamesThatFile) {
  write("typo.tcp", "enum S { CLOSED, OPEN }\nendpoint { state: S = CLOSED }\ncall c { goto OPNE }\n");
  auto l = derive("include \"typo.tcp\"\n");
  expect_one_error(*l, "unknown state 'OPNE'; did you mean 'OPEN'?", "DIR/typo.tcp:3:15", "OPNE");
}

TEST_F(SpecInclude, SyntaxErrorsInTheEditDeclarations) {
  auto l = derive("include \"base.tcp\"\noverride enum S { X }\n");
  expect_one_error(*l, "expected const, call, recv, timeout, invariant, stuck, reachable, eventually, leadsto, coverage, lemma or monitor after 'override', found 'enum'",
                   "DIR/derived.tcp:2:10", "enum");
  auto r = derive("include \"base.tcp\"\nremove 3\n");
  expect_one_error(*r, "expected the name of an included rule, property, lemma or monitor, found number 3", "DIR/derived.tcp:2:8",
                   "3");
  auto i = derive("include base.tcp\n");
  EXPECT_FALSE(i->spec.has_value());
  ASSERT_GE(i->diags.error_count(), 1u);
  EXPECT_EQ(i->diags.all()[0].message, "expected a file name in quotes, found 'base'");
  EXPECT_EQ(loc(i->diags.all()[0]), "DIR/derived.tcp:1:9");
  auto b = derive("include \"base.tcp\"\nrecv x(s) before { got := 1 }\n");
  expect_one_error(*b, "expected the name of the rule this one goes before, found '{'", "DIR/derived.tcp:2:18", "{");
}

TEST_F(SpecInclude, SegmentBlockAddedByTheDerivedSpecLocatesItsErrors) {
  // The base has no segment block; the derived spec's is the one an error points at.
  write("noseg.tcp", "enum S { CLOSED }\nendpoint { state: S = CLOSED }\n");
  std::string flags;
  for (int i = 0; i < 25; ++i) flags += (i ? ", F" : "F") + std::to_string(i);
  auto l = derive("include \"noseg.tcp\"\nsegment { flags " + flags + " }\n");
  expect_one_error(*l, "a segment has at most 24 fields", "DIR/derived.tcp:2:1", "segment");
}

// An override may make the expectation conditional on a constant of the included spec.
TEST_F(SpecInclude, OverrideWithAConditionalExpectation) {
  write("cond.tcp", "include \"base.tcp\"\noverride invariant syn_taken expect violation if N == 2\n");
  auto as_is = load("cond.tcp");
  ASSERT_TRUE(as_is->ok()) << test::all_messages(as_is->diags);
  const auto& props = as_is->spec->model.properties;
  auto it = std::find_if(props.begin(), props.end(), [](const ir::Property& p) { return p.name == "syn_taken"; });
  ASSERT_NE(it, props.end());
  EXPECT_FALSE(it->expect_hold);
  auto other = load("cond.tcp", {{"N", 1}});
  ASSERT_TRUE(other->ok()) << test::all_messages(other->diags);
  auto jt = std::find_if(other->spec->model.properties.begin(), other->spec->model.properties.end(),
                         [](const ir::Property& p) { return p.name == "syn_taken"; });
  ASSERT_NE(jt, other->spec->model.properties.end());
  EXPECT_TRUE(jt->expect_hold);
}

// load_spec_text_in_memory never touches the file system: without a reader an include is an
// error at the include; with one, includes are served by it (paths joined to the including
// spec's directory and normalized), and cycles are found on those paths.
TEST(SpecIncludeInMemory, WithoutAReaderAnIncludeIsAnError) {
  Diagnostics diags;
  auto spec = load_spec_text_in_memory("mem.tcp", "include \"base.tcp\"\n", {}, diags);
  EXPECT_FALSE(spec.has_value());
  ASSERT_EQ(diags.error_count(), 1u) << format_diagnostics(diags);
  EXPECT_EQ(diags.all()[0].message, "cannot include 'base.tcp': this spec was loaded without access to other files");
  EXPECT_EQ(test::where(diags.all()[0]), "1:1");
}

TEST(SpecIncludeInMemory, AReaderServesIncludesAndCyclesAreFound) {
  std::vector<std::string> asked;
  IncludeReader reader = [&](const std::string& path, SourceRange where,
                             Diagnostics& diags) -> std::optional<std::string> {
    asked.push_back(path);
    if (path == "specs/base.tcp") return kBase;
    if (path == "specs/loop.tcp") return std::string("include \"../specs/./loop.tcp\"\n");
    diags.error(where, "no such spec");
    return std::nullopt;
  };
  Diagnostics diags;
  auto spec = load_spec_text_in_memory("specs/derived.tcp", "include \"x/../base.tcp\"\nremove take_any\n", {},
                                       diags, reader);
  ASSERT_TRUE(spec.has_value()) << format_diagnostics(diags);
  EXPECT_EQ(asked, std::vector<std::string>{"specs/base.tcp"});
  EXPECT_EQ(spec->model.rules.size(), 3u);

  Diagnostics cyc;
  EXPECT_FALSE(load_spec_text_in_memory("specs/start.tcp", "include \"loop.tcp\"\n", {}, cyc, reader));
  ASSERT_EQ(cyc.error_count(), 1u) << format_diagnostics(cyc);
  EXPECT_EQ(cyc.all()[0].message, "include cycle: '../specs/./loop.tcp' includes this file again");

  Diagnostics missing;
  EXPECT_FALSE(load_spec_text_in_memory("specs/derived.tcp", "include \"nope.tcp\"\n", {}, missing, reader));
  ASSERT_EQ(missing.error_count(), 1u) << format_diagnostics(missing);
  EXPECT_EQ(missing.all()[0].message, "no such spec");
}

}  // namespace
}  // namespace tcpmc
