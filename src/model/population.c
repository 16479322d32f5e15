/* population.c: virtual patients (issue 4): parameter variability from data/variability.json,
 * counter-based deviates, each patient's spread, the batched kernel over blocks of patients on
 * worker threads, and exact percentiles per structure and day (docs/performance.md). */
#include "bont/population.h"
#include "model/paramfile.h"
#include "util/normal.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb/embedded.h"
#include "model/pop_kernel.h"
#include "model/pop_stats.h"
#include "util/text.h"

#define W             BONT_POP_LANES
#define MAX_VAR       32      /* deviates of data/variability.json */
#define MAX_SPREAD_Z  8       /* deviates of the spread model */
#define MAX_PER_ENTRY 8       /* parameters moved by one deviate */
#define MAX_SESSIONS  64      /* history sessions plus the plan */
#define QUANT_SCALE   65535.0 /* daily effects are kept as round(fraction * 65535) */
#define DAYS_PER_ITEM 8       /* days per percentile work item */
#define SPD_SCALAR    10      /* steps per day of the scalar engine, as bont simulate */

/* ---- Variability --------------------------------------------------------------------------- */

typedef struct var_entry_t {
    char name[64];
    double sd;
    bool logit;
    size_t n_params;
    size_t offset[MAX_PER_ENTRY]; /* byte offsets into bont_params_t */
} var_entry_t;

struct bont_variability_t {
    var_entry_t e[MAX_VAR];
    size_t n;
};

static const bont_param_info_t *param_named(const char *name)
{
    size_t n;
    const bont_param_info_t *t = bont_params_table(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

int bont_variability_parse(bont_variability_t **out, const char *text, size_t len,
                           const char *filename, bont_error_t *err)
{
    *out = NULL;
    int rc = 0;
    json_t *root = bont_json_parse_text(text, len, filename, err);
    if (!root)
        return BONT_EPARSE;
    bont_variability_t *v = calloc(1, sizeof *v);
    json_t *arr = json_object_get(root, "parameters");
    if (!v) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    if (!json_is_array(arr) || json_array_size(arr) > MAX_VAR) {
        bont_error_setf(err, "parameters", "expected an array \"parameters\" of at most %d entries",
                        MAX_VAR);
        rc = BONT_EMISSING;
        goto cleanup;
    }
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "parameters[%zu]", i);
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *source = json_string_value(json_object_get(e, "source"));
        const char *transform = json_string_value(json_object_get(e, "transform"));
        json_t *sd = json_object_get(e, "sd"), *params = json_object_get(e, "params");
        if (!name || !*name || !source || !*source || !json_is_number(sd) ||
            !json_is_array(params) || json_array_size(params) == 0) {
            bont_error_setf(err, path,
                            "each entry needs name, sd, params (a non-empty array of "
                            "parameter names) and source");
            rc = BONT_EMISSING;
            goto cleanup;
        }
        var_entry_t *ve = &v->e[v->n++];
        snprintf(ve->name, sizeof ve->name, "%s", name);
        ve->sd = json_number_value(sd);
        if (!isfinite(ve->sd) || ve->sd < 0.0 || ve->sd > 3.0) {
            bont_error_setf(err, path, "sd of %s must be a number from 0 to 3 (got %g)", name,
                            ve->sd);
            rc = BONT_ERANGE;
            goto cleanup;
        }
        if (transform && strcmp(transform, "logit") == 0)
            ve->logit = true;
        else if (transform && strcmp(transform, "log") != 0) {
            bont_error_setf(err, path, "transform must be \"log\" or \"logit\" (got \"%s\")",
                            transform);
            rc = BONT_ERANGE;
            goto cleanup;
        }
        size_t j;
        json_t *pn;
        json_array_foreach(params, j, pn)
        {
            const bont_param_info_t *info = param_named(json_string_value(pn));
            if (!info || j >= MAX_PER_ENTRY) {
                bont_error_setf(err, path, "%s: unknown model parameter \"%s\" (or more than %d)",
                                name, json_string_value(pn) ? json_string_value(pn) : "",
                                MAX_PER_ENTRY);
                rc = BONT_EUNKNOWN;
                goto cleanup;
            }
            for (size_t k = 0; k + 1 < v->n; k++)
                for (size_t m = 0; m < v->e[k].n_params; m++)
                    if (v->e[k].offset[m] == info->offset) {
                        bont_error_setf(err, path, "%s is moved by two entries (%s and %s)",
                                        info->name, v->e[k].name, name);
                        rc = BONT_ECONFLICT;
                        goto cleanup;
                    }
            ve->offset[ve->n_params++] = info->offset;
        }
    }
    *out = v;
    v = NULL;
cleanup:
    free(v);
    json_decref(root);
    return rc;
}

int bont_variability_load(bont_variability_t **out, bont_error_t *err)
{
    const bont_embedded_file_t *f = bont_embedded_find("variability.json");
    if (!f) {
        *out = NULL;
        bont_error_setf(err, NULL, "variability.json is not embedded in this build");
        return BONT_ENOTFOUND;
    }
    return bont_variability_parse(out, f->data, f->size, "data/variability.json", err);
}

int bont_variability_load_file(bont_variability_t **out, const char *path, bont_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    int rc = bont_read_file(path, &text, &len);
    if (rc) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        bont_error_setf(err, NULL, "cannot read the variability file");
        return rc;
    }
    rc = bont_variability_parse(out, text, len, path, err);
    free(text);
    return rc;
}

void bont_variability_free(bont_variability_t **v)
{
    if (v) {
        free(*v);
        *v = NULL;
    }
}

size_t bont_variability_n_random(const bont_variability_t *v)
{
    return v ? v->n : 0;
}

const char *bont_variability_name(const bont_variability_t *v, size_t i)
{
    return v && i < v->n ? v->e[i].name : NULL;
}

double *bont_variability_sd(bont_variability_t *v, size_t i)
{
    return v && i < v->n ? &v->e[i].sd : NULL;
}

void bont_variability_apply(const bont_variability_t *v, const bont_params_t *median,
                            const double *z, bont_params_t *out)
{
    *out = *median;
    for (size_t i = 0; v && i < v->n; i++) {
        const var_entry_t *ve = &v->e[i];
        for (size_t j = 0; j < ve->n_params; j++) {
            double *f = (double *)((char *)out + ve->offset[j]);
            if (ve->logit) {
                double m = fmin(fmax(*f, 1e-12), 1.0 - 1e-12);
                *f = 1.0 / (1.0 + exp(-(log(m / (1.0 - m)) + ve->sd * z[i])));
            } else {
                *f *= exp(ve->sd * z[i]);
            }
        }
    }
}

