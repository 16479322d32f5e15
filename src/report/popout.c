/* popout.c: `bont simulate --patients N` output: the median and 5-95 % range of each readout as
 * an aligned table, the plan's noticeable onset, response duration and responders, JSON (the
 * single-patient contract plus p5/p50/p95, readout_quantiles, plan and responders), CSV, and the
 * SVG with each structure's median line and 5-95 % band. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

static void label_of(const bont_target_t *t, char *buf, size_t size)
{
    bont__target_label(buf, size, t->muscle, bont__side(t->side));
}

static const char *const readout_keys[BONT_POP_N_READOUTS] = {"onset_day", "peak_day",
                                                              "peak_effect_pct", "duration_days"};

/* "median (p5-p95)" of readout k; beyond the horizon shows as "> days". */
static void range_cell(char *buf, size_t size, const bont_pop_result_t *r, int k, int days)
{
    const double *q = r->readout_q[k];
    char m[32], lo[32], hi[32];
    char beyond[32];
    /* A duration percentile past the horizon reads "> days", unless no patient has an effect. */
    snprintf(beyond, sizeof beyond,
             k == BONT_POP_DURATION && r->no_effect_pct < 100.0 ? "> %d" : "-", days);
    double med = q[9], a = q[0], b = q[BONT_POP_N_QUANTILES - 1];
    if (k == BONT_POP_PEAK_DAY) { /* whole days, as the single-patient readouts */
        bont__fmt_day(m, sizeof m, med, beyond);
        bont__fmt_day(lo, sizeof lo, a, beyond);
        bont__fmt_day(hi, sizeof hi, b, beyond);
    } else {
        bont__fmt1(m, sizeof m, med, beyond);
        bont__fmt1(lo, sizeof lo, a, beyond);
        bont__fmt1(hi, sizeof hi, b, beyond);
    }
    if (!isfinite(q[0]) && !isfinite(q[BONT_POP_N_QUANTILES - 1]) && !isfinite(med))
        snprintf(buf, size, "%s", m);
    else
        snprintf(buf, size, BONT_TR("%s (%s to %s)"), m, lo, hi);
}

/* Weeks at which trials report responder rates (docs/model.md section 8). */
static const int responder_weeks[] = {4, 12, 16, 24, 36};

/* "median (p5 to p95)" of a plan readout's three percentiles; a NAN percentile is past the
 * horizon. */
static void q3_cell(char *buf, size_t size, const double q[3], int days)
{
    char m[32], lo[32], hi[32], beyond[32];
    snprintf(beyond, sizeof beyond, "> %d", days);
    bont__fmt1(m, sizeof m, q[1], beyond);
    bont__fmt1(lo, sizeof lo, q[0], beyond);
    bont__fmt1(hi, sizeof hi, q[2], beyond);
    snprintf(buf, size, BONT_TR("%s (%s to %s)"), m, lo, hi);
}

/* The plan as a whole: noticeable onset, response and the share of responders at the weeks
 * trials report. */
