// The template grammar of `tcpmc prove` (infer/candidates.hpp) beyond single terms:
//  - a segment in flight says which TCP states its sender is not in, and the sender's flags: the
//    invariant that needs `forall s in flight(A): A.state != CLOSED` is proved with no lemma and
//    no blocking;
//  - a segment that is current (a field equal to the sender variable a send copies, `s.inc ==
//    A.gen`) is a guard of its own: what holds of a sender's segments of this incarnation only
//    survives there, not under the flag alone; the guard's own equation is no candidate.
#include <algorithm>

#include <gtest/gtest.h>

#include "candidates.hpp"
#include "exit_codes.hpp"
#include "prove_support.hpp"
#include "sampling.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

// B notes that it heard A; it cannot have while A is still closed, since A sends only on leaving
// CLOSED: `forall s in flight(A): A.state != CLOSED`.
const std::string kHeard =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, SENT, DONE }\n"
    "endpoint { state: S = CLOSED\n  heard: bool = false }\n"
    "segment { flags SYN, ACK\n  seq: seq }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call go in CLOSED when self == A { send SYN (seq = 0) goto SENT }\n"
    "recv syn(s) in CLOSED when s.SYN && self == B { heard := true send ACK (seq = 0) goto DONE }\n"
    "recv ack(s) in SENT when s.ACK { goto DONE }\n"
    "invariant heard_after_open expect hold: !(A.state == CLOSED && B.heard)\n";

class ProveTemplates : public test::TempDirTest {};

TEST_F(ProveTemplates, ASegmentInFlightSaysWhichStatesItsSenderIsNotIn) {
  ProveCommand c;
  c.spec = write("heard.tcp", kHeard);
  c.defines = {{"SEQ_BITS", 32}};
  c.sample_seq_bits = {3};
  const auto p = test::prove_quietly(c);
  EXPECT_EQ(p.code, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("heard_after_open  PROVED (k=1)"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find(": forall s in flight(A): A.state != CLOSED\n"), std::string::npos) << p.out;
  EXPECT_EQ(p.out.find("block_"), std::string::npos) << p.out;  // no blocking round ran
}

// A opens (SYN) and closes (FIN) once per incarnation, and may reopen once; B consumes what
// comes. An old FIN can be in flight while A is open again, but never one of A's current
// incarnation: `forall s in flight(A): s.FIN && s.inc == A.gen -> A.state != OPEN` holds,
// `forall s in flight(A): s.FIN -> A.state != OPEN` does not.
const std::string kIncarnations =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, OPEN, DONE }\n"
    "endpoint { state: S = CLOSED\n  gen: 0..1 }\n"
    "segment { flags SYN, FIN\n  seq: seq\n  inc: 0..1 }\n"
    "network { capacity = 2, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call open in CLOSED when self == A { send SYN (seq = 0, inc = gen) goto OPEN }\n"
    "call close in OPEN when self == A { send FIN (seq = 0, inc = gen) goto DONE }\n"
    "call reopen in DONE when self == A && gen == 0 { gen := 1 goto CLOSED }\n"
    "recv any(s) in CLOSED when self == B { }\n";

TEST(CandidateTemplates, ACurrentSegmentIsAGuardOfItsOwn) {
  auto l = test::load(kIncarnations);
  ASSERT_TRUE(l->ok()) << format_diagnostics(l->diags);
  const ir::Model& m = l->spec->model;
  infer::CandidateSet cands(m);
  const infer::SampleRun r = infer::sample(m, 0, 0, cands);  // every reachable state
  ASSERT_TRUE(r.complete);
  std::vector<std::string> texts;
  for (const infer::Candidate* c : cands.survivors()) texts.push_back(cands.text(*c));
  auto has = [&](const std::string& t) { return std::find(texts.begin(), texts.end(), t) != texts.end(); };
  EXPECT_TRUE(has("forall s in flight(A): s.FIN && s.inc == A.gen -> A.state != OPEN"));
  // A sends only on leaving CLOSED, in each incarnation: of every current segment.
  EXPECT_TRUE(has("forall s in flight(A): s.inc == A.gen -> A.state != CLOSED"));
  EXPECT_FALSE(has("forall s in flight(A): s.FIN -> A.state != OPEN"));  // an old FIN, A open again
  for (const std::string& t : texts) EXPECT_EQ(t.find("s.inc == A.gen -> s.inc == A.gen"), std::string::npos) << t;
  EXPECT_FALSE(has("forall s in flight(A): s.FIN -> A.state != CLOSED"));  // an old FIN, A reopened
  // What holds of every segment is not repeated under a narrower guard.
  EXPECT_TRUE(has("forall s in flight(A): s.seq == 0"));
  EXPECT_FALSE(has("forall s in flight(A): s.FIN -> s.seq == 0"));
  EXPECT_FALSE(has("forall s in flight(A): s.FIN && s.inc == A.gen -> s.seq == 0"));
  EXPECT_FALSE(has("forall s in flight(A): s.FIN && s.inc == A.gen -> A.state != CLOSED"));
}

}  // namespace
}  // namespace tcpmc
