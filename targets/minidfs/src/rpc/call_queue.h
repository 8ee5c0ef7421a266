// Bounded FIFO between the RPC reader threads and the handler threads. offer() never
// blocks: a full queue is reported to the caller, which answers BUSY so overload pushes
// back on clients instead of piling up unbounded work.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace minidfs {

template <class T>
class CallQueue {
 public:
  explicit CallQueue(size_t capacity) : capacity_(capacity) {}

  bool offer(T item) {
    std::lock_guard<std::mutex> lk(mu_);
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    cv_.notify_one();
    return true;
  }

  // Blocks until an item is available; false once the queue is closed and drained.
  bool take(T *out) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    *out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  void close() {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  size_t size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return items_.size();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace minidfs
