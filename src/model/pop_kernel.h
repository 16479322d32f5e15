/* pop_kernel.h: the bont model's equations for a block of virtual patients at once, one patient
 * per float lane (internal to the population engine; docs/performance.md, "Population"). */
#ifndef BONT_MODEL_POP_KERNEL_H
#define BONT_MODEL_POP_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bont/model.h"

#define BONT_POP_LANES      16 /* patients per block (one AVX-512 register of floats) */
#define BONT_POP_NH         5  /* step sizes of the grid (bont__pop_h_days) */
#define BONT_POP_NPROP      21 /* entries of a 6 x 6 lower-triangular propagator */
#define BONT_POP_NX         6  /* chain states: bulk, free, bound, translocated, light, slow pool */
#define BONT_POP_MAX_EVENTS 64 /* dose events (a serotype at a session) per plan */

/* Step sizes, days: binary fractions, so every grid time is exact and whole days are on it. */
extern const double bont__pop_h_days[BONT_POP_NH];

/* The time grid every patient shares: fine steps after each session, where the effect sets in
 * quickly, coarser ones later (docs/performance.md explains the choice and its error). */
typedef struct bont_pop_grid_t {
    size_t n_steps;      /* K; samples 0..K */
    double *t_days;      /* K + 1 times from the first session, days (owned) */
    uint8_t *h_class;    /* K step-size classes: step k -> k+1 is bont__pop_h_days[h_class[k]] */
    size_t *day_step;    /* output day d (0..days) -> its sample index (owned) */
    int days;            /* output days */
    size_t first_output; /* sample index of output day 0 */
} bont_pop_grid_t;

/* Builds the grid over [0, t_out_days + days] with sessions at the whole days session_days[]
 * (ascending, the first 0); output day 0 is t_out_days (a whole day). */
int bont__pop_grid_build(const double *session_days, size_t n_sessions, double t_out_days, int days,
                         bont_pop_grid_t *out);
void bont__pop_grid_clear(bont_pop_grid_t *g);
/* Sample index of time t (a grid time), or (size_t)-1. */
size_t bont__pop_grid_index(const bont_pop_grid_t *g, double t_days);

/* A block's model constants, one lane per patient. Arrays are lane-minor so a kernel loads a
 * vector of lanes with one instruction. */
typedef struct bont_pop_block_t {
    _Alignas(64) float km[BONT_POP_LANES]; /* SNARE cleavage, section 3 */
    float kcl[BONT_POP_LANES], ksyn[BONT_POP_LANES], coop[BONT_POP_LANES];
    float mu[BONT_POP_LANES], inv_sigma[BONT_POP_LANES]; /* junction, section 5 */
    float phi0[BONT_POP_LANES], inv_1m_phi0[BONT_POP_LANES];
    float r_cut[BONT_POP_LANES]; /* release above which no fibre fails (Phi < 1e-9) */
    float csat[BONT_POP_LANES];  /* capture, section 1.5 */
    float beta[BONT_POP_LANES];  /* share of atrophy in the effect (6.3) */
    float amax[BONT_TISSUE_COUNT][BONT_POP_LANES];                   /* atrophy ceiling, 6 */
    float spmax[BONT_TISSUE_COUNT][BONT_POP_LANES];                  /* sprouting, section 4 */
    float sprout[BONT_TISSUE_COUNT][BONT_POP_NH][3][BONT_POP_LANES]; /* decay, w0, w1 */
    float atro_up[BONT_POP_NH][3][BONT_POP_LANES];                   /* atrophy building */
    float atro_dn[BONT_POP_NH][3][BONT_POP_LANES];                   /* and being regained */
    bool coop3;                                                      /* every lane has n = 3 */
} bont_pop_block_t;

/* Propagators of the uptake chain of one serotype for one block: [h class][entry][lane],
 * entries of exp(A h) and of exp(A h / 2) (the step's midpoint) row by row (lower triangle). */
typedef struct bont_pop_prop_t {
    _Alignas(64) float p[BONT_POP_NH][BONT_POP_NPROP][BONT_POP_LANES];
    float half[BONT_POP_NH][BONT_POP_NPROP][BONT_POP_LANES];
    float ffast[BONT_POP_LANES]; /* share of a captured dose entering at "free" (1.6) */
} bont_pop_prop_t;

