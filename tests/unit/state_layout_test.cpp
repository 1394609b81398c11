// State packing (StateLayout): slot order and widths, pack/unpack round trips over every slot kind
// (negative lower bounds, seq, bool, enum, timers, loss/dup counters, channel records with ages),
// that no slot straddles a 64-bit word, that packing is injective, and the exact word count for
// small specs, including the 64/65-bit boundary.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "state_layout.hpp"
#include "test_util.hpp"

namespace tcpmc {
namespace {

// Slot widths by hand (bits = bit length of hi - lo):
//   per endpoint: state 0..2 (2), d -3..4 (3), iss seq 0..7 (3), b bool (1)     = 9, x2 = 18
//   global g -2..-1 (1)                                                          -> 19
//   timers A.t, B.t 0..5+2 (3 each)                                              -> 25
//   losses 0..1 (1), duplicates 0..2 (2)                                         -> 28
//   per channel: count 0..2 (2) + 2 records of SYN(1) ACK(1) seq(3) len(1) tag 0..5 (3) age 0..3 (2) = 11
//                                                                                = 24, x2 = 48 -> 76 bits
// Packing in order without straddling: word 0 gets everything up to B->A[0].tag (63 bits); B->A[0].age
// would end at bit 65, so it starts word 1, followed by B->A[1]: 2 words.
const std::string kSpec =
    "const SEQ_BITS = 3\n"
    "enum S { CLOSED, OPEN, X }\n"
    "endpoint {\n"
    "  state: S = CLOSED\n"
    "  d: -3..4\n"
    "  iss: seq\n"
    "  b: bool\n"
    "  timer t\n"
    "}\n"
    "ghost { g: -2..-1 }\n"
    "segment {\n"
    "  flags SYN, ACK\n"
    "  seq: seq\n"
    "  len: 0..1\n"
    "  ghost tag: 2..5\n"
    "}\n"
    "network { capacity = 2, msl = 3 }\n"
    "call c { timer t := 5 }\n";

struct Fixture {
  std::unique_ptr<test::Loaded> l;
  std::unique_ptr<StateLayout> layout;
};

Fixture make(const std::string& text, ir::FaultBudget f, const ConstOverrides& ov = {}) {
  Fixture x;
  x.l = test::load(text, ov);
  EXPECT_TRUE(x.l->ok()) << format_diagnostics(x.l->diags);
  if (x.l->ok()) x.layout = std::make_unique<StateLayout>(x.l->spec->model, f);
  return x;
}

TEST(StateLayout, SlotOrderWidthsAndIndices) {
  auto x = make(kSpec, {1, 2, false});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  EXPECT_EQ(L.num_slots(), 2 * 4 + 1 + 2 + 2 + 2 * (1 + 2 * 6));
  // Endpoint variables of A then B, globals, timers of A then B, budgets, channels.
  EXPECT_EQ(L.slot(L.ep_var(0, 1)).name, "A.d");
  EXPECT_EQ(L.slot(L.ep_var(1, 0)).name, "B.state");
  EXPECT_EQ(L.ep_var(1, 0), 4);
  EXPECT_EQ(L.global_var(0), 8);
  EXPECT_EQ(L.timer(0, 0), 9);
  EXPECT_EQ(L.timer(1, 0), 10);
  EXPECT_EQ(L.loss_slot(), 11);
  EXPECT_EQ(L.dup_slot(), 12);
  EXPECT_EQ(L.chan_count(0), 13);
  EXPECT_EQ(L.seg_stride(), 6);
  EXPECT_EQ(L.num_seg_fields(), 5);
  EXPECT_EQ(L.capacity(), 2);
  EXPECT_EQ(L.seg_base(0, 1), 13 + 1 + 6);
  EXPECT_EQ(L.chan_count(1), 13 + 1 + 12);
  EXPECT_EQ(L.slot(L.seg_base(1, 1) + 2).name, "B->A[1].seq");
  // Ranges and widths.
  auto check = [&](int s, int64_t lo, int64_t hi, int bits) {
    SCOPED_TRACE(L.slot(s).name);
    EXPECT_EQ(L.slot(s).lo, lo);
    EXPECT_EQ(L.slot(s).hi, hi);
    EXPECT_EQ(L.slot(s).bits, bits);
  };
  check(L.ep_var(0, 0), 0, 2, 2);
  check(L.ep_var(0, 1), -3, 4, 3);
  check(L.ep_var(1, 2), 0, 7, 3);
  check(L.ep_var(1, 3), 0, 1, 1);
  check(L.global_var(0), -2, -1, 1);
  check(L.timer(1, 0), 0, 5 + kTimerBias, 3);
  check(L.loss_slot(), 0, 1, 1);
  check(L.dup_slot(), 0, 2, 2);
  check(L.chan_count(1), 0, 2, 2);
  check(L.seg_base(0, 0) + 4, 0, 5, 3);  // ghost tag 2..5: unused records are all zero, so the slot includes 0
  check(L.seg_base(0, 0) + 5, 0, 3, 2);  // age 0..msl
  int total = 0;
  for (int s = 0; s < L.num_slots(); ++s) total += L.slot(s).bits;
  EXPECT_EQ(total, 76);
}

TEST(StateLayout, NoSlotStraddlesAWordAndWordCountIsMinimalForTheOrder) {
  auto x = make(kSpec, {1, 2, false});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  EXPECT_EQ(L.num_words(), 2);
  for (int s = 0; s < L.num_slots(); ++s) {
    SCOPED_TRACE(L.slot(s).name);
    EXPECT_LE(L.slot(s).shift + L.slot(s).bits, 64);
    EXPECT_LT(L.slot(s).word, L.num_words());
  }
  // The first slot that does not fit in word 0 is B->A[0].age.
  const int age = L.seg_base(1, 0) + 5;
  EXPECT_EQ(L.slot(age - 1).word, 0);
  EXPECT_EQ(L.slot(age - 1).shift + L.slot(age - 1).bits, 63);
  EXPECT_EQ(L.slot(age).word, 1);
  EXPECT_EQ(L.slot(age).shift, 0);
}

void expect_round_trip(const StateLayout& L, const std::vector<int32_t>& st) {
  std::vector<uint64_t> w(L.num_words(), ~uint64_t{0});
  L.pack(st.data(), w.data());
  std::vector<int32_t> back(L.num_slots(), 12345);
  L.unpack(w.data(), back.data());
  EXPECT_EQ(back, st);
}

TEST(StateLayout, PackUnpackRoundTripsEveryValueOfEverySlot) {
  auto x = make(kSpec, {1, 2, true});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  const int n = L.num_slots();
  // All lows, all highs.
  std::vector<int32_t> lo(n), hi(n);
  for (int s = 0; s < n; ++s) {
    lo[s] = static_cast<int32_t>(L.slot(s).lo);
    hi[s] = static_cast<int32_t>(L.slot(s).hi);
  }
  expect_round_trip(L, lo);
  expect_round_trip(L, hi);
  // Each slot at each of its values while the others are at their highs (neighbours must not bleed).
  for (int s = 0; s < n; ++s)
    for (int64_t v = L.slot(s).lo; v <= L.slot(s).hi; ++v) {
      std::vector<int32_t> st = hi;
      st[s] = static_cast<int32_t>(v);
      SCOPED_TRACE(L.slot(s).name + "=" + std::to_string(v));
      expect_round_trip(L, st);
    }
  // Random states (fixed seed).
  std::mt19937 rng(20240611);
  for (int i = 0; i < 2000; ++i) {
    std::vector<int32_t> st(n);
    for (int s = 0; s < n; ++s)
      st[s] = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(L.slot(s).lo, L.slot(s).hi)(rng));
    expect_round_trip(L, st);
  }
}

TEST(StateLayout, NegativeValuesPackAsOffsetsFromTheLowerBound) {
  auto x = make(kSpec, {0, 0, false});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  std::vector<int32_t> st(L.num_slots(), 0);
  for (int s = 0; s < L.num_slots(); ++s) st[s] = static_cast<int32_t>(L.slot(s).lo);
  std::vector<uint64_t> w(L.num_words());
  L.pack(st.data(), w.data());
  EXPECT_EQ(w[0], 0u);  // every slot at its lower bound packs to zero bits
  st[L.ep_var(0, 1)] = -2;  // A.d one above its lower bound -3
  L.pack(st.data(), w.data());
  EXPECT_EQ(w[0], uint64_t{1} << L.slot(L.ep_var(0, 1)).shift);
}

TEST(StateLayout, PackingIsInjective) {
  auto x = make(kSpec, {1, 2, false});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  const int n = L.num_slots();
  std::mt19937 rng(7);
  std::set<std::vector<int32_t>> states;
  std::set<std::vector<uint64_t>> packed;
  for (int i = 0; i < 3000; ++i) {
    std::vector<int32_t> st(n);
    for (int s = 0; s < n; ++s)
      st[s] = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(L.slot(s).lo, L.slot(s).hi)(rng));
    std::vector<uint64_t> w(L.num_words());
    L.pack(st.data(), w.data());
    states.insert(st);
    packed.insert(w);
  }
  EXPECT_EQ(states.size(), packed.size());
}

