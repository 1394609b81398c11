// BulkAllocator: the allocator of the search's big arrays (the state arena, the parents, the
// lookup tables, the state graph's edges).
// - resize() leaves new elements uninitialised (the engine writes every element it adds, so
//   zero-filling first would touch the memory twice); assign() and value-initialising calls
//   still initialise.
// - A block of 4 MiB or more is aligned to 2 MiB and advised to the kernel as a candidate for
//   transparent huge pages (madvise MADV_HUGEPAGE): the lookups into a table of a gigabyte are
//   random, and with 4 KiB pages nearly every one is a TLB miss too, and filling such an array
//   costs a page fault every 4 KiB. Where the kernel has no huge pages, or refuses the advice,
//   the block is an ordinary one.
#pragma once
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

namespace tcpmc {

template <class T>
struct BulkAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = BulkAllocator<U>;
  };
  BulkAllocator() = default;
  template <class U>
  BulkAllocator(const BulkAllocator<U>&) {}

  static constexpr size_t kHugePage = size_t{2} << 20;
  static constexpr size_t kBulk = 2 * kHugePage;

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kBulk) return std::allocator<T>::allocate(n);
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = nullptr;
    if (posix_memalign(&p, kHugePage, rounded) != 0) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: its failure changes nothing but speed
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    if (n * sizeof(T) < kBulk)
      std::allocator<T>::deallocate(p, n);
    else
      std::free(p);
  }

  template <class U>
  void construct(U* p) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};

template <class T, class U>
bool operator==(const BulkAllocator<T>&, const BulkAllocator<U>&) {
  return true;
}

// Makes v's capacity the one repeated push_back (or insert of `unit` elements) would give it for
// `n` elements: the first allocation holds one unit, each later one doubles.
template <class V>
void reserve_doubling(V& v, uint64_t n, uint64_t unit = 1) {
  if (n <= v.capacity()) return;
  uint64_t c = v.capacity() ? v.capacity() : unit;
  while (c < n) c *= 2;
  v.reserve(c);
}

// reserve_doubling for an array whose allocator is fixed elsewhere (the state graph's, which the
// liveness analysis hands to Boost's CSR graph as it is): a new block of 4 MiB or more gets the
// huge-page advice BulkAllocator gives its own, on its whole 2 MiB pages, before the elements are
// copied into it (the copy would otherwise fault it in 4 KiB pages, each zeroed on its own).
template <class V>
void reserve_bulk(V& v, uint64_t n) {
  if (n <= v.capacity()) return;
  uint64_t c = v.capacity() ? v.capacity() : 1;  // as reserve_doubling
  while (c < n) c *= 2;
  V fresh;
  fresh.reserve(c);
  const size_t bytes = fresh.capacity() * sizeof(*fresh.data());
  const size_t page = BulkAllocator<char>::kHugePage;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(fresh.data()) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(fresh.data()) + bytes) / page * page;
  if (bytes >= BulkAllocator<char>::kBulk && end > begin)
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  fresh.insert(fresh.end(), v.begin(), v.end());
  v.swap(fresh);
}

}  // namespace tcpmc
