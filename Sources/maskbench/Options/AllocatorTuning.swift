internal import CMaskBenchAllocator

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
    static func apply() {
        _ = mballoc_set_mmap_threshold(1 << 30)
    }
}
