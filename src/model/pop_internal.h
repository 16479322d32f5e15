/* pop_internal.h: the state of one population run, shared by the files of the population engine
 * (population.c runs it; pop_layout.c, pop_random.c, pop_work.c and pop_summary.c do its
 * parts). Nothing outside src/model/pop_*.c and population.c uses it. */
#ifndef BONT_MODEL_POP_INTERNAL_H
#define BONT_MODEL_POP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bont/population.h"
#include "model/pop_kernel.h"
#include "model/spread_internal.h"
#include "util/pool.h"

#define BONT__POP_W             BONT_POP_LANES
#define BONT__POP_MAX_VAR       32      /* deviates of data/variability.json */
#define BONT__POP_MAX_SESSIONS  64      /* history sessions plus the plan */
#define BONT__POP_QUANT_SCALE   65535.0 /* daily effects are kept as round(fraction * 65535) */
#define BONT__POP_DAYS_PER_ITEM 8       /* days per percentile work item */
#define BONT__POP_SPD_SCALAR    10      /* steps per day of the scalar engine, as bont simulate */

struct bont_pop_t {
    const bont_model_t *model;
    int days;
    size_t n_patients;
    uint64_t seed;
    bont_pop_result_t *res; /* n_res */
    size_t n_res;
    double *daily;   /* n_res x 3 x (days + 1): p5, p50, p95 */
    float *readouts; /* n_res x BONT_POP_N_READOUTS x n_patients */
    float *peaks;    /* n_res x n_patients, percent */
    float *trace;    /* n_res x n_trace x (days + 1): opts.trace_patients' daily effect */
    size_t n_trace;
    /* opts.keep_inputs: */
    bont_params_t *pp; /* n_pad patients' parameters */
    double *conc;      /* n_res x n_events x n_pad: U/mL in the compartment */
    double *escale;    /* n_res x n_pad: the compartment's share of the structure */
    size_t n_pad, n_events;
    double ev_t[BONT__POP_MAX_SESSIONS]; /* event times */
    int ev_sero[BONT__POP_MAX_SESSIONS]; /* event serotypes */
    double day0;
    /* The plan as a whole (batched engine). */
    bool has_plan;
    bont_pop_plan_t plan;
    double *responders; /* days + 1 */
    float *plan_ro;     /* BONT_POP_N_PLAN_READOUTS x n_patients */
};

typedef struct bont__pop_session_t {
    double t_days;                 /* from the first session */
    const bont_product_t *product; /* kb-owned */
    double units_factor;           /* ona-eq units over the plan's (history), 1 for the plan */
    int channel;                   /* index into bont__pop_run_t.sero */
    size_t step;                   /* grid index */
} bont__pop_session_t;

typedef struct bont__pop_thread_buf_t {
    float *effect;          /* (K + 1) x W samples of the batched kernel */
    float *kscratch;        /* BONT_POP_SCRATCH(K) floats for the kernel */
    bont_pop_prop_t *props; /* one block's propagators, per serotype (setup) */
    double *s_effect;       /* scalar engine trace */
    uint32_t *scratch;      /* 2 n words for readout percentiles */
    double *xbuf;           /* exposure of one patient: 3 n_xs + n_sites doubles */
} bont__pop_thread_buf_t;

