/* sim.c: exposure (units -> onabotulinumtoxinA-equivalent amount), readouts, and the simulation
 * of a plan's targets through any model (docs/model.md sections 1 and 8). */
#include "bont/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/history.h"

static const char *const sero_names[BONT_SERO_COUNT] = {"A", "B", "C1", "E", "F"};

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
    /* Grid times are multiples of 1/3200 day (1/32 and any steps_per_day dividing 3200 are
     * exact, section 7), so sessions compare exactly; the count is bounded by one fine day per
     * session plus the coarse days. */
    double h_fine = fmin(1.0 / steps_per_day, 1.0 / 32.0);
    size_t cap = (size_t)days * (size_t)steps_per_day + 2 * n_sessions * 34 + 2;
    double *out = malloc(cap * sizeof *out);
    if (!out) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    size_t n = 0;
    double now = 0.0;
    out[n++] = 0.0;
    while (now < days - 1e-12 && n < cap) {
        double since = 1e9, next = 1e18;
        for (size_t i = 0; i < n_sessions; i++) {
            if (session_days[i] <= now + 1e-12)
                since = fmin(since, now - session_days[i]);
            else
                next = fmin(next, session_days[i]);
        }
        double h = since < 1.0 ? h_fine : 1.0 / steps_per_day;
        h = fmin(h, fmin(next - now, days - now)); /* never step over a session or the end */
        now = round((now + h) * 3200.0) / 3200.0;
        out[n++] = now;
    }
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
    free(s);
    *sp = NULL;
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

/* Adds one session of the plan's injection pattern: each injection's units times scale, of
 * product, at t_days. */
static int add_session(bont_sim_t *sim, const bont_plan_t *plan, const bont_product_t *product,
                       double scale, double t_days, bont_error_t *err)
{
    bont_serotype_t sero;
    int rc = bont_product_serotype(product, &sero, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        bont_target_t t;
        char field[64];
        snprintf(field, sizeof field, "injections[%zu].muscle", i);
        rc = bont_target_from_muscle(inj->muscle, inj->side, &t, err);
        size_t idx = 0;
        if (rc == 0)
            rc = bont_sim_target(sim, &t, &idx, err);
        bont_dose_t d = {.t_days = t_days, .serotype = sero};
        if (rc == 0)
            rc = bont_exposure_ona_u(product, inj->units * scale, &d.ona_u, err);
        if (rc == 0)
            rc = bont_sim_dose(sim, idx, &d, err);
        if (rc) {
            if (err && !err->field[0])
                snprintf(err->field, sizeof err->field, "%s", field);
            if (err) {
                err->line = inj->line;
                err->column = inj->column;
            }
            return rc;
        }
    }
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

/* The plan's pattern per target, for the history sessions: each target's index and the units
 * of its injections summed in plan order (targets in the order the plan first names them). */
typedef struct pattern_t {
    size_t *target; /* n entries */
    double *units;
    size_t n;
} pattern_t;

static int make_pattern(bont_sim_t *sim, const bont_plan_t *plan, pattern_t *pat, bont_error_t *err)
{
    pat->target = malloc(plan->n_injections * sizeof *pat->target);
    pat->units = calloc(plan->n_injections, sizeof *pat->units);
    if (!pat->target || !pat->units) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        bont_target_t t;
        size_t idx = 0, k = 0;
        int rc = bont_target_from_muscle(inj->muscle, inj->side, &t, err);
        if (rc == 0)
            rc = bont_sim_target(sim, &t, &idx, err);
        if (rc) {
            if (err) {
                snprintf(err->field, sizeof err->field, "injections[%zu].muscle", i);
                err->line = inj->line;
                err->column = inj->column;
            }
            return rc;
        }
        while (k < pat->n && pat->target[k] != idx)
            k++;
        if (k == pat->n)
            pat->target[pat->n++] = idx;
        pat->units[k] += inj->units;
    }
    return 0;
}

/* History sessions of the same indication, before the plan date, each split over the plan's
 * targets in the plan's proportions: one dose per target and session, so a long history costs
 * sessions x targets doses, not sessions x injections. */