/* ---- Deviates -------------------------------------------------------------------------------
 */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double bont_pop_normal(uint64_t seed, uint64_t patient, uint32_t index)
{
    uint64_t h = mix64(mix64(seed ^ 0x5851f42d4c957f2dull) + patient * 0x9e3779b97f4a7c15ull);
    h = mix64(h + ((uint64_t)index + 1) * 0xd1b54a32d192ed03ull);
    double u = ((double)(h >> 11) + 0.5) * 0x1.0p-53; /* (0, 1), never 0 or 1 */
    return bont_normal_quantile(u);
}

/* ---- The population ------------------------------------------------------------------------ */

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
    double *dose;      /* n_res x n_events x n_pad: ona-eq units */
    size_t n_pad, n_events;
    double ev_t[64]; /* event times */
    int ev_sero[64]; /* event serotypes */
    double day0;
};

void bont_pop_free(bont_pop_t **pp)
{
    if (!pp || !*pp)
        return;
    bont_pop_t *p = *pp;
    free(p->res);
    free(p->daily);
    free(p->readouts);
    free(p->peaks);
    free(p->trace);
    free(p->pp);
    free(p->dose);
    free(p);
    *pp = NULL;
}

size_t bont_pop_n_results(const bont_pop_t *pop)
{
    return pop ? pop->n_res : 0;
}

const bont_pop_result_t *bont_pop_result(const bont_pop_t *pop, size_t i)
{
    return pop && i < pop->n_res ? &pop->res[i] : NULL;
}

int bont_pop_days(const bont_pop_t *pop)
{
    return pop ? pop->days : 0;
}

size_t bont_pop_n_patients(const bont_pop_t *pop)
{
    return pop ? pop->n_patients : 0;
}

uint64_t bont_pop_seed(const bont_pop_t *pop)
{
    return pop ? pop->seed : 0;
}

const bont_model_t *bont_pop_model(const bont_pop_t *pop)
{
    return pop ? pop->model : NULL;
}

const float *bont_pop_patient_readouts(const bont_pop_t *pop, size_t i, bont_pop_readout_t r)
{
    if (!pop || i >= pop->n_res || (unsigned)r >= BONT_POP_N_READOUTS)
        return NULL;
    return pop->readouts + (i * BONT_POP_N_READOUTS + (size_t)r) * pop->n_patients;
}

const float *bont_pop_patient_days(const bont_pop_t *pop, size_t i, size_t p)
{
    if (!pop || !pop->trace || i >= pop->n_res || p >= pop->n_trace)
        return NULL;
    return pop->trace + (i * pop->n_trace + p) * ((size_t)pop->days + 1);
}

int bont_pop_patient_inputs(const bont_pop_t *pop, size_t p, size_t i, bont_params_t *params,
                            bont_dose_t *doses, size_t max, size_t *n_doses)
{
    if (!pop || !pop->pp || p >= pop->n_patients || i >= pop->n_res)
        return BONT_EINVAL;
    if (params)
        *params = pop->pp[p];
    size_t n = 0;
    for (size_t e = 0; e < pop->n_events; e++) {
        double u = pop->dose[(i * pop->n_events + e) * pop->n_pad + p];
        if (u > 0.0 && n < max && doses)
            doses[n] = (bont_dose_t){
                .t_days = pop->ev_t[e], .serotype = (bont_serotype_t)pop->ev_sero[e], .ona_u = u};
        n += u > 0.0;
    }
    if (n_doses)
        *n_doses = n;
    return 0;
}

double bont_pop_day0(const bont_pop_t *pop)
{
    return pop ? pop->day0 : 0.0;
}

/* ---- Run state ----------------------------------------------------------------------------- */

typedef struct session_t {
    double t_days;                 /* from the first session */
    const bont_product_t *product; /* kb-owned */
    double scale;                  /* share of the plan's units (history), 1 for the plan */
    int channel;                   /* index into run_t.sero */
    size_t step;                   /* grid index */
} session_t;

typedef struct thread_buf_t {
    float *effect;          /* (K + 1) x W samples of the batched kernel */
    float *kscratch;        /* BONT_POP_SCRATCH(K) floats for the kernel */
    bont_pop_prop_t *props; /* one block's propagators, per serotype (setup) */
    double *s_effect;       /* scalar engine trace */
    uint32_t *scratch;      /* 2 n words for readout percentiles */
} thread_buf_t;

typedef struct run_t run_t;
typedef void (*item_fn_t)(run_t *r, size_t item, int tid);

struct run_t {
    const bont_kb_t *kb;
    const bont_plan_t *plan;
    bont_pop_opts_t o;
    bont_params_t median;
    const bont_variability_t *var;
    size_t n, n_pad, n_blocks, n_var, n_spread_z;
    /* Layout: sessions, serotypes, structures, reach entries. */
    session_t sess[MAX_SESSIONS];
    size_t n_sess;
    int sero[BONT_SERO_COUNT];
    int n_sero;
    double *ona;       /* n_sess x n_injections: units before shares */
    bont_target_t *tg; /* n_struct */
    double *scale;     /* n_struct: whole structure's loss per loss in the reached layer */
    size_t n_struct;
    size_t *entry_struct; /* n_entries */
    size_t *entry_inj;
    size_t n_entries;
    double t_shift; /* output day 0 on the grid */
    bont_pop_grid_t grid;
    size_t k0; /* readouts start here (the plan's session) */
    /* Per patient and block. */
    bont_params_t *pp; /* n_pad */
    double *dose;      /* n_struct x n_sess x n_pad: ona-eq units reaching the structure */
    bont_pop_block_t *blocks;
    float *imp; /* n_blocks x n_sess x BONT_POP_IMPULSE(K): light chain per unit captured */
    /* Spread layouts: each patient's spread deviates fall in one of M^d strata, and the spread
     * model runs once per stratum present (see spread_strata). */
    uint64_t *combo_key; /* n_pad: each patient's stratum */
    uint64_t *combos;    /* n_combos distinct strata, ascending */
    size_t n_combos;
    double *combo_share; /* n_combos x n_entries */
    /* The structure being run: its daily values of every patient, quantized. */
    size_t cur;
    uint16_t *q_eff; /* (days + 1) x n */
    bont_pop_t *pop;
    thread_buf_t *tb;
    /* Workers. */
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t bar_lock; /* a barrier whose count can shrink if a thread fails to start */
    pthread_cond_t bar_cond;
    int bar_count, bar_waiting;
    unsigned bar_gen;
    item_fn_t fn;
    size_t n_items;
    atomic_size_t next_item;
    atomic_size_t done_work;
    size_t total_work;
    bool quit;
    atomic_int failed;
    pthread_mutex_t err_lock;
    bont_error_t *err;
};

