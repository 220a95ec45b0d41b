// The floating-point ceiling of this machine (not a test): how many single-precision FLOP/s one process gets
// from fused multiply-adds alone, with 12 independent accumulator chains so neither the FMA latency nor memory
// limits it. Benchmarks/peak.sh runs it alone and then one copy per core at once, which tells whether the cores
// really add up (on a virtual machine two "cores" may share one physical core's FMA units).
//
//   cc -O2 -mavx2 -mfma Benchmarks/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak 2
//   cc -O2 -mavx512f -DWIDTH=16 Benchmarks/fma_peak.c -o /tmp/fma_peak16 && /tmp/fma_peak16 2
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef WIDTH
#define WIDTH 8
#endif
#if WIDTH == 16
typedef __m512 vec;
#define SET1 _mm512_set1_ps
#define FMADD _mm512_fmadd_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define SET1 _mm256_set1_ps
#define FMADD _mm256_fmadd_ps
#define STORE _mm256_storeu_ps
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    vec acc[12];
    // a = a * 0.9999999 + 1e-7 tends to 1: no overflow however long it runs.
    vec scale = SET1(0.9999999f), add = SET1(1e-7f);
    for (int i = 0; i < 12; i++) acc[i] = SET1((float)i);
    long rounds = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        for (long n = 0; n < 1000000; n++) {
#pragma GCC unroll 12
            for (int i = 0; i < 12; i++) acc[i] = FMADD(acc[i], scale, add);
        }
        rounds += 1000000;
        elapsed = now() - start;
    }
    float lanes[WIDTH], sum = 0;
    for (int i = 0; i < 12; i++) {
        STORE(lanes, acc[i]);
        for (int j = 0; j < WIDTH; j++) sum += lanes[j];
    }
    double flop = (double)rounds * 12 * WIDTH * 2;
    // The sum keeps the compiler from dropping the loop; it is printed last and means nothing.
    printf("%d-lane FMA: %.1f GFLOP/s over %.2f s (%g)\n", WIDTH, flop / elapsed / 1e9, elapsed, sum);
    return 0;
}