typedef struct bont__pop_run_t {
    const bont_kb_t *kb;
    const bont_plan_t *plan;
    bont_pop_opts_t o;
    bont_params_t median;
    const bont_variability_t *var;
    size_t n, n_pad, n_blocks, n_var;
    /* Layout: sessions, serotypes, structures. */
    bont__pop_session_t sess[BONT__POP_MAX_SESSIONS];
    size_t n_sess;
    int sero[BONT_SERO_COUNT];
    int n_sero;
    bont_target_t *tg; /* n_struct */
    double *scale;     /* n_struct: whole structure's loss per loss in the simulated tissue: 1,
                          the kernel gives the whole structure's effect (scale x e_f) */
    double *w_plan;    /* n_struct: share of the plan's units injected into it (plan effect) */
    size_t n_struct;
    /* Exposure (docs/model.md 1.2-1.4): laid out once; simulated structure j is exposure
     * structure xmap[j] (every one with spread, the injected ones without). */
    bont_spread_t *own_spread;
    const bont_spread_t *sp;
    bont_exposure_layout_t *xl;
    size_t n_xs, n_sites;
    size_t *xmap;
    /* A risk-only run simulates few structures: the injections that target or neighbour one of
     * them (n_sel of them in sel; sel NULL: every injection), and which exposure structures
     * those are (xneed, n_xs; NULL: all). */
    size_t *sel, n_sel;
    bool *xneed;
    bont__reach_layout_t *reach; /* the v1 reach, for the risks' reasons only */
    double t_shift;              /* output day 0 on the grid */
    bont_pop_grid_t grid;
    size_t k0;         /* readouts start here (the plan's session) */
    size_t k_peak_end; /* last sample of the structures' peaks (opts.peak_days) */
    /* Per patient and block. */
    bont_params_t *pp; /* n_pad */
    double *conc;      /* n_struct x n_sess x n_pad: U/mL (ona-eq) in the compartment */
    double *escale;    /* n_struct x n_pad: the compartment's share of the structure */
    bont_pop_block_t *blocks;
    float *imp; /* n_blocks x n_sess x BONT_POP_IMPULSE(K): light chain per unit captured */
    /* The plan-level effect of every patient on the grid (batched engine): n_blocks x (K + 1)
     * x W, and per block the patients at or above the response threshold on each output day. */
    float *plan_eff;
    uint8_t *resp_count;         /* n_blocks x (days + 1) */
    double thr_notice, thr_resp; /* fractions */
    bont_pop_plan_t pop_plan;    /* the plan result's thresholds */
    /* The structure being run: its daily values of every patient, quantized. */
    size_t cur;
    uint16_t *q_eff; /* (days + 1) x n */
    bont_pop_t *pop;
    bont__pop_thread_buf_t *tb;
    bont__pool_t pool;
} bont__pop_run_t;

/* ---- pop_random.c: counter-based deviates -------------------------------------------------- */

/* Uniform deviate number `index` of patient `patient` under seed, in (0, 1): the hash of
 * bont_pop_normal before its inverse normal CDF. */
double bont__pop_uniform(uint64_t seed, uint64_t patient, uint32_t index);
/* The same deviates in two steps, for drawing many of one patient (one per plan site): the
 * patient's part of the hash once, then each index's. */
uint64_t bont__pop_stream(uint64_t seed, uint64_t patient);
double bont__pop_uniform_of(uint64_t stream, uint32_t index);

/* ---- pop_layout.c: what a run simulates ------------------------------------------------------ */

int bont__pop_layout_sessions(bont__pop_run_t *r, bont_error_t *err);
int bont__pop_layout_structures(bont__pop_run_t *r, bont_error_t *err);
int bont__pop_build_grid(bont__pop_run_t *r, bont_error_t *err);

/* ---- pop_work.c: the model for blocks of patients ---------------------------------------------
 */

/* Work item b: block b's parameters and exposure (and the batched engine's block constants). */
void bont__pop_item_setup(void *ctx, size_t b, int tid);
/* Work item b: structure r->cur for block b (batched kernel or scalar engine). */
void bont__pop_item_kernel(void *ctx, size_t b, int tid);
/* Work item b: block b's plan-level readouts and responders (batched engine). */
void bont__pop_item_plan(void *ctx, size_t b, int tid);

/* ---- pop_summary.c: percentiles and results -------------------------------------------------- */

/* Work item i: the daily 5th, 50th and 95th percentiles of structure r->cur for days
 * [8 i, 8 i + 8). */
void bont__pop_item_daily(void *ctx, size_t item, int tid);
/* Work item j * (N_READOUTS + 1) + k: percentiles of readout k of structure j, or (k =
 * N_READOUTS) its median dose. */
void bont__pop_item_readouts(void *ctx, size_t item, int tid);
/* Structure j's result once its percentiles are in. */
void bont__pop_finish_result(bont__pop_run_t *r, size_t j);
/* The plan-level result once every block's readouts are in (batched engine). */
int bont__pop_finish_plan(bont__pop_run_t *r, bont_error_t *err);

/* Fails the run from a worker with rc and a message. */
void bont__pop_fail(bont__pop_run_t *r, int rc, const char *message);

#endif