static void run_fail(run_t *r, int rc, const bont_error_t *e)
{
    pthread_mutex_lock(&r->err_lock);
    int expected = 0;
    if (atomic_compare_exchange_strong(&r->failed, &expected, rc) && r->err && e)
        *r->err = *e;
    pthread_mutex_unlock(&r->err_lock);
}

static void run_items(run_t *r, int tid)
{
    for (;;) {
        size_t i = atomic_fetch_add(&r->next_item, 1);
        if (i >= r->n_items)
            break;
        if (!atomic_load(&r->failed))
            r->fn(r, i, tid);
        size_t done = atomic_fetch_add(&r->done_work, 1) + 1;
        if (tid == 0 && r->o.progress)
            r->o.progress((double)done / (double)r->total_work, r->o.progress_user);
    }
}

static void barrier_wait(run_t *r)
{
    pthread_mutex_lock(&r->bar_lock);
    unsigned gen = r->bar_gen;
    if (++r->bar_waiting >= r->bar_count) {
        r->bar_waiting = 0;
        r->bar_gen++;
        pthread_cond_broadcast(&r->bar_cond);
    } else {
        while (gen == r->bar_gen)
            pthread_cond_wait(&r->bar_cond, &r->bar_lock);
    }
    pthread_mutex_unlock(&r->bar_lock);
}

static void *worker(void *arg)
{
    run_t *r = ((void **)arg)[0];
    int tid = (int)(intptr_t)((void **)arg)[1];
    free(arg);
    for (;;) {
        barrier_wait(r);
        if (r->quit)
            break;
        run_items(r, tid);
        barrier_wait(r);
    }
    return NULL;
}

/* Runs fn over items 0..n_items-1 on every thread; returns when all are done. */
static void parallel(run_t *r, item_fn_t fn, size_t n_items)
{
    r->fn = fn;
    r->n_items = n_items;
    atomic_store(&r->next_item, 0);
    barrier_wait(r);
    run_items(r, 0);
    barrier_wait(r);
}

/* Starts n_threads - 1 workers; with fewer (a failed pthread_create) the run goes on with the
 * ones that started. */
static void threads_start(run_t *r)
{
    pthread_mutex_init(&r->bar_lock, NULL);
    pthread_cond_init(&r->bar_cond, NULL);
    r->bar_count = 1;
    if (r->n_threads > 1)
        r->threads = calloc((size_t)r->n_threads, sizeof *r->threads);
    int started = 1;
    for (int t = 1; r->threads && t < r->n_threads; t++) {
        void **arg = malloc(2 * sizeof *arg);
        if (!arg)
            break;
        arg[0] = r;
        arg[1] = (void *)(intptr_t)t;
        pthread_mutex_lock(&r->bar_lock);
        r->bar_count++;
        pthread_mutex_unlock(&r->bar_lock);
        if (pthread_create(&r->threads[t], NULL, worker, arg) != 0) {
            free(arg);
            pthread_mutex_lock(&r->bar_lock);
            r->bar_count--;
            pthread_mutex_unlock(&r->bar_lock);
            break;
        }
        started++;
    }
    r->n_threads = started;
}

static void threads_stop(run_t *r)
{
    r->quit = true;
    barrier_wait(r);
    for (int t = 1; t < r->n_threads; t++)
        pthread_join(r->threads[t], NULL);
    free(r->threads);
    r->threads = NULL;
    pthread_mutex_destroy(&r->bar_lock);
    pthread_cond_destroy(&r->bar_cond);
}

/* ---- Layout -------------------------------------------------------------------------------- */

static int sero_channel(run_t *r, const bont_product_t *product, int *channel, bont_error_t *err)
{
    bont_serotype_t s;
    int rc = bont_product_serotype(product, &s, err);
    if (rc)
        return rc;
    for (int c = 0; c < r->n_sero; c++)
        if (r->sero[c] == (int)s) {
            *channel = c;
            return 0;
        }
    r->sero[r->n_sero] = (int)s;
    *channel = r->n_sero++;
    return 0;
}

static int cmp_session(const void *a, const void *b)
{
    const session_t *x = a, *y = b;
    if (x->t_days != y->t_days)
        return (x->t_days > y->t_days) - (x->t_days < y->t_days);
    return (x->channel > y->channel) - (x->channel < y->channel);
}

/* Sessions as bont_sim_add_plan builds them: with history, each earlier session of the same
 * indication split over the plan's muscles in the plan's proportions; day 0 of the output is
 * the plan's session. */
static int layout_sessions(run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    double total_u = 0.0, shift = 0.0;
    for (size_t i = 0; i < plan->n_injections; i++)
        total_u += plan->injections[i].units;
    if (r->o.with_history)
        for (size_t i = 0; i < plan->n_history; i++) {
            const bont_history_t *h = &plan->history[i];
            if (h->day < plan->day && h->indication == plan->indication && h->product &&
                (double)(plan->day - h->day) > shift)
                shift = (double)(plan->day - h->day);
        }
    int rc = 0;
    if (r->o.with_history && total_u > 0.0)
        for (size_t i = 0; i < plan->n_history && rc == 0; i++) {
            const bont_history_t *h = &plan->history[i];
            if (!(h->day < plan->day && h->indication == plan->indication && h->product))
                continue;
            if (r->n_sess + 1 >= MAX_SESSIONS) {
                bont_error_setf(err, "history", "at most %d earlier sessions can be simulated",
                                MAX_SESSIONS - 1);
                return BONT_ERANGE;
            }
            session_t *s = &r->sess[r->n_sess++];
            s->t_days = shift - (double)(plan->day - h->day);
            s->product = h->product;
            s->scale = h->units / total_u;
            rc = sero_channel(r, h->product, &s->channel, err);
            if (rc && err) {
                err->line = h->line;
                err->column = h->column;
                snprintf(err->field, sizeof err->field, "history[%zu]", i);
            }
        }
    if (rc)
        return rc;
    session_t *s = &r->sess[r->n_sess++];
    s->t_days = shift;
    s->product = plan->product;
    s->scale = 1.0;
    rc = sero_channel(r, plan->product, &s->channel, err);
    if (rc)
        return rc;
    qsort(r->sess, r->n_sess, sizeof *r->sess, cmp_session);
    r->t_shift = shift;
    /* Units of each injection in each session, onabotulinumtoxinA-equivalent. */
    r->ona = calloc(r->n_sess * plan->n_injections, sizeof *r->ona);
    if (!r->ona) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t k = 0; k < r->n_sess; k++)
        for (size_t i = 0; i < plan->n_injections; i++) {
            const bont_injection_t *inj = &plan->injections[i];
            rc = bont_exposure_ona_u(r->sess[k].product, inj->units * r->sess[k].scale,
                                     &r->ona[k * plan->n_injections + i], err);
            if (rc) {
                if (err) {
                    err->line = inj->line;
                    err->column = inj->column;
                }
                return rc;
            }
        }
    /* Sessions of one serotype on the same day are one dose event: the model captures the
     * serotype's summed concentration once (models.c run_bont). */
    size_t n = 0, n_inj = plan->n_injections;
    for (size_t k = 0; k < r->n_sess; k++) {
        if (n > 0 && r->sess[n - 1].t_days == r->sess[k].t_days &&
            r->sess[n - 1].channel == r->sess[k].channel) {
            for (size_t i = 0; i < n_inj; i++)
                r->ona[(n - 1) * n_inj + i] += r->ona[k * n_inj + i];
            continue;
        }
        r->sess[n] = r->sess[k];
        memmove(r->ona + n * n_inj, r->ona + k * n_inj, n_inj * sizeof *r->ona);
        n++;
    }
    r->n_sess = n;
    return 0;
}

