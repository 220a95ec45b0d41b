/*
 * CMaskBenchAllocator: the C library allocator's process-wide settings, which Swift cannot reach
 * (<malloc.h> is not in Glibc's module map). Only the maskbench executable imports this module.
 */
#ifndef CMASKBENCHALLOCATOR_H
#define CMASKBENCHALLOCATOR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Serves blocks up to `bytes` from the allocator's heap, where freed memory is reused, rather than mapping
 * each one afresh. Call once, before any thread exists. Returns 1 when the setting was applied, 0 when the
 * allocator refused it or is not glibc's (then nothing changed). Freed memory below that size stays in the
 * heap for reuse rather than being returned to the system. The corresponding C function is `mallopt` with
 * `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD`.
 */
int mballoc_set_mmap_threshold(long bytes);

/*
 * Lets at most `arenas` malloc arenas exist: with 1, every thread allocates from the main heap, so a large
 * block freed on one thread is reused on another, instead of each thread's arena mapping (and unmapping)
 * blocks too large for its 64 MiB heaps. Call once, before any thread exists. Returns 1 when applied, 0
 * otherwise. The corresponding C function is `mallopt` with `M_ARENA_MAX`.
 */
int mballoc_set_arena_max(int arenas);

#ifdef __cplusplus
}
#endif

#endif
