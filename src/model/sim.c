/* sim.c: units -> onabotulinumtoxinA-equivalent amount, tissue classes, the simulate grid, and
 * the simulation of the structures a plan reaches through any model (docs/model.md). */
#include "bont/model.h"
#include "bont/spread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/history.h"

static const char *const sero_names[BONT_SERO_COUNT] = {"A", "B", "C1", "E", "F"};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int bont_serotype_parse(const char *name, bont_serotype_t *out)
{
    for (int i = 0; name && i < BONT_SERO_COUNT; i++)
        if (strcmp(name, sero_names[i]) == 0) {
            *out = (bont_serotype_t)i;
            return 0;
        }
    return BONT_EUNKNOWN;
}

const char *bont_serotype_name(bont_serotype_t s)
{
    return (unsigned)s < BONT_SERO_COUNT ? sero_names[s] : "?";
}

int bont_tissue_of_kind(const char *kind, bont_tissue_t *out)
{
    if (!kind)
        return BONT_EINVAL;
    if (strcmp(kind, "muscle") == 0) {
        *out = BONT_TISSUE_MUSCLE;
        return 0;
    }
    /* Sweat glands in skin, salivary glands and the detrusor are autonomic cholinergic targets
     * without a neuromuscular safety factor (section 6). */
    if (strcmp(kind, "gland") == 0 || strcmp(kind, "skin") == 0 || strcmp(kind, "organ") == 0) {
        *out = BONT_TISSUE_AUTONOMIC;
        return 0;
    }
    return BONT_EUNKNOWN;
}

int bont_tissue_of_muscle(const bont_muscle_t *m, bont_tissue_t *out)
{
    if (!m || !out)
        return BONT_EINVAL;
    int rc = bont_tissue_of_kind(m->kind, out);
    /* The recti, obliques and levator palpebrae sprout early and do not atrophy (section 4);
     * the atlas puts exactly these in region orbit. */
    if (rc == 0 && *out == BONT_TISSUE_MUSCLE && m->region && strcmp(m->region, "orbit") == 0)
        *out = BONT_TISSUE_EXTRAOCULAR;
    return rc;
}

bool bont_tissue_has_junction(bont_tissue_t t)
{
    return t == BONT_TISSUE_MUSCLE || t == BONT_TISSUE_EXTRAOCULAR;
}

const char *bont_tissue_name(bont_tissue_t t)
{
    static const char *const names[BONT_TISSUE_COUNT] = {"muscle", "extraocular", "autonomic"};
    return (unsigned)t < BONT_TISSUE_COUNT ? names[t] : "?";
}