static size_t struct_index(run_t *r, const bont_muscle_t *m, bont_side_t side)
{
    for (size_t j = 0; j < r->n_struct; j++)
        if (strcmp(r->tg[j].muscle, m->id) == 0 && r->tg[j].side == side)
            return j;
    return (size_t)-1;
}

/* The structures the plan reaches: bont_spread_reach's for the median patient (the same set and
 * order for every patient), or the injected targets with share 1 when there is no spread. */
static int layout_structures(run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    bont_reach_t *reach = NULL;
    size_t n = plan->n_injections;
    int rc = 0;
    if (r->o.spread) {
        rc = bont_spread_reach(r->kb, plan, r->o.spread, NULL, &reach, &n, err);
        if (rc)
            return rc;
    }
    r->tg = calloc(n ? n : 1, sizeof *r->tg);
    r->scale = calloc(n ? n : 1, sizeof *r->scale);
    r->entry_struct = calloc(n ? n : 1, sizeof *r->entry_struct);
    r->entry_inj = calloc(n ? n : 1, sizeof *r->entry_inj);
    if (!r->tg || !r->scale || !r->entry_struct || !r->entry_inj) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    r->n_entries = n;
    for (size_t e = 0; e < n; e++) {
        const bont_muscle_t *m = reach ? reach[e].muscle : plan->injections[e].muscle;
        bont_side_t side = reach ? reach[e].side : plan->injections[e].side;
        size_t j = struct_index(r, m, side);
        if (j == (size_t)-1) {
            j = r->n_struct++;
            rc = reach ? bont_spread_target(&reach[e], &r->tg[j], err)
                       : bont_target_from_muscle(m, side, &r->tg[j], err);
            /* A structure reached only by spread is simulated in the layer the toxin reaches;
             * its whole loss of function is that layer's times the layer's share of it. */
            r->scale[j] = reach ? reach[e].effect_scale : 1.0;
            if (rc) {
                if (err && !reach) {
                    err->line = plan->injections[e].line;
                    err->column = plan->injections[e].column;
                    snprintf(err->field, sizeof err->field, "injections[%zu].muscle", e);
                }
                goto cleanup;
            }
        }
        r->entry_struct[e] = j;
        r->entry_inj[e] = reach ? reach[e].injection : e;
    }
cleanup:
    free(reach);
    return rc;
}

/* ---- Spread strata ------------------------------------------------------------------------ */

/* The spread model (bont_spread_reach) costs about 0.1 ms a call, too much to call once per
 * patient in a 10,000-patient run that must finish in well under a second. Each patient's
 * spread deviates are therefore drawn as usual and then replaced by the mean of the one of
 * SPREAD_STRATA equal-probability strata they fall in (per dimension), so a population needs
 * at most SPREAD_STRATA^d layouts: 1024 for the two deviates of data/spread-params.json. The
 * stratum means keep the mean and 99.1 % of the variance of a standard normal
 * (docs/performance.md). */
#define SPREAD_STRATA 32

static uint64_t spread_key(const run_t *r, size_t p)
{
    uint64_t key = 0;
    for (size_t i = 0; i < r->n_spread_z; i++) {
        double z = bont_pop_normal(r->o.seed, p, (uint32_t)(r->n_var + i));
        double u = 0.5 * erfc(-z / M_SQRT2);
        int s = (int)floor(u * SPREAD_STRATA);
        s = s < 0 ? 0 : s >= SPREAD_STRATA ? SPREAD_STRATA - 1 : s;
        key = key * SPREAD_STRATA + (uint64_t)s;
    }
    return key;
}

static double normal_pdf(double z)
{
    return isfinite(z) ? exp(-0.5 * z * z) / sqrt(2.0 * M_PI) : 0.0;
}

/* The mean of a standard normal within stratum s of SPREAD_STRATA: (pdf(a) - pdf(b)) * M over
 * its edges a, b. */
static double stratum_mean(int s)
{
    double a = s == 0 ? -INFINITY : bont_normal_quantile((double)s / SPREAD_STRATA);
    double b =
        s == SPREAD_STRATA - 1 ? INFINITY : bont_normal_quantile((double)(s + 1) / SPREAD_STRATA);
    return (normal_pdf(a) - normal_pdf(b)) * SPREAD_STRATA;
}

static void spread_deviates(const run_t *r, uint64_t key, double *z)
{
    for (size_t i = r->n_spread_z; i-- > 0;) {
        z[i] = stratum_mean((int)(key % SPREAD_STRATA));
        key /= SPREAD_STRATA;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Each patient's stratum, and the list of distinct ones. */
static int spread_strata(run_t *r, bont_error_t *err)
{
    r->combo_key = calloc(r->n_pad, sizeof *r->combo_key);
    r->combos = calloc(r->n_pad, sizeof *r->combos);
    if (!r->combo_key || !r->combos) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t p = 0; p < r->n_pad; p++)
        r->combos[p] = r->combo_key[p] = r->o.spread ? spread_key(r, p) : 0;
    qsort(r->combos, r->n_pad, sizeof *r->combos, cmp_u64);
    size_t n = 0;
    for (size_t p = 0; p < r->n_pad; p++)
        if (n == 0 || r->combos[p] != r->combos[n - 1])
            r->combos[n++] = r->combos[p];
    r->n_combos = n;
    r->combo_share = calloc(n * (r->n_entries ? r->n_entries : 1), sizeof *r->combo_share);
    if (!r->combo_share) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    return 0;
}

/* Item c: the spread model for stratum c (share 1 everywhere without spread). */
static void item_spread(run_t *r, size_t c, int tid)
{
    (void)tid;
    double *share = r->combo_share + c * r->n_entries;
    if (!r->o.spread) {
        for (size_t k = 0; k < r->n_entries; k++)
            share[k] = 1.0;
        return;
    }
    double z[MAX_SPREAD_Z];
    spread_deviates(r, r->combos[c], z);
    bont_error_t e;
    bont_error_clear(&e);
    bont_reach_t *reach = NULL;
    size_t n = 0;
    int rc = bont_spread_reach(r->kb, r->plan, r->o.spread, z, &reach, &n, &e);
    if (rc == 0 && n != r->n_entries) {
        bont_error_setf(&e, NULL,
                        "bont_spread_reach gave %zu structures for one patient and %zu "
                        "for another",
                        n, r->n_entries);
        rc = BONT_ECONFLICT;
    }
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (!reach[k].muscle ||
            strcmp(reach[k].muscle->id, r->tg[r->entry_struct[k]].muscle) != 0 ||
            reach[k].side != r->tg[r->entry_struct[k]].side) {
            bont_error_setf(&e, NULL, "bont_spread_reach changed the order of its structures");
            rc = BONT_ECONFLICT;
            break;
        }
        share[k] = reach[k].share;
    }
    free(reach);
    if (rc)
        run_fail(r, rc, &e);
}

