// FR-1.7: what a device keeps while it cannot publish.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace flux::fw {

/**
 * A fixed-capacity ring of readings, allocated once. Overflow policy: **drop the oldest** and count it
 * (`dropped`), because the newest readings are worth more to a digital twin; `flux fleet` does the same.
 * Readings that were in flight when the connection broke go back to the front (`push_front`) so the order
 * in which they were taken is kept; when the ring is full the one pushed back is the oldest and is the
 * one dropped.
 */
template <typename T>
class OfflineBuffer {
 public:
  /** The firmware's capacity from FR-1.7. */
  static constexpr size_t kFirmwareCapacity = 1000;

  explicit OfflineBuffer(size_t capacity = kFirmwareCapacity) : slots_(capacity == 0 ? 1 : capacity) {}

  /** Keeps {@code item} as the newest, dropping the oldest when full. */
  void push_back(const T& item) {
    if (size_ == slots_.size()) {
      head_ = (head_ + 1) % slots_.size();
      --size_;
      ++dropped_;
    }
    slots_[(head_ + size_) % slots_.size()] = item;
    ++size_;
  }

  /** Puts back an item older than everything kept; when full, that item itself is the one dropped. */
  void push_front(const T& item) {
    if (size_ == slots_.size()) {
      ++dropped_;
      return;
    }
    head_ = (head_ + slots_.size() - 1) % slots_.size();
    slots_[head_] = item;
    ++size_;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  /** The {@code i}-th oldest item, i < size(). */
  const T& at(size_t i) const { return slots_[(head_ + i) % slots_.size()]; }
  /** The oldest item; only when not empty. */
  const T& front() const { return slots_[head_]; }
  T& front() { return slots_[head_]; }
  void pop_front() {
    if (size_ > 0) {
      head_ = (head_ + 1) % slots_.size();
      --size_;
    }
  }
  /** Items dropped because the buffer was full, since boot. */
  uint64_t dropped() const { return dropped_; }

 private:
  std::vector<T> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace flux::fw
