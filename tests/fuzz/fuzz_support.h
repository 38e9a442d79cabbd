#pragma once

// What every fuzz target shares: invariant checks that abort (libFuzzer saves the input of any
// abort; assert() would vanish in a build with NDEBUG), a deterministic way to cut one input into
// chunks, and a small stack to run a parser on.

#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(condition, what)                                                            \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n  %s\n", __FILE__, __LINE__, \
                   #condition, std::string(what).c_str());                                     \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

namespace scale::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Chunk sizes (0..max_chunk each, summing to bytes.size()) derived from the bytes themselves, so a
// crash replays identically from the saved input alone and seeds stay plain streams with no
// header. Empty chunks are included on purpose: a transport may deliver them.
inline std::vector<size_t> chunk_sizes(std::string_view bytes, size_t max_chunk) {
  uint64_t state = 1469598103934665603ull;  // FNV-1a of the input seeds the generator
  for (unsigned char c : bytes) state = (state ^ c) * 1099511628211ull;
  if (state == 0) state = 1;  // xorshift would stay at 0 forever
  std::vector<size_t> sizes;
  for (size_t done = 0; done < bytes.size();) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const size_t chunk = std::min<size_t>(bytes.size() - done, state % (max_chunk + 1));
    sizes.push_back(chunk);
    done += chunk;
  }
  return sizes;
}

// Fuzz inputs stay within a few KiB while real ones do not (a Mesos record may be 64 MiB, on a
// thread with an 8 MiB stack). Running the code under test on a stack scaled down as much turns
// "stack use grows with the input" (recursion on nesting depth) into a crash these inputs reach:
// about 200 nested brackets instead of 60,000. A guard page below it makes an overflow a fault
// that ASan reports as stack-overflow. The switch is swapcontext, not a thread per input: thread
// creation under ASan cost 3 ms an input, swapcontext a few microseconds. The targets are always
// built with ASan, whose fiber API is used below; its one-line warning that swapcontext "may
// produce false positives" at start-up is about programs that do not use that API.
inline constexpr size_t kSmallStackBytes = 32 * 1024;

namespace detail {
inline void (*small_stack_call)(void*) = nullptr;
inline void* small_stack_arg = nullptr;
inline const void* caller_stack_bottom = nullptr;
inline size_t caller_stack_size = 0;

// Tells ASan about each stack switch (its fiber API), so it knows which stack a frame is on; bare
// swapcontext leaves it guessing, with possible false reports.
inline void small_stack_entry() {
  __sanitizer_finish_switch_fiber(nullptr, &caller_stack_bottom, &caller_stack_size);
  small_stack_call(small_stack_arg);
  __sanitizer_start_switch_fiber(nullptr, caller_stack_bottom, caller_stack_size);
}
}  // namespace detail

template <typename Fn>
void on_small_stack(Fn& fn) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  static char* const base = [] {
    void* mapping = mmap(nullptr, page + kSmallStackBytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    FUZZ_CHECK(mapping != MAP_FAILED, "mmap of the small stack failed");
    FUZZ_CHECK(mprotect(mapping, page, PROT_NONE) == 0, "mprotect of the guard page failed");
    return static_cast<char*>(mapping);
  }();
  static ucontext_t caller;
  static ucontext_t callee;
  detail::small_stack_call = [](void* arg) { (*static_cast<Fn*>(arg))(); };
  detail::small_stack_arg = &fn;
  FUZZ_CHECK(getcontext(&callee) == 0, "getcontext failed");
  callee.uc_stack.ss_sp = base + page;
  callee.uc_stack.ss_size = kSmallStackBytes;
  callee.uc_link = &caller;  // back here when fn returns
  makecontext(&callee, detail::small_stack_entry, 0);
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, base + page, kSmallStackBytes);
  FUZZ_CHECK(swapcontext(&caller, &callee) == 0, "swapcontext failed");
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
}

}  // namespace scale::fuzz