static const double *patient_shares(const run_t *r, size_t p)
{
    size_t lo = 0, hi = r->n_combos;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->combos[mid] <= r->combo_key[p])
            lo = mid;
        else
            hi = mid;
    }
    return r->combo_share + lo * r->n_entries;
}

/* ---- Work items ------------------------------------------------------------------------------
 */

static float *block_imp(const run_t *r, size_t b, size_t event)
{
    return r->imp + (b * r->n_sess + event) * BONT_POP_IMPULSE(r->grid.n_steps);
}

/* Block b: each patient's parameters and the units reaching each structure in each dose
 * event; for the batched engine the block's constants and impulse responses. */
static void item_setup(run_t *r, size_t b, int tid)
{
    thread_buf_t *tb = &r->tb[tid];
    double z[MAX_VAR];
    bont_pop_block_t *blk = &r->blocks[b];
    bool batched = r->o.engine == BONT_POP_BATCHED;
    if (batched) {
        memset(blk, 0, sizeof *blk);
        memset(tb->props, 0, (size_t)r->n_sero * sizeof *tb->props);
    }
    size_t n_inj = r->plan->n_injections;
    for (int l = 0; l < W; l++) {
        size_t p = b * W + (size_t)l;
        for (size_t i = 0; i < r->n_var; i++)
            z[i] = bont_pop_normal(r->o.seed, p, (uint32_t)i);
        bont_variability_apply(r->var, &r->median, z, &r->pp[p]);
        const double *share = patient_shares(r, p);
        for (size_t j = 0; j < r->n_struct; j++)
            for (size_t s = 0; s < r->n_sess; s++)
                r->dose[(j * r->n_sess + s) * r->n_pad + p] = 0.0;
        for (size_t k = 0; k < r->n_entries; k++)
            for (size_t s = 0; s < r->n_sess; s++)
                r->dose[(r->entry_struct[k] * r->n_sess + s) * r->n_pad + p] +=
                    share[k] * r->ona[s * n_inj + r->entry_inj[k]];
        if (batched)
            bont_pop_block_set_lane(blk, tb->props, r->sero, r->n_sero, l, &r->pp[p]);
    }
    if (!batched)
        return;
    bont_pop_block_finish(blk);
    for (size_t s = 0; s < r->n_sess; s++)
        bont_pop_impulse(&r->grid, &tb->props[r->sess[s].channel], r->sess[s].step,
                         block_imp(r, b, s));
}

/* As bont_pop_quantize_days, for one value. */
static uint16_t quantize(float v)
{
    float c = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    return (uint16_t)(int32_t)(c * 65535.0f + 0.5f);
}

/* Keeps patient p's readouts and peak of structure j. */
static void keep_patient(run_t *r, size_t j, size_t p, const bont_readouts_t *ro, float peak)
{
    float *rd = r->pop->readouts + j * BONT_POP_N_READOUTS * r->n;
    rd[0 * r->n + p] = (float)ro->onset_day;
    rd[1 * r->n + p] = (float)ro->peak_day;
    rd[2 * r->n + p] = (float)ro->peak_effect_pct;
    rd[3 * r->n + p] = (float)ro->duration_days;
    r->pop->peaks[j * r->n + p] = 100.0f * peak;
}

/* Daily samples of a block's lanes into the structure's quantized day rows. */
static void keep_days(run_t *r, size_t b, const float *samples, uint16_t *rows)
{
    size_t lanes = r->n - b * W < W ? r->n - b * W : W;
    bont_pop_quantize_days(&r->grid, samples, rows, r->n, b * W, lanes);
}

static void kernel_batched(run_t *r, size_t b, thread_buf_t *tb)
{
    size_t j = r->cur;
    const bont_target_t *t = &r->tg[j];
    _Alignas(64) float conc[MAX_SESSIONS][W];
    size_t steps[MAX_SESSIONS];
    int subs[MAX_SESSIONS];
    const float *imps[MAX_SESSIONS];
    for (size_t s = 0; s < r->n_sess; s++) {
        for (int l = 0; l < W; l++)
            conc[s][l] =
                (float)(r->dose[(j * r->n_sess + s) * r->n_pad + b * W + (size_t)l] / t->volume_ml);
        steps[s] = r->sess[s].step;
        int sero = r->sero[r->sess[s].channel];
        subs[s] = (sero == BONT_SERO_B || sero == BONT_SERO_F) ? 1 : 0;
        imps[s] = block_imp(r, b, s);
    }
    bont_pop_target_in_t in = {.tissue = t->tissue,
                               .n_events = r->n_sess,
                               .event_step = steps,
                               .event_substrate = subs,
                               .conc = &conc[0][0],
                               .imp = imps};
    bont_pop_kernel(&r->grid, &r->blocks[b], &in, tb->effect, NULL, tb->kscratch);
    bont_readouts_t ro[W];
    float peak[W];
    bont_pop_readouts(&r->grid, tb->effect, r->k0, r->t_shift, ro, peak);
    size_t lanes = r->n - b * W < W ? r->n - b * W : W;
    for (size_t l = 0; l < lanes; l++)
        keep_patient(r, j, b * W + l, &ro[l], peak[l]);
    keep_days(r, b, tb->effect, r->q_eff);
    for (size_t l = 0; l < lanes && b * W + l < r->pop->n_trace; l++)
        for (int d = 0; d <= r->o.days; d++)
            r->pop->trace[(j * r->pop->n_trace + b * W + l) * ((size_t)r->o.days + 1) + (size_t)d] =
                100.0f * tb->effect[r->grid.day_step[d] * W + l];
}

