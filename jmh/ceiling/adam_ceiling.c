/*
 * The machine's ceiling for a fused Adam step, in C, for comparison with the Java kernels. The
 * report (docs/benchmarks.md) builds and runs it beside every Adam figure when a C compiler is
 * present; by hand:
 *
 *   gcc -O3 -march=native -fno-math-errno -o /tmp/adam_ceiling jmh/ceiling/adam_ceiling.c -lm
 *   /tmp/adam_ceiling SIZE KERNEL [OFFSET_FLOATS [ELEMENTS]]
 *
 * KERNEL is adam (the library's Adam step, its float operations in its order: 28 bytes per
 * element), sqrtdiv (one root and one division per element, nothing else: the divide unit's limit)
 * or triad (b[i] += s*c[i], 12 bytes per element). Arrays start 64-byte aligned plus OFFSET_FLOATS
 * floats (Java float arrays start 16 bytes into their object, so an offset of 4 imitates them).
 * Prints the median of 15 timed runs of about ELEMENTS elements each (default 1e9), in G
 * elements/s. Without -fno-math-errno, gcc keeps sqrtf scalar.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The library's order: m, v, r = m / (sqrt(v)/sqrt(bc2) + eps), u = step * r, p - u (update output exact). */
__attribute__((noinline)) static void adam(float *restrict p, const float *restrict g, float *restrict m,
                                           float *restrict v, long n, float b1, float c1, float b2, float c2,
                                           float eps, float inv_sqrt_bc2, float step) {
    for (long i = 0; i < n; i++) {
        float mi = fmaf(b1, m[i], c1 * g[i]);
        float vi = fmaf(c2 * g[i], g[i], b2 * v[i]);
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] - step * (mi / fmaf(sqrtf(vi), inv_sqrt_bc2, eps));
    }
}

__attribute__((noinline)) static void sqrtdiv(float *restrict out, const float *restrict v, long n) {
    for (long i = 0; i < n; i++) {
        out[i] = v[i] / sqrtf(v[i]);
    }
}

__attribute__((noinline)) static void triad(float *restrict b, const float *restrict c, long n, float s) {
    for (long i = 0; i < n; i++) {
        b[i] += s * c[i];
    }
}

static float *array(long n, long offset, float value) {
    float *a = (float *) aligned_alloc(64, (size_t) (n + offset + 16) * sizeof(float)) + offset;
    for (long i = 0; i < n; i++) {
        a[i] = value;
    }
    return a;
}

static int ascending(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SIZE adam|sqrtdiv|triad [OFFSET_FLOATS [ELEMENTS]]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]);
    const char *kernel = argv[2];
    long offset = argc > 3 ? atol(argv[3]) : 0;
    long elements = argc > 4 ? atol(argv[4]) : 1000000000L;
    if (n < 1 || offset < 0 || elements < 1) {
        fprintf(stderr, "SIZE and ELEMENTS must be positive, OFFSET_FLOATS not negative\n");
        return 2;
    }
    float *p = array(n, offset, 1.0f), *g = array(n, offset, 0.01f);
    float *m = array(n, offset, 0.0f), *v = array(n, offset, 1e-4f);
    long reps = elements / n + 1;
    double rates[15];
    for (int r = 0; r < 15; r++) {
        double start = seconds();
        for (long k = 0; k < reps; k++) {
            if (!strcmp(kernel, "adam")) {
                adam(p, g, m, v, n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 1.0f, 1e-3f);
            } else if (!strcmp(kernel, "sqrtdiv")) {
                sqrtdiv(p, v, n);
            } else {
                triad(p, g, n, 1e-9f);
            }
        }
        rates[r] = reps * (double) n / (seconds() - start) / 1e9;
    }
    qsort(rates, 15, sizeof(double), ascending);
    printf("%s n=%ld offset=%ld floats: median %.3f G elements/s (min %.3f, max %.3f)\n",
           kernel, n, offset, rates[7], rates[0], rates[14]);
    return 0;
}
