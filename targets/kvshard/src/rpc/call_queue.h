// The RPC server's only queue: a fixed ring of call slots between the connection readers
// and the handler pool, all slots allocated up front.
//   tryPush  never waits; false when every slot is taken (the reader then answers
//            OVERLOADED) or after close().
//   pop      waits for a filled slot; false only once the ring is closed and empty, so
//            calls accepted before close() are still handed out.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace kvshard {

template <class T>
class BoundedCallQueue {
 public:
  explicit BoundedCallQueue(size_t capacity) : ring_(capacity) {}

  // Filled slots right now (a snapshot for stats).
  size_t depth() const {
    std::lock_guard<std::mutex> guard(lock_);
    return filled_;
  }

  bool tryPush(T item) {
    std::unique_lock<std::mutex> guard(lock_);
    if (state_ == State::kClosed || filled_ == ring_.size()) return false;
    ring_[slot(filled_)] = std::move(item);
    ++filled_;
    guard.unlock();
    changed_.notify_one();
    return true;
  }

  bool pop(T *out) {
    std::unique_lock<std::mutex> guard(lock_);
    while (filled_ == 0) {
      if (state_ == State::kClosed) return false;
      changed_.wait(guard);
    }
    T &oldest = ring_[next_];
    *out = std::move(oldest);
    oldest = T();  // drop what the moved-from slot still holds (the connection)
    next_ = slot(1);
    --filled_;
    return true;
  }

  // Refuses further pushes and wakes every waiting handler.
  void close() {
    {
      std::lock_guard<std::mutex> guard(lock_);
      if (state_ == State::kClosed) return;
      state_ = State::kClosed;
    }
    changed_.notify_all();
  }

 private:
  enum class State { kOpen, kClosed };

  // Index of the slot `ahead` positions after the oldest filled one.
  size_t slot(size_t ahead) const { return (next_ + ahead) % ring_.size(); }

  std::vector<T> ring_;
  size_t next_ = 0;    // oldest filled slot
  size_t filled_ = 0;  // filled slots, from next_ on (wrapping)
  State state_ = State::kOpen;
  mutable std::mutex lock_;
  std::condition_variable changed_;
};

}  // namespace kvshard