int bont_sim_grid(int days, int steps_per_day, const double *session_days, size_t n_sessions,
                  double **t, size_t *n_steps, bont_error_t *err)
{
    *t = NULL;
    *n_steps = 0;
    if (days < 1 || steps_per_day < 1 || (n_sessions && !session_days)) {
        bont_error_setf(err, "days", "the grid needs days >= 1 and steps_per_day >= 1");
        return BONT_EINVAL;
    }
    for (size_t i = 0; i < n_sessions; i++)
        if (!(session_days[i] >= 0.0) || !(session_days[i] <= days)) {
            bont_error_setf(err, "doses", "session day %g is outside 0..%d", session_days[i], days);
            return BONT_EINVAL;
        }
    double *sess = malloc((n_sessions ? n_sessions : 1) * sizeof *sess);
    /* Grid times are multiples of 1/3200 day (1/32 and any steps_per_day dividing 3200 are
     * exact, section 7), so sessions compare exactly; the count is bounded by one fine day per
     * session plus the coarse days. */
    double h_fine = fmin(1.0 / steps_per_day, 1.0 / 32.0);
    size_t cap = (size_t)days * (size_t)steps_per_day + 2 * n_sessions * 34 + 2;
    double *out = malloc(cap * sizeof *out);
    if (!out || !sess) {
        free(out);
        free(sess);
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    if (n_sessions)
        memcpy(sess, session_days, n_sessions * sizeof *sess);
    qsort(sess, n_sessions, sizeof *sess, cmp_double);
    size_t n = 0, next = 0; /* sess[next] is the first session after now */
    double now = 0.0;
    out[n++] = 0.0;
    while (now < days - 1e-12 && n < cap) {
        while (next < n_sessions && sess[next] <= now + 1e-12)
            next++;
        double since = next > 0 ? now - sess[next - 1] : 1e9;
        double h = since < 1.0 ? h_fine : 1.0 / steps_per_day;
        double until = next < n_sessions ? sess[next] : 1e18;
        h = fmin(h, fmin(until - now, days - now)); /* never step over a session or the end */
        now = round((now + h) * 3200.0) / 3200.0;
        out[n++] = now;
    }
    free(sess);
    *t = out;
    *n_steps = n - 1;
    return 0;
}

int bont_exposure_ona_u(const bont_product_t *product, double units, double *ona_u,
                        bont_error_t *err)
{
    if (!product || !(units >= 0.0) || !isfinite(units)) {
        bont_error_setf(err, "units", "units must be a number >= 0");
        return BONT_EINVAL;
    }
    if (!(product->ratio_min > 0.0) || !(product->ratio_max > 0.0)) {
        bont_error_setf(err, "product",
                        "%s has no accepted unit ratio to onabotulinumtoxinA, so the model cannot "
                        "convert its units (its units are not interchangeable with any other "
                        "product's)",
                        product->id);
        return BONT_ERANGE;
    }
    /* Geometric mean: the ratios are multiplicative, and it sits inside the literature band. */
    *ona_u = units / sqrt(product->ratio_min * product->ratio_max);
    return 0;
}

int bont_product_serotype(const bont_product_t *product, bont_serotype_t *out, bont_error_t *err)
{
    char name[2] = {product ? product->serotype : '\0', '\0'};
    if (!product || bont_serotype_parse(name, out) != 0) {
        bont_error_setf(err, "product", "product %s has no serotype the model knows",
                        product ? product->id : "(none)");
        return BONT_EUNKNOWN;
    }
    return 0;
}

int bont_target_from_muscle(const bont_muscle_t *m, bont_side_t side, bont_target_t *out,
                            bont_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!m) {
        bont_error_setf(err, "muscle", "no muscle given");
        return BONT_EINVAL;
    }
    if (bont_tissue_of_muscle(m, &out->tissue) != 0) {
        bont_error_setf(err, "muscle", "%s has kind \"%s\", which the model does not simulate",
                        m->id, m->kind ? m->kind : "");
        return BONT_EUNKNOWN;
    }
    if (!(m->volume_ml > 0.0)) {
        bont_error_setf(err, "muscle",
                        "the atlas has no volume for %s, and the model needs it (dose per mL)",
                        m->id);
        return BONT_ERANGE;
    }
    out->muscle = m->id;
    out->side = side;
    out->volume_ml = m->volume_ml;
    out->role = "target";
    return 0;
}

/* ---- Simulation --------------------------------------------------------------------------------
 */

typedef struct sim_target_t {
    bont_sim_result_t res;
    bont_dose_t *doses; /* owned */
    size_t n_doses, cap_doses;
} sim_target_t;

struct bont_sim_t {
    const bont_model_t *model;   /* borrowed */
    const bont_params_t *params; /* borrowed */
    sim_target_t *targets;       /* owned */
    size_t n_targets, cap_targets;
    double t_shift_days; /* day 0 of the output is this far into the run (history before it) */
    int days;
    const bont_spread_t *spread; /* borrowed, or own_spread */
    bont_spread_t *own_spread;
    const char *indication;  /* kb id of the last plan's indication (response threshold) */
    double *plan_effect_pct; /* days + 1, owned; NULL when nothing was injected */
    bont_readouts_t plan_readouts;
};

int bont_sim_new(bont_sim_t **out, const bont_model_t *model, const bont_params_t *params,
                 bont_error_t *err)
{
    *out = NULL;
    if (!model || !params) {
        bont_error_setf(err, NULL, "a model and a parameter set are needed");
        return BONT_EINVAL;
    }
    bont_sim_t *s = calloc(1, sizeof *s);
    if (!s) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    s->model = model;
    s->params = params;
    *out = s;
    return 0;
}

static void result_clear(bont_sim_result_t *r)
{
    free(r->effect_pct);
    free(r->cmap_pct);
    free(r->atrophy_pct);
    r->effect_pct = r->cmap_pct = r->atrophy_pct = NULL;
}

