// StateStore's parts of the parallel merge, on their own: find_stored (the read-only lookup the
// workers make while a window expands) and append with the copy of the stored states deferred to
// copy_piece (shared out among the threads while they write the new states).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "state_store.hpp"

namespace tcpmc {
namespace {

constexpr int kWords = 3;

std::vector<uint64_t> state_words(uint64_t k) { return {k * 7 + 1, k ^ 0x5555, k << 20}; }

TEST(StateStore, FindStoredFindsExactlyTheStoredStates) {
  for (bool fingerprints : {false, true}) {
    StateStore store(kWords, fingerprints);
    store.set_shards(4);
    for (uint64_t k = 0; k < 5000; ++k) store.insert(state_words(k).data(), 0);
    for (uint64_t k = 0; k < 6000; ++k) {
      const auto w = state_words(k);
      uint32_t index = 12345;
      const bool found = store.find_stored(w.data(), store.hash(w.data()), &index);
      ASSERT_EQ(found, k < 5000) << "state " << k << (fingerprints ? " (fingerprints)" : "");
      if (!found) EXPECT_EQ(index, 12345u) << "an absent state leaves the index alone";
      else if (fingerprints) EXPECT_EQ(index, StateStore::kUnknown);
      else EXPECT_EQ(index, k);
    }
  }
}

TEST(StateStore, AppendWithTheCopyDeferredKeepsEveryStoredStateAndGrowsAsAnAppendAtOnce) {
  // States inserted, then more appended with the copy deferred: two threads copy the pieces
  // while a third writes the new states.
  StateStore deferred(kWords);
  const uint64_t first = 400000, more = 600000;  // the arena (9.6 MB) must move: pieces of 8 MiB
  for (uint64_t k = 0; k < first; ++k) deferred.insert(state_words(k).data(), static_cast<uint32_t>(k / 2));
  deferred.append(more, /*defer_copy=*/true);
  ASSERT_GE(deferred.pieces(), 3u) << "two pieces of the arena and one of the parents";
  std::atomic<size_t> next{0};
  auto copier = [&] {
    for (size_t k; (k = next.fetch_add(1)) < deferred.pieces();) deferred.copy_piece(k);
  };
  std::thread a(copier), b(copier), writer([&] {
    for (uint64_t k = first; k < first + more; ++k) {
      deferred.set_state(static_cast<uint32_t>(k), state_words(k).data());
      deferred.set_parent(static_cast<uint32_t>(k), static_cast<uint32_t>(k / 2));
    }
  });
  a.join();
  b.join();
  writer.join();
  deferred.finish_append();
  EXPECT_EQ(deferred.pieces(), 0u);
  ASSERT_EQ(deferred.size(), first + more);
  for (uint64_t k = 0; k < first + more; ++k) {
    const auto w = state_words(k);
    ASSERT_TRUE(std::equal(w.begin(), w.end(), deferred.get(static_cast<uint32_t>(k)))) << "state " << k;
    ASSERT_EQ(deferred.parent(static_cast<uint32_t>(k)), k / 2) << "state " << k;
  }
  // The arrays grow to the capacities an append without deferral gives (the same doubling).
  StateStore at_once(kWords);
  for (uint64_t k = 0; k < first; ++k) at_once.insert(state_words(k).data(), 0);
  at_once.append(more);
  EXPECT_EQ(at_once.pieces(), 0u);
  EXPECT_EQ(deferred.bytes(), at_once.bytes());
}

}  // namespace
}  // namespace tcpmc