TEST(StateLayout, CountersSpecFitsInOneWord) {
  // state has one member (0 bits), n 0..2 (2 bits) per endpoint; no timers, budgets 0 (0 bits);
  // channels: count 0..2 (2 bits) and 2 records of just an age 0..2 (2 bits): 6 bits each.
  auto x = make("enum S { CLOSED }\nendpoint { state: S = CLOSED\n  n: 0..2 }\n", {0, 0, false});
  ASSERT_TRUE(x.layout);
  EXPECT_EQ(x.layout->num_words(), 1);
  EXPECT_EQ(x.layout->num_slots(), 2 * 2 + 2 + 2 * 3);
  int total = 0;
  for (int s = 0; s < x.layout->num_slots(); ++s) total += x.layout->slot(s).bits;
  EXPECT_EQ(total, 2 * 2 + 2 * 6);
}

TEST(StateLayout, SixtyFourBitsFitOneWordSixtyFiveNeedTwo) {
  // Per endpoint: state 0..1 (1 bit) + v1 0..32767 (15) + v2 0..W (15 or 16); channels with
  // capacity 1, no segment fields and msl 0: count 0..1 (1 bit) + age 0..0 (0 bits) each.
  // W = 32767: 2 * 31 + 2 = 64 bits -> 1 word. W = 32768: 66 bits -> 2 words.
  const std::string text =
      "const W = 32767\nenum S { C0, C1 }\n"
      "endpoint { state: S = C0\n  v1: 0..32767\n  v2: 0..W }\n"
      "network { capacity = 1, msl = 0 }\n";
  auto x = make(text, {0, 0, false});
  ASSERT_TRUE(x.layout);
  EXPECT_EQ(x.layout->num_words(), 1);
  auto y = make(text, {0, 0, false}, {{"W", 32768}});
  ASSERT_TRUE(y.layout);
  EXPECT_EQ(y.layout->num_words(), 2);
  for (int s = 0; s < y.layout->num_slots(); ++s) EXPECT_LE(y.layout->slot(s).shift + y.layout->slot(s).bits, 64);
  // And the round trip still holds at the extremes.
  std::vector<int32_t> st(y.layout->num_slots());
  for (int s = 0; s < y.layout->num_slots(); ++s) st[s] = static_cast<int32_t>(y.layout->slot(s).hi);
  expect_round_trip(*y.layout, st);
}

