// What the `tcpmc prove` tests share (prove_test.cpp, prove_accel_test.cpp, prove_blocking_test.cpp,
// prove_workers_test.cpp): the mini handshake spec (alone, and with its sampled candidates as
// lemmas), a quiet run of the command, and the check that two Houdinis agree.
#pragma once
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "candidates.hpp"
#include "commands.hpp"
#include "invariant_inference.hpp"
#include "sampling.hpp"
#include "test_util.hpp"

namespace tcpmc::test {

// A handshake with free ISNs: A's SYN carries its ISS, B answers SYN|ACK with its own; each
// learns the other's ISN from the segment. `agree` needs what travels in flight (the SYN's seq is
// its sender's ISS) and what each pair of states implies: the templates give exactly that.
// `wide` holds at SEQ_BITS <= 3 (a distance of at most 7) and fails at 32.
inline const std::string kMiniTcp =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, LISTEN, SYN_SENT, SYN_RCVD, EST }\n"
    "endpoint { state: S = CLOSED\n  iss: seq\n  irs: seq\n  snd_nxt: seq\n  rcv_nxt: seq }\n"
    "segment { flags SYN, ACK\n  seq: seq\n  ack: seq }\n"
    "network { capacity = 1, msl = 1 }\n"
    "faults { loss = 0, dup = 0, reorder = false }\n"
    "call connect(isn: seq) in CLOSED when self == A { iss := isn snd_nxt := isn + 1 send SYN (seq = isn) goto SYN_SENT }\n"
    "call listen(isn: seq) in CLOSED when self == B { iss := isn snd_nxt := isn + 1 goto LISTEN }\n"
    "recv syn(s) in LISTEN when s.SYN && !s.ACK {\n"
    "  irs := s.seq rcv_nxt := s.seq + 1 send SYN|ACK (seq = iss, ack = s.seq + 1) goto SYN_RCVD }\n"
    "recv synack(s) in SYN_SENT when s.SYN && s.ACK && s.ack == snd_nxt {\n"
    "  irs := s.seq rcv_nxt := s.seq + 1 send ACK (seq = snd_nxt, ack = s.seq + 1) goto EST }\n"
    "recv ack(s) in SYN_RCVD when s.ACK && !s.SYN && s.ack == snd_nxt { goto EST }\n"
    "invariant agree expect hold: A.state == EST && B.state == EST -> A.irs == B.iss && B.irs == A.iss\n"
    "invariant wide expect violation: A.iss - B.iss <= 7\n"
    // Planted: true in every sampled state (SEQ_BITS 3), false at 32 bits; it would prove `wide`.
    "lemma planted: A.iss - B.iss <= 7\n";

inline std::string without_planted() { return kMiniTcp.substr(0, kMiniTcp.find("lemma planted")); }

// The mini handshake with its candidates as lemmas: those true in the first `states` states at
// SEQ_BITS=3 (20: an incomplete sample, so that many are false and Houdini has work).
inline std::string mini_with_candidates(uint64_t states = 20) {
  auto small = load(without_planted());
  EXPECT_TRUE(small->ok());
  const ir::Model& sm = small->spec->model;
  infer::CandidateSet cands(sm);
  infer::sample(sm, states, 0, cands);
  std::string spec = without_planted();
  int i = 0;
  for (const infer::Candidate* c : cands.survivors()) spec += "lemma c" + std::to_string(++i) + ": " + cands.text(*c) + "\n";
  return spec;
}

struct ProveRun {
  int code = -1;
  std::string out, err;
};

// run_prove without progress lines, its output and errors kept.
inline ProveRun prove_quietly(ProveCommand c) {
  c.progress = false;
  std::ostringstream o, e;
  ProveRun r;
  r.code = run_prove(c, o, e);
  r.out = o.str();
  r.err = e.str();
  return r;
}

// Two Houdinis over the same candidates (asked in different ways) that both finished and kept
// the same inductive set: the same lemmas false initially and inductive, the same properties proved.
inline void expect_same_inductive_set(const InferenceResult& a, const InferenceResult& b) {
  ASSERT_TRUE(a.complete) << a.stop_reason;
  ASSERT_TRUE(b.complete) << b.stop_reason;
  EXPECT_EQ(a.lemma_initially_false, b.lemma_initially_false);
  EXPECT_EQ(a.lemma_inductive, b.lemma_inductive);
  EXPECT_EQ(a.property_inductive, b.property_inductive);
  EXPECT_EQ(a.property_proved, b.property_proved);
}

}  // namespace tcpmc::test
