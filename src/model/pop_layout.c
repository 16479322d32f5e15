/* pop_layout.c: what a population run simulates: its dose sessions and serotype channels, the
 * structures the plan reaches (its exposure layout) with their weights in the plan-level effect,
 * and the time grid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/history.h"
#include "model/pop_internal.h"
#include "model/spread_internal.h"

static int sero_channel(bont__pop_run_t *r, const bont_product_t *product, int *channel,
                        bont_error_t *err)
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
    const bont__pop_session_t *x = a, *y = b;
    if (x->t_days != y->t_days)
        return (x->t_days > y->t_days) - (x->t_days < y->t_days);
    return (x->channel > y->channel) - (x->channel < y->channel);
}

/* Sessions as bont_sim_add_plan builds them: with history, each earlier session of the same
 * indication is the plan's exposure scaled to its units (its own product's ratio and serotype);
 * day 0 of the output is the plan's session. */
int bont__pop_layout_sessions(bont__pop_run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    double plan_ona = 0.0, shift = r->o.with_history ? bont__history_shift(plan) : 0.0;
    int rc = 0;
    for (size_t i = 0; i < plan->n_injections && rc == 0; i++) {
        double u = 0.0;
        rc = bont_exposure_ona_u(plan->product, plan->injections[i].units, &u, err);
        plan_ona += u;
        if (rc && err) {
            err->line = plan->injections[i].line;
            err->column = plan->injections[i].column;
        }
    }
    if (r->o.with_history && plan_ona > 0.0)
        for (size_t i = 0; i < plan->n_history && rc == 0; i++) {
            const bont_history_t *h = &plan->history[i];
            if (!bont__history_replayed(plan, h))
                continue;
            if (r->n_sess + 1 >= BONT__POP_MAX_SESSIONS) {
                bont_error_setf(err, "history", "at most %d earlier sessions can be simulated",
                                BONT__POP_MAX_SESSIONS - 1);
                return BONT_ERANGE;
            }
            bont__pop_session_t *s = &r->sess[r->n_sess++];
            double ona = 0.0;
            s->t_days = shift - (double)(plan->day - h->day);
            s->product = h->product;
            rc = sero_channel(r, h->product, &s->channel, err);
            if (rc == 0)
                rc = bont_exposure_ona_u(h->product, h->units, &ona, err);
            s->units_factor = ona / plan_ona;
            if (rc && err) {
                err->line = h->line;
                err->column = h->column;
                snprintf(err->field, sizeof err->field, "history[%zu]", i);
            }
        }
    if (rc)
        return rc;
    bont__pop_session_t *s = &r->sess[r->n_sess++];
    s->t_days = shift;
    s->product = plan->product;
    s->units_factor = 1.0;
    rc = sero_channel(r, plan->product, &s->channel, err);
    if (rc)
        return rc;
    qsort(r->sess, r->n_sess, sizeof *r->sess, cmp_session);
    r->t_shift = shift;
    /* Sessions of one serotype on the same day are one dose event: the model captures the
     * serotype's summed concentration once (models.c run_bont). */
    size_t n = 0;
    for (size_t k = 0; k < r->n_sess; k++) {
        if (n > 0 && r->sess[n - 1].t_days == r->sess[k].t_days &&
            r->sess[n - 1].channel == r->sess[k].channel) {
            r->sess[n - 1].units_factor += r->sess[k].units_factor;
            continue;
        }
        r->sess[n++] = r->sess[k];
    }
    r->n_sess = n;
    return 0;
}

/* The structures the plan reaches, from its exposure layout (docs/spread.md section 1: the same
 * set and order for every patient): all of them with spread, the injected ones without. Each
 * structure's weight in the plan-level effect is its share of the plan's units (docs/model.md
 * section 8). */
int bont__pop_layout_structures(bont__pop_run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    r->sp = r->o.spread;
    int rc = 0;
    if (!r->sp && (rc = bont_spread_load(&r->own_spread, err)) == 0)
        r->sp = r->own_spread;
    if (rc == 0)
        rc = bont_exposure_layout_new(plan, r->sp, &r->median, &r->xl, err);
    if (rc)
        return rc;
    const bont_exposure_struct_t *xs = bont_exposure_structs(r->xl);
    r->n_xs = bont_exposure_n_structs(r->xl);
    r->n_sites = bont_exposure_n_sites(r->xl);
    size_t n = r->n_xs ? r->n_xs : 1;
    r->tg = calloc(n, sizeof *r->tg);
    r->scale = calloc(n, sizeof *r->scale);
    r->w_plan = calloc(n, sizeof *r->w_plan);
    r->xmap = calloc(n, sizeof *r->xmap);
    if (!r->tg || !r->scale || !r->w_plan || !r->xmap) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    double total = bont_exposure_total_ona_u(r->xl);
    for (size_t x = 0; x < r->n_xs; x++) {
        if (!r->o.spread && !xs[x].injected)
            continue;
        size_t j = r->n_struct++;
        r->xmap[j] = x;
        r->tg[j] = (bont_target_t){.muscle = xs[x].muscle->id,
                                   .side = xs[x].side,
                                   .tissue = xs[x].tissue,
                                   .volume_ml = xs[x].volume_ml,
                                   .role = xs[x].injected ? "target" : "spread"};
        r->scale[j] = 1.0;
        r->w_plan[j] = total > 0.0 ? xs[x].weight_ona_u / total : 0.0;
    }
    /* The risks' reasons still name the source of the v1 reach (risk.c). */
    if (r->o.spread && bont__reach_layout_new(plan, r->o.spread, &r->reach, NULL) == BONT_ENOMEM) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    return 0;
}

int bont__pop_build_grid(bont__pop_run_t *r, bont_error_t *err)
{
    double t[BONT__POP_MAX_SESSIONS];
    size_t n = 0;
    for (size_t s = 0; s < r->n_sess; s++)
        if (n == 0 || r->sess[s].t_days != t[n - 1])
            t[n++] = r->sess[s].t_days;
    int rc = bont__pop_grid_build(t, n, r->t_shift, r->o.days, &r->grid);
    if (rc) {
        bont_error_setf(err, NULL, "cannot lay out the time grid (sessions on whole days)");
        return rc;
    }
    for (size_t s = 0; s < r->n_sess; s++)
        r->sess[s].step = bont__pop_grid_index(&r->grid, r->sess[s].t_days);
    r->k0 = bont__pop_grid_index(&r->grid, r->t_shift);
    r->k_peak_end = r->grid.n_steps;
    if (r->o.peak_days > 0 && r->o.peak_days < r->o.days)
        r->k_peak_end = r->grid.day_step[r->o.peak_days];
    return 0;
}
