/* chain.c: exact propagator of a linear reaction chain by scaling and squaring (docs/model.md
 * section 2). The chain is stiff (minutes against months), so it is never stepped numerically:
 * each step multiplies by exp(A h), computed once per run. */
#include "model/chain.h"

#include <math.h>
#include <string.h>

typedef double mat_t[BONT_CHAIN_MAX][BONT_CHAIN_MAX];

static void mat_mul(const mat_t a, const mat_t b, int n, mat_t out)
{
    mat_t r;
    memset(r, 0, sizeof r);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) { /* lower triangular times lower triangular */
            double s = 0.0;
            for (int m = j; m <= i; m++)
                s += a[i][m] * b[m][j];
            r[i][j] = s;
        }
    memcpy(out, r, sizeof r);
}

void bont__expm_lower(const double a_in[BONT_CHAIN_MAX][BONT_CHAIN_MAX], int n, double h,
                      double out[BONT_CHAIN_MAX][BONT_CHAIN_MAX])
{
    mat_t a, term, sum;
    memset(a, 0, sizeof a);
    double norm = 0.0;
    for (int i = 0; i < n; i++) {
        double row = 0.0;
        for (int j = 0; j <= i; j++) {
            a[i][j] = a_in[i][j] * h;
            row += fabs(a[i][j]);
        }
        if (row > norm)
            norm = row;
    }
    /* Scale so that ||A h / 2^s|| <= 1/4; 18 Taylor terms then leave an error far below 1e-16. */
    int s = 0;
    while (norm > 0.25 && s < 60) {
        norm *= 0.5;
        s++;
    }
    double scale = ldexp(1.0, -s);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            a[i][j] *= scale;
    memset(sum, 0, sizeof sum);
    memset(term, 0, sizeof term);
    for (int i = 0; i < n; i++)
        sum[i][i] = term[i][i] = 1.0;
    for (int m = 1; m <= 18; m++) {
        mat_mul(term, a, n, term);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                term[i][j] /= m;
                sum[i][j] += term[i][j];
            }
    }
    for (int q = 0; q < s; q++)
        mat_mul(sum, sum, n, sum);
    memset(out, 0, sizeof(mat_t));
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            out[i][j] = sum[i][j];
}

void bont__chain_propagator(const double *k, int n, double h,
                            double out[BONT_CHAIN_MAX][BONT_CHAIN_MAX])
{
    mat_t a;
    memset(a, 0, sizeof a);
    for (int i = 0; i < n; i++) {
        a[i][i] = -k[i];
        if (i > 0)
            a[i][i - 1] = k[i - 1];
    }
    bont__expm_lower(a, n, h, out);
}

void bont__chain_apply(const double p[BONT_CHAIN_MAX][BONT_CHAIN_MAX], int n, double *x)
{
    double y[BONT_CHAIN_MAX];
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j <= i; j++)
            s += p[i][j] * x[j];
        y[i] = s;
    }
    memcpy(x, y, (size_t)n * sizeof *x);
}

double bont__chain_closed_form_last(const double *k, int n, double t)
{
    /* lytic(t) = 1 - sum_i [prod_{j != i} k_j / (k_j - k_i)] exp(-k_i t), over the n - 1
     * transient states (model.md section 1.2). */
    double s = 0.0;
    for (int i = 0; i < n - 1; i++) {
        double c = 1.0;
        for (int j = 0; j < n - 1; j++)
            if (j != i)
                c *= k[j] / (k[j] - k[i]);
        s += c * exp(-k[i] * t);
    }
    return 1.0 - s;
}

void bont__uptake_matrix(const bont_params_t *p, int sero, double a[BONT_CHAIN_MAX][BONT_CHAIN_MAX])
{
    const double min_per_day = 1440.0;
    memset(a, 0, sizeof(double[BONT_CHAIN_MAX][BONT_CHAIN_MAX]));
    double k[4] = {p->k_bulk_per_min * min_per_day, p->k_bind_per_min * min_per_day,
                   p->k_endo_per_min * min_per_day, p->k_transloc_per_min * min_per_day};
    double k_lc = M_LN2 / p->lc_half_life_d[sero];
    for (int r = 0; r < 4; r++) {
        a[r][r] = -k[r];
        if (r > 0)
            a[r][r - 1] = k[r - 1];
    }
    a[4][3] = (1.0 - p->lc_slow_fraction) * k[3];
    a[5][3] = p->lc_slow_fraction * k[3];
    a[4][4] = -k_lc;
    a[5][5] = -k_lc / p->lc_slow_factor;
}