void bont_sim_free(bont_sim_t **sp)
{
    if (!sp || !*sp)
        return;
    bont_sim_t *s = *sp;
    for (size_t i = 0; i < s->n_targets; i++) {
        result_clear(&s->targets[i].res);
        free(s->targets[i].doses);
    }
    free(s->targets);
    free(s->plan_effect_pct);
    bont_spread_free(&s->own_spread);
    free(s);
    *sp = NULL;
}

int bont_sim_set_spread(bont_sim_t *sim, const bont_spread_t *sp, bont_error_t *err)
{
    if (!sim || !sp) {
        bont_error_setf(err, NULL, "a simulation and spread parameters are needed");
        return BONT_EINVAL;
    }
    sim->spread = sp;
    return 0;
}

int bont_sim_target(bont_sim_t *sim, const bont_target_t *t, size_t *index, bont_error_t *err)
{
    if (!sim || !t || !t->muscle || !(t->volume_ml > 0.0)) {
        bont_error_setf(err, "target", "a target needs a muscle id and a volume > 0 mL");
        return BONT_EINVAL;
    }
    for (size_t i = 0; i < sim->n_targets; i++) {
        const bont_target_t *o = &sim->targets[i].res.target;
        if (strcmp(o->muscle, t->muscle) == 0 && o->side == t->side) {
            *index = i;
            return 0;
        }
    }
    if (sim->n_targets == sim->cap_targets) {
        size_t cap = sim->cap_targets ? 2 * sim->cap_targets : 8;
        sim_target_t *nt = realloc(sim->targets, cap * sizeof *nt);
        if (!nt) {
            bont_error_setf(err, NULL, "out of memory");
            return BONT_ENOMEM;
        }
        sim->targets = nt;
        sim->cap_targets = cap;
    }
    sim_target_t *st = &sim->targets[sim->n_targets];
    memset(st, 0, sizeof *st);
    st->res.target = *t;
    if (!st->res.target.role)
        st->res.target.role = "target";
    *index = sim->n_targets++;
    return 0;
}

int bont_sim_dose(bont_sim_t *sim, size_t index, const bont_dose_t *dose, bont_error_t *err)
{
    if (!sim || index >= sim->n_targets || !dose || !(dose->ona_u >= 0.0) ||
        !(dose->t_days >= 0.0) || (unsigned)dose->serotype >= BONT_SERO_COUNT) {
        bont_error_setf(err, "dose",
                        "a dose needs a target, units >= 0, a time >= 0 and a "
                        "serotype");
        return BONT_EINVAL;
    }
    sim_target_t *st = &sim->targets[index];
    if (st->n_doses == st->cap_doses) {
        size_t cap = st->cap_doses ? 2 * st->cap_doses : 4;
        bont_dose_t *nd = realloc(st->doses, cap * sizeof *nd);
        if (!nd) {
            bont_error_setf(err, NULL, "out of memory");
            return BONT_ENOMEM;
        }
        st->doses = nd;
        st->cap_doses = cap;
    }
    st->doses[st->n_doses++] = *dose;
    st->res.dose_ona_u += dose->ona_u;
    return 0;
}

bool bont__history_replayed(const bont_plan_t *plan, const bont_history_t *h)
{
    return h->day < plan->day && h->indication == plan->indication && h->product;
}

double bont__history_shift(const bont_plan_t *plan)
{
    double shift = 0.0;
    for (size_t i = 0; i < plan->n_history; i++) {
        const bont_history_t *h = &plan->history[i];
        if (bont__history_replayed(plan, h) && (double)(plan->day - h->day) > shift)
            shift = (double)(plan->day - h->day);
    }
    return shift;
}

/* The plan's structures as targets: idx[j] is layout structure j's target. */
static int add_structs(bont_sim_t *sim, const bont_exposure_layout_t *L, size_t *idx,
                       bont_error_t *err)
{
    const bont_exposure_struct_t *st = bont_exposure_structs(L);
    for (size_t j = 0; j < bont_exposure_n_structs(L); j++) {
        bont_target_t t = {.muscle = st[j].muscle->id,
                           .side = st[j].side,
                           .tissue = st[j].tissue,
                           .volume_ml = st[j].volume_ml,
                           .role = st[j].injected ? "target" : "spread"};
        int rc = bont_sim_target(sim, &t, &idx[j], err);
        if (rc)
            return rc;
    }
    return 0;
}