/* The scalar engine: model->run per patient, as bont simulate runs one patient. */
static void kernel_scalar(run_t *r, size_t b, thread_buf_t *tb)
{
    size_t j = r->cur;
    const bont_target_t *t = &r->tg[j];
    size_t shift_steps = (size_t)floor(r->t_shift * SPD_SCALAR + 0.5);
    size_t n_steps = shift_steps + (size_t)r->o.days * SPD_SCALAR;
    bont_trace_t tr = {
        .steps_per_day = SPD_SCALAR, .n_steps = n_steps, .effect_frac = tb->s_effect};
    size_t lanes = r->n - b * W < W ? r->n - b * W : W;
    for (size_t l = 0; l < lanes; l++) {
        size_t p = b * W + l;
        bont_dose_t doses[MAX_SESSIONS];
        size_t nd = 0;
        for (size_t s = 0; s < r->n_sess; s++) {
            double u = r->dose[(j * r->n_sess + s) * r->n_pad + p];
            if (u > 0.0)
                doses[nd++] =
                    (bont_dose_t){.t_days = r->sess[s].t_days,
                                  .serotype = (bont_serotype_t)r->sero[r->sess[s].channel],
                                  .ona_u = u};
        }
        bont_error_t e;
        bont_error_clear(&e);
        int rc = r->o.model->run(&r->pp[p], t, doses, nd, &tr, &e);
        if (rc) {
            run_fail(r, rc, &e);
            return;
        }
        bont_readouts_t ro;
        bont_readouts_compute(tr.effect_frac + shift_steps, n_steps - shift_steps, SPD_SCALAR, 0.0,
                              &ro);
        double peak = 0.0;
        for (size_t k = shift_steps; k <= n_steps; k++)
            peak = fmax(peak, tr.effect_frac[k]);
        keep_patient(r, j, p, &ro, (float)peak);
        for (int d = 0; d <= r->o.days; d++) {
            size_t k = shift_steps + (size_t)d * SPD_SCALAR;
            r->q_eff[(size_t)d * r->n + p] = quantize((float)tr.effect_frac[k]);
            if (p < r->pop->n_trace)
                r->pop->trace[(j * r->pop->n_trace + p) * ((size_t)r->o.days + 1) + (size_t)d] =
                    (float)(100.0 * tr.effect_frac[k]);
        }
    }
}

static void item_kernel(run_t *r, size_t b, int tid)
{
    if (r->o.engine == BONT_POP_BATCHED)
        kernel_batched(r, b, &r->tb[tid]);
    else
        kernel_scalar(r, b, &r->tb[tid]);
}

static const double pct_5_50_95[3] = {0.05, 0.50, 0.95};

/* Days [8 i, 8 i + 8) of the current structure: p5, p50, p95 of the effect. */
static void item_daily(run_t *r, size_t item, int tid)
{
    (void)tid;
    size_t j = r->cur, nd = (size_t)r->o.days + 1;
    bont_pop_result_t *res = &r->pop->res[j];
    for (size_t d = item * DAYS_PER_ITEM; d < nd && d < (item + 1) * DAYS_PER_ITEM; d++) {
        double q[3];
        bont_pop_quantiles_u16(r->q_eff + d * r->n, r->n, pct_5_50_95, 3, q);
        res->p5[d] = 100.0 * q[0] / QUANT_SCALE;
        res->p50[d] = 100.0 * q[1] / QUANT_SCALE;
        res->p95[d] = 100.0 * q[2] / QUANT_SCALE;
    }
}

static double percentile_level(int i)
{
    return 0.05 * (i + 1);
}

/* Item j * (N_READOUTS + 1) + k: percentiles of readout k of structure j, or (k = N_READOUTS)
 * the median dose reaching it. */
static void item_readouts(run_t *r, size_t item, int tid)
{
    size_t j = item / (BONT_POP_N_READOUTS + 1), k = item % (BONT_POP_N_READOUTS + 1);
    bont_pop_result_t *res = &r->pop->res[j];
    double lv[BONT_POP_N_QUANTILES];
    for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
        lv[i] = percentile_level(i);
    if (k == BONT_POP_PEAK_EFFECT) {
        bont_pop_quantiles_f32(bont_pop_patient_readouts(r->pop, j, (bont_pop_readout_t)k), r->n,
                               lv, BONT_POP_N_QUANTILES, res->readout_q[k], r->tb[tid].scratch);
        return;
    }
    if (k < BONT_POP_N_READOUTS) {
        /* Onset, peak day and duration describe the patients in whom the structure loses a
         * measurable share of its function; the others are counted in no_effect_pct, not
         * mixed in as "later than the horizon". */
        const float *x = bont_pop_patient_readouts(r->pop, j, (bont_pop_readout_t)k);
        const float *peak = bont_pop_patient_readouts(r->pop, j, BONT_POP_PEAK_EFFECT);
        float *with = malloc((r->n ? r->n : 1) * sizeof *with);
        if (!with) {
            bont_error_t e;
            bont_error_clear(&e);
            bont_error_setf(&e, NULL, "out of memory");
            run_fail(r, BONT_ENOMEM, &e);
            return;
        }
        size_t m = 0;
        for (size_t p = 0; p < r->n; p++)
            if ((double)peak[p] * r->scale[j] >= BONT_POP_EFFECT_MIN_PCT)
                with[m++] = x[p];
        if (m == 0)
            for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
                res->readout_q[k][i] = NAN;
        else
            bont_pop_quantiles_f32(with, m, lv, BONT_POP_N_QUANTILES, res->readout_q[k],
                                   r->tb[tid].scratch);
        if (k == BONT_POP_ONSET)
            res->no_effect_pct = 100.0 * (double)(r->n - m) / (double)r->n;
        free(with);
        return;
    }
    float *u = malloc(r->n * sizeof *u);
    if (!u) {
        bont_error_t e;
        bont_error_clear(&e);
        bont_error_setf(&e, NULL, "out of memory");
        run_fail(r, BONT_ENOMEM, &e);
        return;
    }
    for (size_t p = 0; p < r->n; p++) {
        double sum = 0.0;
        for (size_t s = 0; s < r->n_sess; s++)
            sum += r->dose[(j * r->n_sess + s) * r->n_pad + p];
        u[p] = (float)sum;
    }
    double half = 0.5;
    bont_pop_quantiles_f32(u, r->n, &half, 1, &res->dose_ona_u, r->tb[tid].scratch);
    free(u);
}

/* ---- Orchestration --------------------------------------------------------------------------
 */

