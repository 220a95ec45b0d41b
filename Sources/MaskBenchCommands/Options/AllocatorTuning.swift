internal import CMaskBenchAllocator
import Foundation

/// Process-wide allocator settings, applied once at start-up, before any work starts.
enum AllocatorTuning {
    /// Lets glibc's `malloc` serve blocks of up to 1 GiB from its heap instead of a fresh `mmap` each.
    ///
    /// By default glibc maps every block over its adaptive threshold (128 KiB, rising to at most 32 MiB)
    /// with `mmap` and unmaps it on `free`, so each large array an evaluation makes and drops (the JSON
    /// input, per-face outcomes, rankings, sort buffers) starts on fresh pages that fault in one by one. In
    /// the heap, freed blocks are reused: on the 50k-image benchmark this alone removed about 11,000 of
    /// 118,000 page faults and 50 ms of CPU time, with the same peak memory. The heap is not trimmed below
    /// that size either: trimmed at every free of a decoded image, `maskbench run` on the Kaggle set spent
    /// 0.63–0.72 s in the kernel instead of 0.15–0.17 s. With another C library this does nothing. The
    /// corresponding C function is `mallopt` (through `CMaskBenchAllocator`).
    ///
    /// All threads share that one heap (`M_ARENA_MAX` 1): glibc gives other threads arenas of 64 MiB heaps, so a
    /// larger block allocated off the main thread (a JSON file read alongside the other, a table encoded on
    /// a worker) was mapped and unmapped each time, faulting its pages in again. On 500,000 images (the bench
    /// set, `--bootstrap 0 --no-report`) this took minor page faults from 1.25M to 0.75M and system time from
    /// 3.6 s to 2.1 s.
    ///
    /// Call it on the main thread before any other thread allocates: glibc fixes its arena limit when a second
    /// thread first allocates, and that thread keeps the arena it got then. Called from the command (which
    /// runs on the concurrent executor, whose thread has allocated by then), every large block of that thread
    /// was mapped and unmapped again (500k set: 1.09M page faults instead of 0.81M).
    static func apply() {
        assert(Thread.isMainThread, "the allocator is set up on the main thread, before other threads allocate")
        _ = mballoc_set_mmap_threshold(1 << 30)
        _ = mballoc_set_arena_max(1)
    }
}