/* One session of the plan's exposure, scaled to units_factor times the plan's units, of
 * serotype sero at t_days: one dose per structure. */
static int add_session(bont_sim_t *sim, const bont_exposure_layout_t *L, const size_t *idx,
                       const double *conc, const double *scale, double units_factor,
                       bont_serotype_t sero, double t_days, bont_error_t *err)
{
    const bont_exposure_struct_t *st = bont_exposure_structs(L);
    for (size_t j = 0; j < bont_exposure_n_structs(L); j++) {
        if (!(conc[j] > 0.0))
            continue;
        bont_dose_t d = {.t_days = t_days,
                         .serotype = sero,
                         .ona_u = st[j].weight_ona_u * units_factor,
                         .conc_u_per_ml = conc[j] * units_factor,
                         .scale = scale[j]};
        int rc = bont_sim_dose(sim, idx[j], &d, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* History sessions of the same indication, before the plan date: the plan's exposure scaled to
 * each session's units (its own product's ratio and serotype), so a long history costs sessions
 * x structures doses, not sessions x injections. */
static int add_history(bont_sim_t *sim, const bont_plan_t *plan, const bont_exposure_layout_t *L,
                       const size_t *idx, const double *conc, const double *scale, double shift,
                       bont_error_t *err)
{
    int rc = 0;
    double plan_ona = bont_exposure_total_ona_u(L);
    for (size_t i = 0; i < plan->n_history && rc == 0 && plan_ona > 0.0; i++) {
        const bont_history_t *h = &plan->history[i];
        if (!bont__history_replayed(plan, h))
            continue;
        bont_serotype_t sero;
        double ona = 0.0;
        rc = bont_product_serotype(h->product, &sero, err);
        if (rc == 0)
            rc = bont_exposure_ona_u(h->product, h->units, &ona, err);
        if (rc == 0)
            rc = add_session(sim, L, idx, conc, scale, ona / plan_ona, sero,
                             shift - (double)(plan->day - h->day), err);
        if (rc && err) {
            err->line = h->line;
            err->column = h->column;
            snprintf(err->field, sizeof err->field, "history[%zu]", i);
        }
    }
    return rc;
}

int bont_sim_add_plan(bont_sim_t *sim, const bont_plan_t *plan, bool with_history,
                      bont_error_t *err)
{
    if (!sim || !plan || !plan->product) {
        bont_error_setf(err, NULL, "a plan with a product is needed");
        return BONT_EINVAL;
    }
    if (err && plan->file)
        snprintf(err->file, sizeof err->file, "%s", plan->file);
    if (plan->n_injections == 0) {
        bont_error_setf(err, "injections", "the plan has no injections to simulate");
        return BONT_EMISSING;
    }
    int rc = 0;
    if (!sim->spread && (rc = bont_spread_load(&sim->own_spread, err)) == 0)
        sim->spread = sim->own_spread;
    bont_exposure_layout_t *L = NULL;
    if (rc == 0)
        rc = bont_exposure_layout_new(plan, sim->spread, sim->params, &L, err);
    if (rc) {
        if (err && plan->file)
            snprintf(err->file, sizeof err->file, "%s", plan->file);
        return rc;
    }
    size_t ns = bont_exposure_n_structs(L);
    size_t *idx = malloc((ns ? ns : 1) * sizeof *idx);
    double *buf = malloc(3 * (ns ? ns : 1) * sizeof *buf);
    if (!idx || !buf) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    double *conc = buf, *scale = buf + ns;
    bont_spread_exposure(L, sim->params->field_length_mm, 0.0, NULL, conc, scale, buf + 2 * ns);
    /* History sessions shift day 0 of the output so the earliest of them starts the run. */
    double shift = with_history ? bont__history_shift(plan) : 0.0;
    rc = add_structs(sim, L, idx, err);
    if (rc == 0 && with_history)
        rc = add_history(sim, plan, L, idx, conc, scale, shift, err);
    if (rc == 0)
        rc = add_session(sim, L, idx, conc, scale, 1.0, bont_exposure_serotype(L), shift, err);
    for (size_t j = 0; rc == 0 && j < ns; j++) {
        sim->targets[idx[j]].res.conc_u_per_ml = conc[j];
        sim->targets[idx[j]].res.scale = scale[j];
    }
    if (rc == 0 && shift > sim->t_shift_days)
        sim->t_shift_days = shift;
    if (rc == 0)
        sim->indication = plan->indication ? plan->indication->id : NULL;
cleanup:
    free(idx);
    free(buf);
    bont_exposure_layout_free(&L);
    return rc;
}

/* Whole day d of the output (t_shift + d): its sample index on the grid t[0..n]. */
static size_t day_sample(const double *t, size_t n, double day, size_t from)
{
    while (from < n && t[from] < day - 1e-9)
        from++;
    return from;
}

/* The distinct session days of every target, ascending (caller frees *out). */
static int session_days(const bont_sim_t *sim, double **out, size_t *n, bont_error_t *err)
{
    size_t total = 0;
    for (size_t i = 0; i < sim->n_targets; i++)
        total += sim->targets[i].n_doses;
    double *d = malloc((total ? total : 1) * sizeof *d);
    if (!d) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < sim->n_targets; i++)
        for (size_t j = 0; j < sim->targets[i].n_doses; j++)
            d[m++] = sim->targets[i].doses[j].t_days;
    qsort(d, m, sizeof *d, cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (u == 0 || d[k] != d[u - 1])
            d[u++] = d[k];
    *out = d;
    *n = u;
    return 0;
}

/* Fills target i's daily outputs and readouts from the trace on the grid t[0..n]. */
static int keep_result(bont_sim_t *sim, size_t i, const bont_trace_t *tr, int days,
                       const bont_readout_thresholds_t *thr, bont_error_t *err)
{
    sim_target_t *st = &sim->targets[i];
    bont_sim_result_t *r = &st->res;
    bool muscle = bont_tissue_has_junction(r->target.tissue);
    r->effect_pct = malloc(((size_t)days + 1) * sizeof(double));
    if (muscle) {
        r->cmap_pct = malloc(((size_t)days + 1) * sizeof(double));
        r->atrophy_pct = malloc(((size_t)days + 1) * sizeof(double));
    }
    if (!r->effect_pct || (muscle && (!r->cmap_pct || !r->atrophy_pct))) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    const double *t = tr->t_days;
    size_t k = day_sample(t, tr->n_steps, sim->t_shift_days, 0), k_shift = k;
    for (int d = 0; d <= days; d++) {
        k = day_sample(t, tr->n_steps, sim->t_shift_days + d, k);
        r->effect_pct[d] = 100.0 * tr->effect_frac[k];
        if (muscle) {
            r->cmap_pct[d] = 100.0 * tr->cmap_frac[k];
            r->atrophy_pct[d] = 100.0 * tr->atrophy_frac[k];
        }
    }
    /* Readouts from the last session in the output window, in days from it. */
    double last = sim->t_shift_days;
    for (size_t j = 0; j < st->n_doses; j++)
        if (st->doses[j].t_days > last && st->doses[j].t_days <= sim->t_shift_days + days)
            last = st->doses[j].t_days;
    bont_readouts_at(t + k_shift, tr->effect_frac + k_shift, tr->n_steps - k_shift, last,
                     thr->perceptible_pct / 100.0,
                     bont_readout_response_pct(thr, sim->indication) / 100.0, &r->readouts);
    return 0;
}

/* The plan-level effect (weighted sum / w on the grid) daily, and its readouts from the last
 * session in the output window. */
static int keep_plan(bont_sim_t *sim, const double *t, double *plan, size_t n, double w, int days,
                     const bont_readout_thresholds_t *thr, bont_error_t *err)
{
    for (size_t k = 0; k <= n; k++)
        plan[k] /= w;
    sim->plan_effect_pct = malloc(((size_t)days + 1) * sizeof(double));
    if (!sim->plan_effect_pct) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    size_t k = day_sample(t, n, sim->t_shift_days, 0), k_shift = k;
    for (int d = 0; d <= days; d++) {
        k = day_sample(t, n, sim->t_shift_days + d, k);
        sim->plan_effect_pct[d] = 100.0 * plan[k];
    }
    double last = sim->t_shift_days;
    for (size_t i = 0; i < sim->n_targets; i++)
        for (size_t j = 0; j < sim->targets[i].n_doses; j++) {
            double td = sim->targets[i].doses[j].t_days;
            if (td > last && td <= sim->t_shift_days + days)
                last = td;
        }
    bont_readouts_at(t + k_shift, plan + k_shift, n - k_shift, last, thr->perceptible_pct / 100.0,
                     bont_readout_response_pct(thr, sim->indication) / 100.0, &sim->plan_readouts);
    return 0;
}

int bont_sim_run(bont_sim_t *sim, int days, int spd, bont_error_t *err)
{
    if (!sim || days < 1 || spd < 1 || days > 100000 || spd > 100000) {
        bont_error_setf(err, "days", "days must be 1..100000 and steps per day 1..100000");
        return BONT_ERANGE;
    }
    bont_readout_thresholds_t thr;
    double *sess = NULL, *t = NULL, *buf = NULL;
    size_t n_sess = 0, n_steps = 0;
    int rc = bont_readout_thresholds_load(&thr, err);
    if (rc == 0)
        rc = session_days(sim, &sess, &n_sess, err);
    /* The run starts at the earliest history session; sessions beyond the horizon do not
     * matter. */
    size_t n_in = 0;
    while (n_in < n_sess && sess[n_in] <= sim->t_shift_days + days)
        n_in++;
    if (rc == 0)
        rc = bont_sim_grid((int)ceil(sim->t_shift_days) + days, spd, sess, n_in, &t, &n_steps, err);
    if (rc == 0 && !(buf = calloc(5 * (n_steps + 1), sizeof *buf))) {
        bont_error_setf(err, NULL, "out of memory");
        rc = BONT_ENOMEM;
    }
    bont_trace_t tr = {.steps_per_day = spd,
                       .n_steps = n_steps,
                       .t_days = t,
                       .effect_frac = buf,
                       .cmap_frac = buf ? buf + (n_steps + 1) : NULL,
                       .release_frac = buf ? buf + 2 * (n_steps + 1) : NULL,
                       .atrophy_frac = buf ? buf + 3 * (n_steps + 1) : NULL};
    double *plan = buf ? buf + 4 * (n_steps + 1) : NULL, w = 0.0;
    for (size_t i = 0; i < sim->n_targets && rc == 0; i++) {
        sim_target_t *st = &sim->targets[i];
        result_clear(&st->res);
        rc = sim->model->run(sim->params, &st->res.target, st->doses, st->n_doses, &tr, err);
        if (rc == 0)
            rc = keep_result(sim, i, &tr, days, &thr, err);
        double wi = st->res.dose_ona_u;
        for (size_t k = 0; rc == 0 && wi > 0.0 && k <= n_steps; k++)
            plan[k] += wi * tr.effect_frac[k];
        w += rc == 0 && wi > 0.0 ? wi : 0.0;
    }
    free(sim->plan_effect_pct);
    sim->plan_effect_pct = NULL;
    if (rc == 0 && w > 0.0)
        rc = keep_plan(sim, t, plan, n_steps, w, days, &thr, err);
    free(buf);
    free(t);
    free(sess);
    if (rc == 0)
        sim->days = days;
    return rc;
}

const double *bont_sim_plan_effect_pct(const bont_sim_t *sim)
{
    return sim ? sim->plan_effect_pct : NULL;
}

const bont_readouts_t *bont_sim_plan_readouts(const bont_sim_t *sim)
{
    return sim && sim->plan_effect_pct ? &sim->plan_readouts : NULL;
}

size_t bont_sim_n_targets(const bont_sim_t *sim)
{
    return sim ? sim->n_targets : 0;
}

const bont_sim_result_t *bont_sim_result(const bont_sim_t *sim, size_t i)
{
    return sim && i < sim->n_targets ? &sim->targets[i].res : NULL;
}

int bont_sim_days(const bont_sim_t *sim)
{
    return sim ? sim->days : 0;
}

const bont_model_t *bont_sim_model(const bont_sim_t *sim)
{
    return sim ? sim->model : NULL;
}