static int check_opts(const bont_pop_opts_t *in, bont_pop_opts_t *o, bont_error_t *err)
{
    *o = *in;
    if (o->n_patients == 0)
        o->n_patients = 1000;
    if (o->days == 0)
        o->days = 180;
    if (!o->model)
        o->model = bont_model_bont;
    if (o->model != bont_model_bont)
        o->engine = BONT_POP_SCALAR;
    if (o->threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = n > 0 ? (int)(n < 64 ? n : 64) : 1;
    }
    if (o->n_patients > BONT_POP_MAX_PATIENTS) {
        bont_error_setf(err, "patients", "at most %d virtual patients (got %zu)",
                        BONT_POP_MAX_PATIENTS, o->n_patients);
        return BONT_ERANGE;
    }
    if (o->days < 1 || o->days > 3650) {
        bont_error_setf(err, "days", "days must be 1..3650 (got %d)", o->days);
        return BONT_ERANGE;
    }
    if ((double)o->n_patients * (o->days + 1) > BONT_POP_MAX_CELLS) {
        bont_error_setf(err, "patients",
                        "%zu patients over %d days need more memory than a run may take; at most "
                        "%d patient-days (patients x (days + 1))",
                        o->n_patients, o->days, BONT_POP_MAX_CELLS);
        return BONT_ERANGE;
    }
    if (o->threads > 256)
        o->threads = 256;
    return 0;
}

/* The run's largest allocations, so a request that cannot fit fails at once with a reason. */
static int check_memory(const run_t *r, bont_error_t *err)
{
    double nd = (double)r->o.days + 1, ns = (double)r->n_struct, nev = (double)r->n_sess;
    double bytes = (double)r->n * nd * 2.0                               /* daily values */
                   + (double)r->n * ns * (BONT_POP_N_READOUTS + 1) * 4.0 /* readouts, peaks */
                   + (double)r->n_pad * nev * ns * 8.0                   /* doses */
                   + (double)r->n_pad * sizeof(bont_params_t);
    if (r->o.engine == BONT_POP_BATCHED)
        bytes += (double)r->n_pad / W *
                 (sizeof(bont_pop_block_t) + nev * BONT_POP_IMPULSE(r->grid.n_steps) * 4.0);
    if (bytes > BONT_POP_MAX_BYTES) {
        bont_error_setf(
            err, "patients",
            "%zu patients over %d days would need about %.0f MB; at most %.0f MB (fewer "
            "patients, days or history sessions)",
            r->n, r->o.days, bytes / 1e6, BONT_POP_MAX_BYTES / 1e6);
        return BONT_ERANGE;
    }
    return 0;
}

static void *aligned_calloc(size_t n, size_t size)
{
    size_t bytes = n * size;
    bytes = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes ? bytes : 64);
    if (p)
        memset(p, 0, bytes ? bytes : 64);
    return p;
}

static int alloc_run(run_t *r, bont_error_t *err)
{
    size_t nd = (size_t)r->o.days + 1;
    size_t n_samples = r->grid.n_steps + 1;
    size_t scalar_steps =
        (size_t)floor(r->t_shift * SPD_SCALAR + 0.5) + (size_t)r->o.days * SPD_SCALAR + 1;
    bont_pop_t *pop = r->pop;
    r->pp = calloc(r->n_pad, sizeof *r->pp);
    r->dose = calloc(r->n_struct * r->n_sess * r->n_pad, sizeof *r->dose);
    bool batched = r->o.engine == BONT_POP_BATCHED;
    if (batched) {
        r->blocks = aligned_calloc(r->n_blocks, sizeof *r->blocks);
        r->imp = aligned_calloc(r->n_blocks * r->n_sess * BONT_POP_IMPULSE(r->grid.n_steps),
                                sizeof *r->imp);
    }
    r->q_eff = calloc(nd * r->n, sizeof *r->q_eff);

    r->tb = calloc((size_t)r->o.threads, sizeof *r->tb);
    pop->res = calloc(r->n_struct, sizeof *pop->res);
    pop->daily = calloc(r->n_struct * 3 * nd, sizeof *pop->daily);
    pop->readouts = calloc(r->n_struct * BONT_POP_N_READOUTS * r->n, sizeof *pop->readouts);
    pop->peaks = calloc(r->n_struct * r->n, sizeof *pop->peaks);
    pop->n_trace = r->o.trace_patients < r->n ? r->o.trace_patients : r->n;
    if (pop->n_trace && !(pop->trace = calloc(r->n_struct * pop->n_trace * nd, sizeof(float)))) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    bool ok = r->pp && r->dose && (!batched || (r->blocks && r->imp)) && r->q_eff && r->tb &&
              pop->res && pop->daily && pop->readouts && pop->peaks;
    for (int t = 0; ok && t < r->o.threads; t++) {
        thread_buf_t *tb = &r->tb[t];
        if (r->o.engine == BONT_POP_BATCHED) {
            tb->effect = aligned_calloc(n_samples * W, sizeof *tb->effect);

            tb->kscratch = aligned_calloc(BONT_POP_SCRATCH(r->grid.n_steps), sizeof(float));
            tb->props = aligned_calloc((size_t)r->n_sero, sizeof *tb->props);
            ok = tb->effect && tb->kscratch && tb->props;
        } else {
            tb->s_effect = calloc(scalar_steps, sizeof *tb->s_effect);
            ok = tb->s_effect != NULL;
        }
        tb->scratch = calloc(2 * r->n, sizeof *tb->scratch);
        ok = ok && tb->scratch;
    }
    if (!ok) {
        bont_error_setf(err, NULL, "out of memory for %zu patients", r->n);
        return BONT_ENOMEM;
    }
    return 0;
}

static void free_run(run_t *r)
{
    bont_pop_grid_clear(&r->grid);
    free(r->ona);
    free(r->tg);
    free(r->scale);
    free(r->entry_struct);
    free(r->entry_inj);
    free(r->pp);
    free(r->dose);
    free(r->blocks);
    free(r->imp);
    free(r->combo_key);
    free(r->combos);
    free(r->combo_share);
    free(r->q_eff);

    for (int t = 0; r->tb && t < r->o.threads; t++) {
        free(r->tb[t].effect);

        free(r->tb[t].kscratch);
        free(r->tb[t].props);
        free(r->tb[t].s_effect);

        free(r->tb[t].scratch);
    }
    free(r->tb);
}

static int build_grid(run_t *r, bont_error_t *err)
{
    double t[MAX_SESSIONS];
    size_t n = 0;
    for (size_t s = 0; s < r->n_sess; s++)
        if (n == 0 || r->sess[s].t_days != t[n - 1])
            t[n++] = r->sess[s].t_days;
    int rc = bont_pop_grid_build(t, n, r->t_shift, r->o.days, &r->grid);
    if (rc) {
        bont_error_setf(err, NULL, "cannot lay out the time grid (sessions on whole days)");
        return rc;
    }
    for (size_t s = 0; s < r->n_sess; s++)
        r->sess[s].step = bont_pop_grid_index(&r->grid, r->sess[s].t_days);
    r->k0 = bont_pop_grid_index(&r->grid, r->t_shift);
    return 0;
}

