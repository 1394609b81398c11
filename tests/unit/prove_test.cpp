// `tcpmc prove` (commands/prove.cpp, infer/, symbolic/invariant_inference): its soundness guards.
//  - A planted candidate that is true in every sampled state but false at the target width is
//    weakened away, and the property it would have made provable is not proved.
//  - The proof is re-checked from scratch by k-induction (k = 1) in the command, and again here:
//    its lemmas, pasted into the spec (the --proof file), make `check --engine kind` prove it.
//  - A variant whose property is violated (a handshake that sends the wrong ISN) never gets it
//    "proved".
//  - A property whose unsat-core query Z3 does not answer is "not proved", with a note; the
//    header names the ISNs the proof covers.
//  - A first Houdini at a narrow width only chooses what the target's Houdini is asked: a lemma
//    inductive there but false at 32 bits is still dropped, also when only what the proofs there
//    need goes on (--target-set needed).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "invariant_inference.hpp"
#include "prove_support.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

using test::kMiniTcp;

using test::ProveRun;

class ProveTest : public test::TempDirTest {
 protected:
  ProveRun prove(const ProveCommand& c) { return test::prove_quietly(c); }
};

TEST_F(ProveTest, PlantedFalseCandidateIsWeakenedAway) {
  // Directly: Houdini over the planted lemma at 32 bits drops it, and `wide` is not proved.
  auto l = test::load(kMiniTcp, {{"SEQ_BITS", 32}});
  ASSERT_TRUE(l->ok());
  const ir::Model& m = l->spec->model;
  CompiledSystem sys(m, m.default_faults);
  const InferenceResult r = infer_inductive_invariant(sys, {});
  ASSERT_TRUE(r.complete) << r.stop_reason;
  ASSERT_EQ(m.lemmas.size(), 1u);
  EXPECT_FALSE(r.lemma_initially_false[0]);  // true initially (everything is 0) ...
  EXPECT_FALSE(r.lemma_inductive[0]);        // ... but not preserved: A's ISN may be 8
  EXPECT_FALSE(r.property_proved[1]) << "wide";
  ASSERT_TRUE(r.cti[1].has_value());
  EXPECT_TRUE(validate_steps(sys, *r.cti[1]));

  // Through the command, with the planted lemma among the candidates (--use-lemmas): it is in
  // no proof, `wide` is not proved, and `agree` is.
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.use_lemmas = true;
  c.minimize = false;
  auto p = prove(c);
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("agree     PROVED (k=1)"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("wide      not proved"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("planted:"), std::string::npos) << p.out;  // not in the printed proof
  EXPECT_NE(p.out.find("counterexample to induction (k=1)"), std::string::npos) << p.out;
}

TEST_F(ProveTest, NarrowHoudiniFirstPassesOnlyWhatTheTargetThenConfirms) {
  // The planted lemma is a tautology at 3 bits (every difference is at most 7), so the first
  // Houdini at SEQ_BITS=3 keeps it; the one at 32 bits must still drop it. Every run proves
  // `agree`, not `wide`, and prints no planted lemma; its JSON is returned.
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3, 4};
  c.use_lemmas = true;
  c.minimize = false;  // (ProofIsRechecked... tests it)
  auto run = [&](int64_t narrow_bits, const std::string& first_line) {
    c.narrow_bits = narrow_bits;
    c.json_path = path("prove" + std::to_string(narrow_bits) + ".json");
    auto p = prove(c);
    EXPECT_EQ(p.code, 0) << p.out << p.err;
    EXPECT_NE(p.out.find("agree     PROVED (k=1)"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("wide      not proved"), std::string::npos) << p.out;
    EXPECT_EQ(p.out.find("planted:"), std::string::npos) << p.out;
    EXPECT_EQ(p.out.find(first_line.empty() ? " first (k=1)" : first_line) != std::string::npos, !first_line.empty())
        << p.out;
    std::ifstream f(c.json_path);
    return nlohmann::json::parse(f);
  };
  const auto j = run(-1, "houdini at SEQ_BITS=3 first (k=1)");
  const auto& n = j.at("narrow");
  ASSERT_TRUE(n.is_object()) << j.dump(2);
  EXPECT_EQ(n.at("seq_bits").get<int>(), 3);  // the smallest sampling width
  EXPECT_TRUE(n.at("complete").get<bool>());
  EXPECT_EQ(n.at("tried").get<size_t>(), j.at("tried").get<size_t>() + 1);  // + the spec's planted lemma
  // At 32 bits the planted lemma falls: one fewer inductive than the narrow stage passed on.
  EXPECT_EQ(j.at("inductive").get<size_t>() + 1, n.at("inductive").get<size_t>());

  // Without the narrow stage (0, or a width not below the target's): Houdini's greatest
  // inductive subset can only be larger.
  const auto direct = run(0, "");
  EXPECT_TRUE(direct.at("narrow").is_null());
  EXPECT_GE(direct.at("inductive").get<size_t>(), j.at("inductive").get<size_t>());
  EXPECT_TRUE(run(32, "").at("narrow").is_null());
}

TEST_F(ProveTest, TargetSetNeededSendsOnlyWhatTheNarrowProofsNeed) {
  // --target-set needed: of the lemmas inductive at 3 bits only the closure of unsat cores from
  // the invariants proved there goes on to 32 bits. `wide` is proved at 3 bits (a tautology
  // there) and not at 32; `agree` is proved with what went on, and the proof is re-checked from
  // scratch.
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.use_lemmas = true;
  auto run = [&](bool needed) {
    c.target_needed = needed;
    c.json_path = path(needed ? "needed.json" : "inductive.json");
    auto p = prove(c);
    EXPECT_EQ(p.code, 0) << p.out << p.err;
    EXPECT_NE(p.out.find("agree     PROVED (k=1)"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("wide      not proved"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("every invariant above proved again"), std::string::npos) << p.out;
    EXPECT_EQ(p.out.find("that the proofs of the") != std::string::npos, needed) << p.out;
    std::ifstream f(c.json_path);
    return nlohmann::json::parse(f);
  };
  const auto all = run(false);
  const auto j = run(true);
  const auto& n = j.at("narrow");
  ASSERT_TRUE(n.is_object()) << j.dump(2);
  EXPECT_TRUE(all.at("narrow").at("needed").is_null());
  EXPECT_EQ(n.at("inductive"), all.at("narrow").at("inductive"));  // the same rounds at 3 bits
  EXPECT_EQ(n.at("proved").get<size_t>(), 2u);                     // agree, and wide with the planted lemma
  const size_t needed = n.at("needed").get<size_t>();
  EXPECT_LT(needed, n.at("inductive").get<size_t>());
  EXPECT_LE(j.at("inductive").get<size_t>(), needed);
  EXPECT_LT(j.at("inductive").get<size_t>(), all.at("inductive").get<size_t>());
  // The same on two threads: what goes on, the proof and the counterexamples to induction.
  c.threads = 2;
  const auto two = run(true);
  EXPECT_EQ(two.at("narrow").at("needed"), n.at("needed"));
  EXPECT_EQ(two.at("proof"), j.at("proof"));
  EXPECT_EQ(two.at("properties"), j.at("properties"));
}

TEST_F(ProveTest, ProofIsRecheckedAndPastedLemmasProveItWithKInduction) {
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.proof_path = path("mini.prove.tcp");
  c.json_path = path("prove.json");
  auto p = prove(c);
  ASSERT_EQ(p.code, 0) << p.out << p.err;
  // The command's own re-check (k-induction, k = 1, from scratch, only the printed lemmas).
  EXPECT_NE(p.out.find("re-check from scratch (k-induction, k=1, only these lemmas): every invariant above proved again"),
            std::string::npos)
      << p.out;
  std::ifstream jf(c.json_path);
  std::stringstream js;
  js << jf.rdbuf();
  EXPECT_NE(js.str().find("\"recheck_ok\": true"), std::string::npos);
  // Houdini asked at least one question, the one answered unsat, and the counts add up.
  const auto j = nlohmann::json::parse(js.str());
  EXPECT_GE(j.at("z3_unsat_answers").get<unsigned>(), 1u);
  EXPECT_EQ(j.at("z3_questions").get<unsigned>(),
            j.at("z3_sat_answers").get<unsigned>() + j.at("z3_unsat_answers").get<unsigned>());
  // The target's Houdini, proofs and counterexamples to induction are parts of "houdini and cores".
  const auto& sec = j.at("seconds");
  EXPECT_GT(sec.at("target_proofs").get<double>(), 0.0);  // a proof was made, minimized
  EXPECT_LE(sec.at("target_houdini").get<double>() + sec.at("target_proofs").get<double>() +
                sec.at("target_ctis").get<double>(),
            sec.at("houdini").get<double>());
  EXPECT_NE(p.out.find("at SEQ_BITS=32: houdini "), std::string::npos) << p.out;

  // The proof file is the spec with the lemmas pasted in: `check --engine kind` proves `agree`
  // with them (at k = 1), and cannot without them.
  CheckOptions o;
  o.engine = EngineKind::Kind;
  o.defines = {{"SEQ_BITS", 32}};
  o.limits.max_depth = 1;
  o.limits.progress = false;
  o.properties = {"agree"};
  Diagnostics d;
  auto with = check_spec_file(c.proof_path, o, d);
  ASSERT_TRUE(with) << format_diagnostics(d);
  ASSERT_EQ(with->properties.size(), 1u);
  EXPECT_EQ(with->properties[0].verdict, Verdict::Holds);
  EXPECT_EQ(with->properties[0].basis, Basis::Proved);
  EXPECT_FALSE(with->spec->model.lemmas.empty());
  for (const auto& lm : with->spec->model.lemmas) EXPECT_NE(lm.name, "planted");  // removed: not in the proof

  auto without = test::check_text(kMiniTcp.substr(0, kMiniTcp.find("lemma planted")), o);
  ASSERT_TRUE(without);
  EXPECT_NE(without->properties[0].basis, Basis::Proved);

  // Minimal: without its first or its last lemma, the proof no longer proves `agree`.
  std::ifstream pf(c.proof_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(pf, line);) lines.push_back(line);
  std::vector<size_t> lemma_lines;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("lemma ", 0) == 0) lemma_lines.push_back(i);
  ASSERT_GE(lemma_lines.size(), 2u);
  EXPECT_NE(p.out.find("minimal proof: " + std::to_string(lemma_lines.size()) + " lemma(s)"), std::string::npos) << p.out;
  // One question per lemma of the closure of cores, which may have had more than the proof kept.
  const std::string asked = "then every lemma it does without dropped: ";
  const size_t at = p.out.find(asked);
  ASSERT_NE(at, std::string::npos) << p.out;
  EXPECT_GE(std::stoul(p.out.substr(at + asked.size())), lemma_lines.size()) << p.out;
  for (size_t drop : {lemma_lines.front(), lemma_lines.back()}) {
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i)
      if (i != drop) text += lines[i] + "\n";
    const std::string less = write("mini.less.tcp", text);
    Diagnostics dl;
    auto r = check_spec_file(less, o, dl);
    ASSERT_TRUE(r) << format_diagnostics(dl);
    EXPECT_NE(r->properties[0].basis, Basis::Proved) << "still proved without " << lines[drop];
  }
}

TEST_F(ProveTest, VariantWithARefutedPropertyIsNeverProved) {
  // A variant of the handshake in which A records the SYN|ACK's seq plus one as B's ISN: `agree`
  // is violated (4 steps). The templates describe the variant's reachable states just as well,
  // and Houdini finds an inductive set, but it must not imply `agree`: an honest "not proved",
  // with a counterexample to induction, and exit 5.
  std::string variant = kMiniTcp.substr(0, kMiniTcp.find("lemma planted"));
  const std::string from = "irs := s.seq rcv_nxt := s.seq + 1 send ACK", to = "irs := s.seq + 1 rcv_nxt := s.seq + 1 send ACK";
  variant.replace(variant.find(from), from.size(), to);
  auto ex = test::check_text(variant, {});
  ASSERT_TRUE(ex);
  ASSERT_EQ(ex->properties[0].verdict, Verdict::Violated);  // really refuted, by the explicit engine
  ProveCommand c;
  c.spec = write("variant.tcp", variant);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.properties = {"agree"};
  auto p = prove(c);
  EXPECT_EQ(p.code, exit_code::kInconclusive) << p.out << p.err;
  EXPECT_EQ(p.out.find("PROVED"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("agree     not proved"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("counterexample to induction (k=1)"), std::string::npos) << p.out;
}

TEST_F(ProveTest, SupportQueryWithoutAnswerIsNotProvedWithANote) {
  // Z3 gives up on every unsat-core query (a resource limit of 1): the inductive set is found, but
  // `agree` has no proof to print or re-check. That is an honest "not proved" with a note (exit
  // 5), not a re-check failure (exit 6).
  ProveCommand c;
  c.spec = write("mini.tcp", kMiniTcp);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  c.properties = {"agree"};
  c.support_rlimit = 1;
  auto p = prove(c);
  EXPECT_EQ(p.code, exit_code::kInconclusive) << p.out << p.err;
  EXPECT_NE(p.out.find("agree     not proved (Z3 did not answer unsat"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("re-check from scratch"), std::string::npos) << p.out;  // nothing to re-check
}

TEST_F(ProveTest, HeaderSaysWhichIsnsTheProofCovers) {
  // The spec's rules choose the ISNs: with rfc9293's ISN_MAX, a bound that fixes them is named.
  const std::string spec = "const ISN_MAX = 1\n" + kMiniTcp.substr(0, kMiniTcp.find("lemma planted"));
  ProveCommand c;
  c.spec = write("mini.tcp", spec);
  c.sample_seq_bits = {3};
  c.target_runs = 0;
  c.properties = {"agree"};
  auto bounded = prove(c);
  EXPECT_NE(bounded.out.find("prove at SEQ_BITS=3, ISNs bounded by ISN_MAX=1 (-D ISN_MAX=-1 frees every ISN)"),
            std::string::npos)
      << bounded.out;
  c.defines = {{"ISN_MAX", -1}};
  auto free = prove(c);
  EXPECT_NE(free.out.find("prove at SEQ_BITS=3, every ISN free (ISN_MAX=-1)"), std::string::npos) << free.out;
  c.spec = write("plain.tcp", kMiniTcp);
  c.defines = {};
  auto plain = prove(c);
  EXPECT_NE(plain.out.find("prove at SEQ_BITS=3, ISNs as the spec's rules choose them"), std::string::npos)
      << plain.out;
}

}  // namespace
}  // namespace tcpmc
