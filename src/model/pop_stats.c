/* pop_stats.c: exact percentiles for the population engine. Daily effects are quantized to 16
 * bits, so an order statistic is found by radix selection (two counting passes, no sorting, no
 * copies); readouts are sorted by a radix sort of their float bits. */
#include "model/pop_stats.h"

#include <math.h>
#include <string.h>

/* Radix selection: one pass counts the high bytes, which tells the bucket of every rank asked
 * for; a second pass counts the low bytes of the values in those buckets only. Exact, two reads
 * of the data, no copies. */
void bont__pop_quantiles_u16(const uint16_t *x, size_t n, const double *p, size_t np, double *out)
{
    enum { MAX_Q = 8 };
    size_t ranks[2 * MAX_Q];
    double frac[MAX_Q];
    size_t n_ranks = 0;
    np = np < MAX_Q ? np : MAX_Q;
    for (size_t q = 0; q < np; q++) {
        double h = (double)(n - 1) * p[q];
        size_t r = (size_t)floor(h);
        r = r >= n - 1 ? n - 1 : r;
        frac[q] = h - (double)r;
        ranks[n_ranks++] = r;
        ranks[n_ranks++] = r + 1 < n ? r + 1 : r;
    }
    /* Pass 1: high bytes, four interleaved tables so that repeated values do not stall on one
     * counter. */
    uint32_t hi4[4][256];
    memset(hi4, 0, sizeof hi4);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        hi4[0][x[i] >> 8]++;
        hi4[1][x[i + 1] >> 8]++;
        hi4[2][x[i + 2] >> 8]++;
        hi4[3][x[i + 3] >> 8]++;
    }
    for (; i < n; i++)
        hi4[0][x[i] >> 8]++;
    size_t below[257];
    below[0] = 0;
    for (int b = 0; b < 256; b++)
        below[b + 1] = below[b] + hi4[0][b] + hi4[1][b] + hi4[2][b] + hi4[3][b];
    /* The bucket of each rank, and a slot per distinct bucket. */
    uint8_t slot_of[256];
    memset(slot_of, 0, sizeof slot_of);
    int bucket[2 * MAX_Q], n_slots = 0;
    for (size_t k = 0; k < n_ranks; k++) {
        int b = 0;
        while (below[b + 1] <= ranks[k])
            b++;
        bucket[k] = b;
        if (!slot_of[b])
            slot_of[b] = (uint8_t)++n_slots;
    }
    /* Pass 2: low bytes within those buckets; every other value goes to table 0, unread, so
     * the loop has no branch to mispredict. */
    uint32_t lo[2 * MAX_Q + 1][256];
    memset(lo, 0, (size_t)(n_slots + 1) * sizeof lo[0]);
    for (i = 0; i < n; i++)
        lo[slot_of[x[i] >> 8]][x[i] & 255]++;
    uint16_t value[2 * MAX_Q];
    for (size_t k = 0; k < n_ranks; k++) {
        const uint32_t *h = lo[slot_of[bucket[k]]];
        size_t left = ranks[k] - below[bucket[k]], c = 0;
        int v = 0;
        while (c + h[v] <= left)
            c += h[v++];
        value[k] = (uint16_t)((bucket[k] << 8) | v);
    }
    for (size_t q = 0; q < np; q++) {
        double a = value[2 * q], b = value[2 * q + 1];
        out[q] = a + frac[q] * (b - a);
    }
}

/* ---- Floats ------------------------------------------------------------------------------ */

/* A key whose unsigned order is the numeric order; NAN sorts above +infinity. */
static uint32_t key_of(float v)
{
    uint32_t u;
    if (isnan(v))
        return 0xffffffffu;
    if (v == 0.0f)
        v = 0.0f; /* -0 and +0 are equal */
    memcpy(&u, &v, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static float value_of(uint32_t k)
{
    uint32_t u = (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* LSD radix sort of n keys in three 11-bit digits; the result ends in a. */
static void radix_sort(uint32_t *a, uint32_t *tmp, size_t n)
{
    size_t count[2048];
    uint32_t *src = a, *dst = tmp;
    for (int shift = 0; shift < 33; shift += 11) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & 2047]++;
        size_t sum = 0;
        for (int b = 0; b < 2048; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 2047]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

void bont__pop_quantiles_f32(const float *x, size_t n, const double *p, size_t np, double *out,
                             uint32_t *scratch)
{
    uint32_t *keys = scratch, *tmp = scratch + n;
    for (size_t i = 0; i < n; i++)
        keys[i] = key_of(x[i]);
    radix_sort(keys, tmp, n);
    for (size_t q = 0; q < np; q++) {
        double h = (double)(n - 1) * p[q];
        size_t r = (size_t)floor(h);
        if (r >= n - 1)
            r = n - 1;
        double frac = h - (double)r;
        float a = value_of(keys[r]);
        float b = (frac > 0.0 && r + 1 < n) ? value_of(keys[r + 1]) : a;
        if (keys[r] == 0xffffffffu || (frac > 0.0 && keys[r + 1] == 0xffffffffu))
            out[q] = NAN;
        else
            out[q] = (double)a + frac * ((double)b - (double)a);
    }
}