TEST(StateLayout, SixteenBitSequenceNumbers) {
  auto x = make("const SEQ_BITS = 16\nenum S { C0 }\nendpoint { state: S = C0\n  a: seq\n  b: seq\n  c: seq\n  d: seq }\n",
                {0, 0, false});
  ASSERT_TRUE(x.layout);
  const StateLayout& L = *x.layout;
  EXPECT_EQ(L.slot(L.ep_var(0, 1)).bits, 16);
  // 4 x 16 bits of A fill word 0 exactly; B's start word 1.
  EXPECT_EQ(L.slot(L.ep_var(0, 4)).word, 0);
  EXPECT_EQ(L.slot(L.ep_var(1, 1)).word, 1);
  std::vector<int32_t> st(L.num_slots(), 0);
  st[L.ep_var(0, 4)] = 65535;
  st[L.ep_var(1, 2)] = 40000;
  expect_round_trip(L, st);
}

TEST(StateLayout, NoSlotStartsAtBit64) {
    // A: 4 x 16 bits fill word 0; B.state (one member, 0 bits) comes next.
  auto x = make("const SEQ_BITS = 16\nenum S { C0 }\nendpoint { state: S = C0\n  a: seq\n  b: seq\n  c: seq\n  d: seq }\n",
                {0, 0, false});
  ASSERT_TRUE(x.layout);
  for (int s = 0; s < x.layout->num_slots(); ++s) EXPECT_LT(x.layout->slot(s).shift, 64) << x.layout->slot(s).name;
}

}  // namespace
}  // namespace tcpmc