/* The results of structure j once its percentiles are in. */
static void finish_result(run_t *r, size_t j)
{
    bont_pop_result_t *res = &r->pop->res[j];
    for (int k = 0; k < BONT_POP_N_READOUTS; k++)
        for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
            if (!isfinite(res->readout_q[k][i]))
                res->readout_q[k][i] = NAN;
    /* Percentiles scale with a constant factor: report the whole structure. */
    double c = r->scale[j];
    res->effect_scale = c;
    if (c != 1.0) {
        for (int d = 0; d <= r->o.days; d++) {
            res->p5[d] *= c;
            res->p50[d] *= c;
            res->p95[d] *= c;
        }
        for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
            res->readout_q[BONT_POP_PEAK_EFFECT][i] *= c;
    }
    /* The medians: peak effect and peak day always exist (0 and NAN without effect). */
    res->readouts.onset_day = res->readout_q[BONT_POP_ONSET][9];
    res->readouts.peak_day = res->readout_q[BONT_POP_PEAK_DAY][9];
    res->readouts.peak_effect_pct = res->readout_q[BONT_POP_PEAK_EFFECT][9];
    res->readouts.duration_days = res->readout_q[BONT_POP_DURATION][9];
}

static int assess_risks(run_t *r, bont_error_t *err)
{
    for (size_t j = 0; j < r->n_struct; j++) {
        bont_pop_result_t *res = &r->pop->res[j];
        const bont_muscle_t *m = bont_kb_muscle(r->kb, res->target.muscle);
        bool has = false;
        int rc = bont_risk_assess(r->kb, r->plan, r->o.spread, m, res->target.side,
                                  r->pop->peaks + j * r->n, r->n, &res->risk, &has, err);
        if (rc)
            return rc;
        res->has_risk = has;
    }
    return 0;
}

int bont_pop_run(const bont_kb_t *kb, const bont_plan_t *plan, const bont_pop_opts_t *opts,
                 bont_pop_t **out, bont_error_t *err)
{
    *out = NULL;
    run_t *r = calloc(1, sizeof *r);
    bont_variability_t *own_var = NULL;
    int rc = 0;
    if (!r) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    pthread_mutex_init(&r->err_lock, NULL);
    r->err = err;
    if (!kb || !plan || !opts || !plan->product || plan->n_injections == 0) {
        bont_error_setf(err, NULL,
                        "a knowledge base, options and a plan with injections are "
                        "needed");
        rc = BONT_EINVAL;
        goto cleanup;
    }
    r->kb = kb;
    r->plan = plan;
    if ((rc = check_opts(opts, &r->o, err)))
        goto cleanup;
    if (r->o.params)
        r->median = *r->o.params;
    else if ((rc = bont_params_load(&r->median, err)))
        goto cleanup;
    r->var = r->o.variability;
    if (!r->var) {
        if ((rc = bont_variability_load(&own_var, err)))
            goto cleanup;
        r->var = own_var;
    }
    r->n_var = bont_variability_n_random(r->var);
    r->n_spread_z = r->o.spread ? bont_spread_n_random(r->o.spread) : 0;
    if (r->n_spread_z > MAX_SPREAD_Z) {
        bont_error_setf(err, NULL, "the spread model needs more deviates than the engine draws");
        rc = BONT_ERANGE;
        goto cleanup;
    }
    r->n = r->o.n_patients;
    r->n_blocks = (r->n + W - 1) / W;
    r->n_pad = r->n_blocks * W;
    /* From here on, errors are about the plan (the loaders above name their own files). */
    if (err)
        snprintf(err->file, sizeof err->file, "%s", plan->file ? plan->file : "");
    if ((rc = layout_sessions(r, err)) || (rc = layout_structures(r, err)) ||
        (rc = build_grid(r, err)) || (rc = check_memory(r, err)))
        goto cleanup;
    r->pop = calloc(1, sizeof *r->pop);
    if (!r->pop) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    bont_pop_t *pop = r->pop;
    pop->model = r->o.model;
    pop->days = r->o.days;
    pop->n_patients = r->n;
    pop->seed = r->o.seed;
    pop->n_res = r->n_struct;
    if ((rc = alloc_run(r, err)))
        goto cleanup;
    size_t nd = (size_t)r->o.days + 1;
    for (size_t j = 0; j < r->n_struct; j++) {
        bont_pop_result_t *res = &pop->res[j];
        res->target = r->tg[j];
        res->p5 = pop->daily + (j * 3 + 0) * nd;
        res->p50 = pop->daily + (j * 3 + 1) * nd;
        res->p95 = pop->daily + (j * 3 + 2) * nd;
        res->peak_effect_pct = pop->peaks + j * r->n;
    }
    size_t day_items = (nd + DAYS_PER_ITEM - 1) / DAYS_PER_ITEM;
    size_t ro_items = r->n_struct * (BONT_POP_N_READOUTS + 1);
    if ((rc = spread_strata(r, err)))
        goto cleanup;
    r->total_work = r->n_combos + r->n_blocks + r->n_struct * (r->n_blocks + day_items) + ro_items;
    r->n_threads = r->o.threads;
    threads_start(r);
    parallel(r, item_spread, r->n_combos);
    if (!atomic_load(&r->failed))
        parallel(r, item_setup, r->n_blocks);
    for (size_t j = 0; j < r->n_struct && !atomic_load(&r->failed); j++) {
        r->cur = j;
        parallel(r, item_kernel, r->n_blocks);
        parallel(r, item_daily, day_items);
    }
    if (!atomic_load(&r->failed))
        parallel(r, item_readouts, ro_items);
    threads_stop(r);
    rc = atomic_load(&r->failed);
    if (rc)
        goto cleanup;
    for (size_t j = 0; j < r->n_struct; j++)
        finish_result(r, j);
    if (r->o.spread && (rc = assess_risks(r, err)))
        goto cleanup;
    if (r->o.keep_inputs) {
        pop->pp = r->pp;
        pop->dose = r->dose;
        r->pp = NULL;
        r->dose = NULL;
        pop->n_pad = r->n_pad;
        pop->n_events = r->n_sess;
        for (size_t e = 0; e < r->n_sess; e++) {
            pop->ev_t[e] = r->sess[e].t_days;
            pop->ev_sero[e] = r->sero[r->sess[e].channel];
        }
    }
    pop->day0 = r->t_shift;
    *out = r->pop;
    r->pop = NULL;
cleanup:
    bont_pop_free(&r->pop);
    free_run(r);
    bont_variability_free(&own_var);
    pthread_mutex_destroy(&r->err_lock);
    free(r);
    return rc;
}