static int plan_section(FILE *f, const bont_pop_t *pop, const bont_plan_t *plan,
                        bont__scratch_t *sc)
{
    const bont_pop_plan_t *pl = bont_pop_plan(pop);
    if (!pl)
        return 0;
    int days = bont_pop_days(pop);
    char on[128], du[128], sn[32], sr[32];
    bont__fmt_share_pct(sn, sizeof sn, pl->noticeable_share);
    bont__fmt_share_pct(sr, sizeof sr, pl->responder_share);
    if (pl->noticeable_share > 0.0)
        q3_cell(on, sizeof on, pl->noticeable_onset_q, days);
    else
        snprintf(on, sizeof on, "-");
    if (pl->responder_share > 0.0)
        q3_cell(du, sizeof du, pl->response_duration_q, days);
    else
        snprintf(du, sizeof du, "-");
    fprintf(f,
            BONT_TR("\nThe plan as a whole (dose-weighted effect of the injected muscles; response "
                    "threshold %.0f %% for %s)\n"),
            pl->response_pct,
            bont__tx(sc, plan && plan->indication ? bont__indication_name(plan->indication)
                         : pl->indication         ? pl->indication
                                                  : BONT_TR("plans without an indication")));
    bont__table_t *t = bont__table_new(3, "lrr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("readout\tmedian (5th to 95th percentile)\tshare of patients"));
    bont__table_rowf(t, BONT_TR("noticeable onset (d), effect >= %.0f %%\t%s\t%s"),
                     pl->perceptible_pct, on, sn);
    bont__table_rowf(t, BONT_TR("response duration (d), effect >= %.0f %%\t%s\t%s"),
                     pl->response_pct, du, sr);
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    t = bont__table_new(3, "rrr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("week\tday\tresponders"));
    size_t shown = 0;
    for (size_t i = 0; i < sizeof responder_weeks / sizeof responder_weeks[0]; i++) {
        int d = 7 * responder_weeks[i];
        if (d > days)
            continue;
        char share[32];
        bont__fmt_share_pct(share, sizeof share, pl->responders[d]);
        bont__table_rowf(t, "%d\t%d\t%s", responder_weeks[i], d, share);
        shown++;
    }
    if (shown) {
        fputs(BONT_TR("\nResponders: share of virtual patients at or above the response threshold "
                      "on the day\n"),
              f);
        bont__table_print(t, f, 0);
    }
    bont__table_free(&t);
    return 0;
}

/* Days shown in the text's course table (and the horizon). */
static const int landmark_days[] = {0, 7, 14, 28, 56, 84, 112, 140, 180, 270, 365};

/* Median and 5-95 % range of every readout, one row per structure. */
static int readouts_table(FILE *f, const bont_pop_t *pop, bont__scratch_t *sc)
{
    int days = bont_pop_days(pop);
    bont__table_t *t = bont__table_new(9, "lllrllllr");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("muscle\tside\trole\tdose (ona-eq U)\tonset (d)\tpeak (d)\tpeak "
                                "effect (%%)\tduration (d)\tno effect (%%)"));
    for (size_t i = 0; i < bont_pop_n_results(pop); i++) {
        const bont_pop_result_t *r = bont_pop_result(pop, i);
        char c[BONT_POP_N_READOUTS][96];
        for (int k = 0; k < BONT_POP_N_READOUTS; k++)
            range_cell(c[k], sizeof c[k], r, k, days);
        bont__table_rowf(t, "%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%.0f",
                         bont__tx(sc, r->target.muscle), bont__side(r->target.side),
                         bont__tx(sc, r->target.role), r->dose_ona_u, c[0], c[1], c[2], c[3],
                         r->no_effect_pct);
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    fprintf(f,
            BONT_TR("Onset, peak day and duration are over the patients with an effect; \"no "
                    "effect\": share of\npatients whose peak loss stays below %.0f %% of the "
                    "whole structure's function.\n"),
            BONT_POP_EFFECT_MIN_PCT);
    return 0;
}

static const bont_target_t *pop_target(const void *ctx, size_t i)
{
    return &bont_pop_result(ctx, i)->target;
}

/* The median effect on a day with its 5-95 % range: "94 (68-99)". */
static void pop_cell(char *buf, size_t size, const void *ctx, size_t i, int day)
{
    const bont_pop_result_t *r = bont_pop_result(ctx, i);
    snprintf(buf, size, "%.0f (%.0f-%.0f)", r->p50[day], r->p5[day], r->p95[day]);
}

/* The side-effects per person with their structures; nothing when there is none. */
static int risk_table(FILE *f, const bont_pop_t *pop, bont__scratch_t *sc)
{
    bont_risk_list_t risks;
    int rc = bont_pop_risks(pop, &risks, NULL);
    if (rc || risks.n == 0)
        return rc;
    size_t n_uncal = 0;
    bont__table_t *t = bont__risk_table_new();
    rc = t ? 0 : BONT_ENOMEM;
    for (size_t i = 0; rc == 0 && i < risks.n; i++) {
        n_uncal += !risks.risks[i].risk.calibrated;
        rc = bont__risk_rows(t, &risks.risks[i], sc);
    }
    if (rc == 0) {
        fputs(BONT_TR("\nSide-effect risk: share of virtual patients with the side effect in any "
                      "structure carrying it,\nthen by structure: whose peak weakness passes the "
                      "threshold\n"),
              f);
        bont__table_print(t, f, 0);
        if (n_uncal)
            fputs(BONT_TR("* not calibrated against a published rate: an exposure index of the "
                          "model, not a rate to quote\n"),
                  f);
    }
    bont__table_free(&t);
    bont_risk_list_clear(&risks);
    return rc;
}

int bont_report_pop_text(FILE *f, const bont_pop_t *pop, const bont_plan_t *plan)
{
    bont__scratch_t sc = {0};
    bont__model_heading(f, plan, bont_pop_model(pop), &sc);
    fprintf(f,
            BONT_TR("Horizon     %d days, %zu virtual patients (seed %llu): median (5th to 95th "
                    "percentile)\n\n"),
            bont_pop_days(pop), bont_pop_n_patients(pop), (unsigned long long)bont_pop_seed(pop));
    int rc = readouts_table(f, pop, &sc);
    if (rc == 0)
        rc = plan_section(f, pop, plan, &sc);
    /* xgettext:no-c-format */
    bont__course_t course = {.heading = BONT_TR("effect (%) on day: median (5-95)"),
                             .marks = landmark_days,
                             .n_marks = sizeof landmark_days / sizeof landmark_days[0],
                             .days = bont_pop_days(pop),
                             .n_rows = bont_pop_n_results(pop),
                             .target = pop_target,
                             .cell = pop_cell,
                             .ctx = pop};
    if (rc == 0)
        rc = bont__course_table(f, &course, &sc);
    if (rc == 0)
        rc = risk_table(f, pop, &sc);
    if (rc == 0)
        /* xgettext:no-c-format */
        fputs(BONT_TR("\nEach virtual patient has its own model parameters "
                      "(data/variability.json) and spread;\npercentiles are over patients, day by "
                      "day and readout by readout. Role \"spread\": reached\nonly by spread from "
                      "an injected neighbour. Onset: 25% of the peak; duration: below 50% of "
                      "it.\n"),
              f);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

static void json_days(FILE *f, const char *key, const double *v, int days)
{
    fprintf(f, "   \"%s\": [", key);
    for (int d = 0; d <= days; d++) {
        fputs(d ? ", " : "", f);
        bont__put_num1(f, v[d]);
    }
    fprintf(f, "],\n");
}

/* One structure of the JSON: series, median readouts and their quantiles. */
static void json_result(FILE *f, const bont_pop_result_t *r, int days)
{
    fprintf(f, "{\"muscle\": ");
    bont__put_json_str(f, r->target.muscle);
    fprintf(f, ", \"side\": \"%s\", \"role\": ", bont__side(r->target.side));
    bont__put_json_str(f, r->target.role);
    fprintf(f, ", \"dose_ona_u\": ");
    bont__put_num1(f, r->dose_ona_u);
    fprintf(f, ",\n   \"day\": [");
    bont__put_day_axis(f, days);
    fprintf(f, "],\n");
    json_days(f, "effect_pct", r->p50, days);
    json_days(f, "p5", r->p5, days);
    json_days(f, "p50", r->p50, days);
    json_days(f, "p95", r->p95, days);
    fprintf(f, "   \"readouts\": {\"onset_day\": ");
    bont__put_num1(f, r->readouts.onset_day);
    fprintf(f, ", \"peak_day\": ");
    bont__put_day(f, r->readouts.peak_day);
    fprintf(f, ", \"peak_effect_pct\": ");
    bont__put_num1(f, r->readouts.peak_effect_pct);
    fprintf(f, ", \"duration_days\": ");
    bont__put_num1(f, r->readouts.duration_days);
    fprintf(f, ", \"no_effect_pct\": ");
    bont__put_num1(f, r->no_effect_pct);
    fprintf(f, "},\n   \"readout_quantiles\": {");
    for (int k = 0; k < BONT_POP_N_READOUTS; k++) {
        fprintf(f, "%s\"%s\": [", k ? ",\n                         " : "", readout_keys[k]);
        for (int q = 0; q < BONT_POP_N_QUANTILES; q++) {
            fputs(q ? ", " : "", f);
            bont__put_num1(f, r->readout_q[k][q]);
        }
        fputc(']', f);
    }
    fprintf(f, "}}");
}

static void json_str_or_null(FILE *f, const char *s)
{
    if (s)
        bont__put_json_str(f, s);
    else
        fputs("null", f);
}

static void json_q3(FILE *f, const char *key, const double q[3])
{
    fprintf(f, "\"%s\": {\"p5\": ", key);
    bont__put_num1(f, q[0]);
    fprintf(f, ", \"p50\": ");
    bont__put_num1(f, q[1]);
    fprintf(f, ", \"p95\": ");
    bont__put_num1(f, q[2]);
    fputc('}', f);
}

/* "plan" (the plan-level readouts) and "responders" (share of patients at or above the
 * response threshold, day by day), when the run computed them. */
static void json_plan(FILE *f, const bont_pop_t *pop)
{
    const bont_pop_plan_t *pl = bont_pop_plan(pop);
    if (!pl)
        return;
    int days = bont_pop_days(pop);
    fprintf(f, " \"plan\": {\"indication\": ");
    json_str_or_null(f, pl->indication);
    fprintf(f, ", \"perceptible_pct\": ");
    bont__put_num1(f, pl->perceptible_pct);
    fprintf(f, ", \"response_threshold_pct\": ");
    bont__put_num1(f, pl->response_pct);
    fprintf(f, ",\n  \"noticeable_share_pct\": ");
    bont__put_num1(f, 100.0 * pl->noticeable_share);
    fprintf(f, ", ");
    json_q3(f, "noticeable_onset_day", pl->noticeable_onset_q);
    fprintf(f, ",\n  \"responder_share_pct\": ");
    bont__put_num1(f, 100.0 * pl->responder_share);
    fprintf(f, ", ");
    json_q3(f, "response_duration_days", pl->response_duration_q);
    fprintf(f, "},\n \"responders\": {\"indication\": ");
    json_str_or_null(f, pl->indication);
    fprintf(f, ", \"threshold_pct\": ");
    bont__put_num1(f, pl->response_pct);
    fprintf(f, ",\n  \"day\": [");
    bont__put_day_axis(f, days);
    fprintf(f, "],\n  \"share_pct\": [");
    for (int d = 0; d <= days; d++) {
        fputs(d ? ", " : "", f);
        bont__put_num1(f, 100.0 * pl->responders[d]);
    }
    fprintf(f, "]},\n");
}

int bont_report_pop_json_write(FILE *f, const bont_pop_t *pop)
{
    int days = bont_pop_days(pop);
    fprintf(f, "{\"model\": ");
    bont__put_json_str(f, bont_pop_model(pop)->name);
    fprintf(f, ", \"days\": %d, \"patients\": %zu, \"seed\": %llu, \"lang\": \"%s\",\n", days,
            bont_pop_n_patients(pop), (unsigned long long)bont_pop_seed(pop),
            bont_lang_code(bont_i18n_thread_lang()));
    fprintf(f, " \"quantile_levels_pct\": [");
    for (int i = 0; i < BONT_POP_N_QUANTILES; i++)
        fprintf(f, "%s%d", i ? ", " : "", 5 * (i + 1));
    fprintf(f, "],\n \"muscles\": [");
    for (size_t i = 0; i < bont_pop_n_results(pop); i++) {
        fprintf(f, "%s\n  ", i ? "," : "");
        json_result(f, bont_pop_result(pop, i), days);
    }
    fprintf(f, "\n ],\n");
    json_plan(f, pop);
    bont_risk_list_t risks;
    int rc = bont_pop_risks(pop, &risks, NULL);
    fprintf(f, " \"risks\": [");
    /* One entry a line, as the rest of this writer (bont check's JSON builds the same entries). */
    for (size_t i = 0; rc == 0 && i < risks.n; i++) {
        json_t *e = bont__risk_json(&risks.risks[i]);
        fprintf(f, "%s\n  ", i ? "," : "");
        if (!e || json_dumpf(e, f, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0)
            rc = BONT_ENOMEM;
        json_decref(e);
    }
    fprintf(f, "%s]}\n", risks.n ? "\n " : "");
    bont_risk_list_clear(&risks);
    return bont__stream_rc(f, rc);
}

static int pop_json_write(FILE *f, const void *ctx)
{
    return bont_report_pop_json_write(f, ctx);
}

json_t *bont_report_pop_json(const bont_pop_t *pop)
{
    return bont__json_from_writer(pop_json_write, pop);
}

int bont_report_pop_csv(FILE *f, const bont_pop_t *pop)
{
    int days = bont_pop_days(pop);
    const bont_pop_plan_t *pl = bont_pop_plan(pop);
    char thr[32];
    bont__fmt1(thr, sizeof thr, pl ? pl->response_pct : NAN, "");
    /* The last two columns are the plan's: the share of responders on the day and the
     * threshold they are counted at (the same on every structure's row). */
    fprintf(f, "model,muscle,side,role,day,effect_p5,effect_p50,effect_p95,onset_day,peak_day,"
               "peak_effect_pct,duration_days,responders_pct,response_threshold_pct\n");
    for (size_t i = 0; i < bont_pop_n_results(pop); i++) {
        const bont_pop_result_t *r = bont_pop_result(pop, i);
        char on[32], pk[32], pe[32], du[32];
        bont__fmt1(on, sizeof on, r->readouts.onset_day, "");
        bont__fmt1(pe, sizeof pe, r->readouts.peak_effect_pct, "");
        bont__fmt1(du, sizeof du, r->readouts.duration_days, "");
        bont__fmt_day(pk, sizeof pk, r->readouts.peak_day, "");
        for (int d = 0; d <= days; d++) {
            char a[32], b[32], c[32];
            bont__fmt1(a, sizeof a, r->p5[d], "");
            bont__fmt1(b, sizeof b, r->p50[d], "");
            bont__fmt1(c, sizeof c, r->p95[d], "");
            char rs[32];
            bont__fmt1(rs, sizeof rs, pl ? 100.0 * pl->responders[d] : NAN, "");
            fprintf(f, "%s,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", bont_pop_model(pop)->name,
                    r->target.muscle, bont__side(r->target.side), r->target.role, d, a, b, c, on,
                    pk, pe, du, rs, thr);
        }
    }
    return bont__stream_rc(f, 0);
}

/* Spread structures whose median effect never reaches this are left out of the plot. */
#define SVG_MIN_SPREAD_PCT 5.0

int bont_report_pop_svg(FILE *f, const bont_pop_t *pop, const bont_plan_t *plan)
{
    int days = bont_pop_days(pop);
    size_t n = bont_pop_n_results(pop), n_series = 0, n_hidden = 0;
    bont__svg_series_t *s = calloc(n ? n : 1, sizeof *s);
    char(*labels)[160] = calloc(n ? n : 1, sizeof *labels);
    int rc = BONT_ENOMEM;
    if (!s || !labels)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        const bont_pop_result_t *r = bont_pop_result(pop, i);
        bool spread = strcmp(r->target.role, "spread") == 0;
        double top = 0.0;
        for (int d = 0; d <= days; d++)
            top = fmax(top, r->p50[d]);
        if (spread && top < SVG_MIN_SPREAD_PCT) {
            n_hidden++;
            continue;
        }
        char name[128];
        label_of(&r->target, name, sizeof name);
        size_t k = n_series++;
        snprintf(labels[k], sizeof labels[0], spread ? BONT_TR("%s [spread] %.0f%%") : "%s %.0f%%",
                 name, r->readouts.peak_effect_pct);
        /* Bands for the injected muscles only: a band per spread structure too buries the
         * chart (their medians still show where spread acts). */
        s[k] = (bont__svg_series_t){.label = labels[k],
                                    .y = r->p50,
                                    .band_lo = spread ? NULL : r->p5,
                                    .band_hi = spread ? NULL : r->p95};
    }
    char sub[256], note[256];
    snprintf(sub, sizeof sub,
             BONT_TR("model %s, %zu virtual patients: median lines; 5-95 %% bands of the injected "
                     "muscles; effect = loss of force (muscle) or secretion (gland)"),
             bont_pop_model(pop)->name, bont_pop_n_patients(pop));
    snprintf(note, sizeof note,
             BONT_TRN("%zu structure reached only by spread with a median effect below %.0f %% "
                      "not drawn.",
                      "%zu structures reached only by spread with a median effect below %.0f %% "
                      "not drawn.",
                      n_hidden),
             n_hidden, SVG_MIN_SPREAD_PCT);
    const char *notes[1] = {note};
    rc = bont__effect_svg(f, plan, days, sub, s, n_series, notes, n_hidden ? 1 : 0);
cleanup:
    free(s);
    free(labels);
    return rc;
}