/* Fills lane `lane` of b (and of props[c] for each of the n_sero serotypes sero[c]) from one
 * patient's parameters. Every lane must be given a patient. */
void bont__pop_block_set_lane(bont_pop_block_t *b, bont_pop_prop_t *props, const int *sero,
                              int n_sero, int lane, const bont_params_t *p);
/* Derived constants of every lane (call after the last bont__pop_block_set_lane). */
void bont__pop_block_finish(bont_pop_block_t *b);

/* The uptake chain is linear and the same in every structure of a patient (section 2), so its
 * light chain (both pools) per unit captured at sample k_dose (a share f_fast of it entering at
 * "free", the rest in the depot: equation 1.6) is computed once per patient and
 * serotype: out[k * LANES + lane], k = 0..K, is 0 up to k_dose and then the light chain at the
 * sample; out[(K + 1 + k) * LANES + lane], k = 0..K-1, the same at the midpoint of step k.
 * BONT_POP_IMPULSE(K) floats. */
#define BONT_POP_IMPULSE(K) ((2 * (size_t)(K) + 1) * BONT_POP_LANES)
void bont__pop_impulse(const bont_pop_grid_t *g, const bont_pop_prop_t *prop, size_t k_dose,
                       float *out);

/* One structure's inputs for a block: its dose events (one serotype at a session), each with
 * the exposure of every lane's patient (docs/model.md 1.4 and 12.5): the compartment's
 * concentration and its share of the structure. */
typedef struct bont_pop_target_in_t {
    bont_tissue_t tissue;
    size_t n_events;
    const size_t *event_step;   /* grid index of each event (ascending) */
    const int *event_substrate; /* 0 SNAP-25 (A, C1, E), 1 VAMP (B, F) */
    const float *conc;          /* [event][lane]: U/mL (ona-eq) in the compartment */
    const float *scale;         /* [event][lane]: the compartment's share of the structure */
    const float *const *imp;    /* per event: bont__pop_impulse of its serotype and step */
} bont_pop_target_in_t;

/* Runs the structure for the block over the whole grid: the whole structure's effect (fraction,
 * scale x e_f, equation 6.4) at every sample into effect[(K + 1) * LANES], sample-major; CMAP
 * (fraction, 1 - scale F) into cmap likewise when not NULL and the tissue has a junction.
 * scratch holds BONT_POP_SCRATCH(K) floats. */
#define BONT_POP_SCRATCH(K) (4 * ((size_t)(K) + 1) * BONT_POP_LANES)
void bont__pop_kernel(const bont_pop_grid_t *g, const bont_pop_block_t *b,
                      const bont_pop_target_in_t *in, float *effect, float *cmap, float *scratch);

/* Readouts of each lane of a block's effect samples, measured from sample k0 (time t0_days),
 * with the rules of bont_readouts_at on the grid's own samples (unrounded): the clinical ones at
 * the perceptible and response thresholds (fractions; 0: not computed, NAN). peak_frac receives
 * the peak of each lane. */
void bont__pop_readouts(const bont_pop_grid_t *g, const float *effect, size_t k0, double t0_days,
                        double perceptible_frac, double response_frac,
                        bont_readouts_t out[BONT_POP_LANES], float peak_frac[BONT_POP_LANES]);

/* The samples of output days 0..g->days of a block, as 16-bit fractions round(f * 65535) with f
 * clamped to 0..1, into rows[d * stride + col + lane] for lane < lanes. */
void bont__pop_quantize_days(const bont_pop_grid_t *g, const float *samples, uint16_t *rows,
                             size_t stride, size_t col, size_t lanes);

/* Instruction sets: the kernels exist for AVX-512 (16 lanes a vector), AVX2 (8) and the x86-64
 * baseline or any other target (4); the best the CPU runs is used unless a test forces one.
 * Returns the name of the one in use ("avx512", "avx2", "generic"). */
const char *bont__pop_isa(void);
/* Forces an instruction set by name (NULL: automatic); BONT_EINVAL when the CPU lacks it. */
int bont__pop_isa_force(const char *name);

/* The vector functions applied to n floats, for their tests: exp and log have a relative error
 * of about 1e-7, erfc an absolute error below 5e-7 (tests/test_population.c measures them). */
void bont__pop_exp_array(const float *x, float *y, size_t n);
void bont__pop_log_array(const float *x, float *y, size_t n);
void bont__pop_erfc_array(const float *x, float *y, size_t n);

#endif
