// Bounded multi-producer/multi-consumer queue between connection readers and the handler
// pool. tryPush never blocks (a full queue is the caller's signal to answer OVERLOADED);
// pop blocks until an item arrives or the queue is closed and empty.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace kvshard {

template <class T>
class BoundedCallQueue {
 public:
  explicit BoundedCallQueue(size_t capacity) : capacity_(capacity) {}

  bool tryPush(T item) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
    }
    nonEmpty_.notify_one();
    return true;
  }

  bool pop(T *out) {
    std::unique_lock<std::mutex> lk(mu_);
    nonEmpty_.wait(lk, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    *out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  void close() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      closed_ = true;
    }
    nonEmpty_.notify_all();
  }

  size_t depth() const {
    std::lock_guard<std::mutex> lk(mu_);
    return items_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable nonEmpty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace kvshard