static int add_history(bont_sim_t *sim, const bont_plan_t *plan, double total_u, double shift,
                       bont_error_t *err)
{
    pattern_t pat = {NULL, NULL, 0};
    int rc = make_pattern(sim, plan, &pat, err);
    for (size_t i = 0; i < plan->n_history && rc == 0; i++) {
        const bont_history_t *h = &plan->history[i];
        if (!bont__history_replayed(plan, h))
            continue;
        bont_dose_t d = {.t_days = shift - (double)(plan->day - h->day)};
        double scale = h->units / total_u;
        rc = bont_product_serotype(h->product, &d.serotype, err);
        for (size_t k = 0; k < pat.n && rc == 0; k++) {
            rc = bont_exposure_ona_u(h->product, pat.units[k] * scale, &d.ona_u, err);
            if (rc == 0)
                rc = bont_sim_dose(sim, pat.target[k], &d, err);
        }
        if (rc && err) {
            err->line = h->line;
            err->column = h->column;
            snprintf(err->field, sizeof err->field, "history[%zu]", i);
        }
    }
    free(pat.target);
    free(pat.units);
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
    double total_u = 0.0;
    for (size_t i = 0; i < plan->n_injections; i++)
        total_u += plan->injections[i].units;
    /* History sessions shift day 0 of the output so the earliest of them starts the run. */
    double shift = with_history ? bont__history_shift(plan) : 0.0;
    int rc = 0;
    if (with_history && total_u > 0.0)
        rc = add_history(sim, plan, total_u, shift, err);
    if (rc == 0)
        rc = add_session(sim, plan, plan->product, 1.0, shift, err);
    if (rc == 0 && shift > sim->t_shift_days)
        sim->t_shift_days = shift;
    return rc;
}

int bont_sim_run(bont_sim_t *sim, int days, int spd, bont_error_t *err)
{
    if (!sim || days < 1 || spd < 1 || days > 100000 || spd > 100000) {
        bont_error_setf(err, "days", "days must be 1..100000 and steps per day 1..100000");
        return BONT_ERANGE;
    }
    int rc = 0;
    size_t shift_steps = (size_t)floor(sim->t_shift_days * spd + 0.5);
    size_t n_steps = shift_steps + (size_t)days * (size_t)spd;
    double *buf = malloc(4 * (n_steps + 1) * sizeof *buf);
    if (!buf) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    bont_trace_t tr = {.steps_per_day = spd,
                       .n_steps = n_steps,
                       .effect_frac = buf,
                       .cmap_frac = buf + (n_steps + 1),
                       .release_frac = buf + 2 * (n_steps + 1),
                       .atrophy_frac = buf + 3 * (n_steps + 1)};
    for (size_t i = 0; i < sim->n_targets && rc == 0; i++) {
        sim_target_t *st = &sim->targets[i];
        bont_sim_result_t *r = &st->res;
        result_clear(r);
        rc = sim->model->run(sim->params, &r->target, st->doses, st->n_doses, &tr, err);
        if (rc)
            break;
        bool muscle = bont_tissue_has_junction(r->target.tissue);
        r->effect_pct = malloc(((size_t)days + 1) * sizeof(double));
        if (muscle) {
            r->cmap_pct = malloc(((size_t)days + 1) * sizeof(double));
            r->atrophy_pct = malloc(((size_t)days + 1) * sizeof(double));
        }
        if (!r->effect_pct || (muscle && (!r->cmap_pct || !r->atrophy_pct))) {
            bont_error_setf(err, NULL, "out of memory");
            rc = BONT_ENOMEM;
            break;
        }
        for (int d = 0; d <= days; d++) {
            size_t k = shift_steps + (size_t)d * (size_t)spd;
            r->effect_pct[d] = 100.0 * tr.effect_frac[k];
            if (muscle) {
                r->cmap_pct[d] = 100.0 * tr.cmap_frac[k];
                r->atrophy_pct[d] = 100.0 * tr.atrophy_frac[k];
            }
        }
        /* Readouts from the last session in the output window. */
        double last = sim->t_shift_days;
        for (size_t j = 0; j < st->n_doses; j++)
            if (st->doses[j].t_days > last && st->doses[j].t_days <= sim->t_shift_days + days)
                last = st->doses[j].t_days;
        bont_readouts_compute(tr.effect_frac + shift_steps, n_steps - shift_steps, spd,
                              last - sim->t_shift_days, &r->readouts);
    }
    free(buf);
    if (rc == 0)
        sim->days = days;
    return rc;
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
