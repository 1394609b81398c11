#include "houdini_board.hpp"

#include <algorithm>

namespace tcpmc::symbolic {

HoudiniBoard::HoudiniBoard(std::vector<size_t> open, size_t workers)
    : order_(std::move(open)), answered_(std::max<size_t>(workers, 1), 0) {
  size_t n = 0;
  for (size_t g : order_) n = std::max(n, g + 1);
  alive_.assign(n, 0);
  for (size_t g : order_) alive_[g] = 1;
  size_ = order_.size();
  over_ = order_.empty();
}

std::vector<size_t> HoudiniBoard::set_locked() const {
  std::vector<size_t> out;
  out.reserve(size_);
  for (size_t g : order_)
    if (alive_[g]) out.push_back(g);
  return out;
}

bool HoudiniBoard::next(size_t worker, std::vector<size_t>& set, uint64_t& version) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return over_ || answered_[worker] != version_ + 1; });
  if (over_) return false;
  set = set_locked();
  version = version_;
  return true;
}

void HoudiniBoard::none_breaks(size_t worker, uint64_t version) {
  std::lock_guard lock(mutex_);
  if (version != version_ || over_) return;  // stale: the set has changed since
  answered_[worker] = version + 1;
  if (std::all_of(answered_.begin(), answered_.end(), [&](uint64_t a) { return a == version_ + 1; })) over_ = true;
  changed_.notify_all();
}

size_t HoudiniBoard::drop(const std::vector<size_t>& goals) {
  std::lock_guard lock(mutex_);
  if (over_) return 0;
  size_t n = 0;
  for (size_t g : goals)
    if (g < alive_.size() && alive_[g]) {
      alive_[g] = 0;
      ++n;
    }
  if (n > 0) {
    size_ -= n;
    ++version_;
    if (size_ == 0) over_ = true;  // the empty set is inductive
    changed_.notify_all();
  }
  return n;
}

void HoudiniBoard::give_up() {
  std::lock_guard lock(mutex_);
  if (!over_) given_up_ = true;
  over_ = true;
  changed_.notify_all();
}

bool HoudiniBoard::inductive() const {
  std::lock_guard lock(mutex_);
  return over_ && !given_up_;
}

size_t HoudiniBoard::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

std::vector<size_t> HoudiniBoard::set() const {
  std::lock_guard lock(mutex_);
  return set_locked();
}

}  // namespace tcpmc::symbolic
