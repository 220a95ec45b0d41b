#include "CMaskBenchAllocator.h"

#include <limits.h> /* any C library header: defines __GLIBC__ with glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int mballoc_set_mmap_threshold(long bytes) {
#if defined(__GLIBC__)
    if (bytes < 0 || bytes > INT_MAX) return 0;
    /* With a fixed mmap threshold glibc stops raising the trim threshold with it (it stays at 128 KiB), so the
     * heap would be handed back at every large free and fault in again at the next allocation: keep it. */
    return mallopt(M_MMAP_THRESHOLD, (int)bytes) == 1 && mallopt(M_TRIM_THRESHOLD, (int)bytes) == 1 ? 1 : 0;
#else
    (void)bytes;
    return 0;
#endif
}

int mballoc_set_arena_max(int arenas) {
#if defined(__GLIBC__)
    return arenas >= 1 && mallopt(M_ARENA_MAX, arenas) == 1 ? 1 : 0;
#else
    (void)arenas;
    return 0;
#endif
}
