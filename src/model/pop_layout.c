/* pop_layout.c: what a population run simulates: its dose sessions and serotype channels, the
 * structures the plan reaches with the reach entries that feed each, the time grid, and the
 * units reaching each structure for every spread stratum present. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/history.h"
#include "model/pop_internal.h"
#include "model/spread_internal.h"
#include "util/index.h"

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
 * indication split over the plan's muscles in the plan's proportions; day 0 of the output is
 * the plan's session. */
int bont__pop_layout_sessions(bont__pop_run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    double total_u = 0.0, shift = r->o.with_history ? bont__history_shift(plan) : 0.0;
    for (size_t i = 0; i < plan->n_injections; i++)
        total_u += plan->injections[i].units;
    int rc = 0;
    if (r->o.with_history && total_u > 0.0)
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
    bont__pop_session_t *s = &r->sess[r->n_sess++];
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

/* Each structure's weight in the plan-level effect (docs/model.md section 8): its share of the
 * onabotulinumtoxinA-equivalent units the plan's session injects (0 for structures only spread
 * reaches). */
static int plan_weights(bont__pop_run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    r->w_plan = calloc(r->n_struct ? r->n_struct : 1, sizeof *r->w_plan);
    if (!r->w_plan) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    double total = 0.0;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        double u = 0.0;
        int rc = bont_exposure_ona_u(plan->product, inj->units, &u, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < r->n_struct; j++)
            if (strcmp(r->tg[j].muscle, inj->muscle->id) == 0 && r->tg[j].side == inj->side) {
                r->w_plan[j] += u;
                total += u;
                break;
            }
    }
    for (size_t j = 0; j < r->n_struct && total > 0.0; j++)
        r->w_plan[j] /= total;
    return 0;
}

/* The structures the plan reaches: bont_spread_reach's for the median patient (the same set and
 * order for every patient), or the injected targets with share 1 when there is no spread. */
int bont__pop_layout_structures(bont__pop_run_t *r, bont_error_t *err)
{
    const bont_plan_t *plan = r->plan;
    const bont_reach_t *reach = NULL;
    size_t n = plan->n_injections;
    if (r->o.spread) {
        int rc = bont__reach_layout_new(plan, r->o.spread, &r->reach, err);
        if (rc)
            return rc;
        reach = bont__reach_layout_entries(r->reach);
        n = bont__reach_layout_n(r->reach);
    }
    bont__index_t where = {0};
    r->tg = calloc(n ? n : 1, sizeof *r->tg);
    r->scale = calloc(n ? n : 1, sizeof *r->scale);
    r->entry_struct = calloc(n ? n : 1, sizeof *r->entry_struct);
    r->entry_inj = calloc(n ? n : 1, sizeof *r->entry_inj);
    int rc = r->tg && r->scale && r->entry_struct && r->entry_inj ? 0 : BONT_ENOMEM;
    r->n_entries = n;
    for (size_t e = 0; e < n && rc == 0; e++) {
        const bont_muscle_t *m = reach ? reach[e].muscle : plan->injections[e].muscle;
        bont_side_t side = reach ? reach[e].side : plan->injections[e].side;
        size_t j = r->n_struct;
        int added = bont__index_put(&where, m, (int)side, &j);
        rc = added < 0 ? BONT_ENOMEM : 0;
        if (added == 1) {
            r->n_struct++;
            rc = reach ? bont_spread_target(&reach[e], &r->tg[j], err)
                       : bont_target_from_muscle(m, side, &r->tg[j], err);
            /* A structure reached only by spread is simulated in the layer the toxin reaches;
             * its whole loss of function is that layer's times the layer's share of it. */
            r->scale[j] = reach ? reach[e].effect_scale : 1.0;
            if (rc && err && !reach) {
                err->line = plan->injections[e].line;
                err->column = plan->injections[e].column;
                snprintf(err->field, sizeof err->field, "injections[%zu].muscle", e);
            }
        }
        r->entry_struct[e] = j;
        r->entry_inj[e] = reach ? reach[e].injection : e;
    }
    bont__index_free(&where);
    if (rc == BONT_ENOMEM)
        bont_error_setf(err, NULL, "out of memory");
    if (rc == 0)
        rc = plan_weights(r, err);
    return rc;
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
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Each patient's stratum, and the list of distinct ones. */
int bont__pop_spread_strata(bont__pop_run_t *r, bont_error_t *err)
{
    r->combo_key = calloc(r->n_pad, sizeof *r->combo_key);
    r->combos = calloc(r->n_pad, sizeof *r->combos);
    if (!r->combo_key || !r->combos) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t p = 0; p < r->n_pad; p++)
        r->combos[p] = r->combo_key[p] =
            r->o.spread ? bont__pop_spread_key(r->o.seed, p, r->n_var, r->n_spread_z) : 0;
    qsort(r->combos, r->n_pad, sizeof *r->combos, cmp_u64);
    size_t n = 0;
    for (size_t p = 0; p < r->n_pad; p++)
        if (n == 0 || r->combos[p] != r->combos[n - 1])
            r->combos[n++] = r->combos[p];
    r->n_combos = n;
    /* Per stratum the units reaching each structure, not each entry's share: the memory then
     * grows with the structures the plan reaches, not with its injections. */
    r->combo_dose = calloc(n * r->n_struct * r->n_sess + 1, sizeof *r->combo_dose);
    if (!r->combo_dose) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    return 0;
}

/* Item c: the spread model for stratum c (share 1 everywhere without spread), and the units it
 * brings to each structure in each session, summed entry by entry in reach order (as a patient's
 * own sum would be). */
void bont__pop_item_spread(void *ctx, size_t c, int tid)
{
    (void)tid;
    bont__pop_run_t *r = ctx;
    double *share = malloc((r->n_entries ? r->n_entries : 1) * sizeof *share);
    if (!share) {
        bont__pop_fail(r, BONT_ENOMEM, "out of memory");
        return;
    }
    if (r->o.spread) {
        double z[BONT__POP_MAX_SPREAD_Z];
        bont__pop_spread_deviates(r->combos[c], r->n_spread_z, z);
        bont__reach_shares(r->reach, r->o.spread, z, share);
    } else {
        for (size_t k = 0; k < r->n_entries; k++)
            share[k] = 1.0;
    }
    size_t n_inj = r->plan->n_injections;
    double *dose = r->combo_dose + c * r->n_struct * r->n_sess;
    for (size_t k = 0; k < r->n_entries; k++)
        for (size_t s = 0; s < r->n_sess; s++)
            dose[r->entry_struct[k] * r->n_sess + s] +=
                share[k] * r->ona[s * n_inj + r->entry_inj[k]];
    free(share);
}
