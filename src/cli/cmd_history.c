/* cmd_history.c: reading the records back: `bont history ID`, `bont recall LOT`, `bont due`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/store_cli.h"
#include "util/table.h"

enum { MAX_DOSE_COLUMNS = 6 }; /* visits shown side by side in the per-muscle table */

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static void today_local(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Parses the options of a command whose only positional argument is one value. */
static int one_positional(bont_store_args_t *a, int argc, char **argv, const char **value,
                          const char *extra, const char **extra_value, const char *extra2,
                          const char **extra2_value)
{
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(a, argc, argv, &i);
        if (m == 0 && extra)
            m = bont_cli_opt(argc, argv, &i, extra, extra_value);
        if (m == 0 && extra2)
            m = bont_cli_opt(argc, argv, &i, extra2, extra2_value);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0 && (argv[i][0] == '-' || *value))
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
        if (m == 0)
            *value = argv[i];
    }
    return 0;
}

static void print_prediction_text(const bont_due_t *d, const char *basis)
{
    printf("\nNext wear-off\n");
    if (d->observed) {
        printf("  the effect of the last visit (%s) wore off on %s\n", d->visit_date,
               d->wear_off_date);
        return;
    }
    printf("  predicted %s: %.0f days after %s (%s %.0f days for this visit x %.2f personal "
           "factor from %zu recorded wear-off%s)\n",
           d->wear_off_date, d->personal_days, d->visit_date, basis, d->expected_days,
           d->post.factor, d->post.n_obs, d->post.n_obs == 1 ? "" : "s");
}

static void print_history_text(const bont_store_record_t *rec, const bont_due_t *pred)
{
    const bont_store_patient_t *p = &rec->patient;
    printf("Patient %lld: %s, %s, born %s", p->id, p->name, p->sex, p->birth_date);
    if (p->weight_kg > 0)
        printf(", %g kg", p->weight_kg);
    printf("\n");
    for (size_t i = 0; i < p->n_terms; i++)
        printf("%s%s %s", i ? ", " : "Recorded: ", p->terms[i].kind, p->terms[i].name);
    if (p->n_terms)
        printf("\n");

    printf("\nTimeline\n");
    if (!rec->n_visits && !rec->n_outcomes)
        printf("  nothing recorded yet\n");
    /* Visits, outcomes and adverse events merged by date; a visit comes before what followed
     * it on the same day. */
    size_t vi = 0, oi = 0;
    while (vi < rec->n_visits || oi < rec->n_outcomes) {
        const bont_store_visit_t *v = vi < rec->n_visits ? &rec->visits[vi] : NULL;
        const bont_store_outcome_t *o = oi < rec->n_outcomes ? &rec->outcomes[oi] : NULL;
        if (v && (!o || strcmp(v->date, o->date) <= 0)) {
            printf("  %s  visit %lld: %s, %s lot %s (expires %s), %g U\n", v->date, v->id,
                   v->indication, v->vial.product, v->vial.lot, v->vial.expiry, v->total_units);
            for (size_t k = 0; k < v->n_injections; k++) {
                const bont_store_injection_t *in = &v->injections[k];
                printf("              %s%s%s %g U", in->muscle, in->side[0] ? " " : "", in->side,
                       in->units);
                if (in->sites > 1)
                    printf(", %d sites", in->sites);
                if (in->volume_ml >= 0)
                    printf(", %g mL", in->volume_ml);
                if (in->guidance[0])
                    printf(", %s", in->guidance);
                printf("\n");
            }
            if (v->vial.reconstituted_at[0])
                printf("              vial reconstituted %s\n", v->vial.reconstituted_at);
            if (v->override_reason[0])
                printf("              recorded despite a failed check: %s\n", v->override_reason);
            if (v->wore_off_date[0])
                printf("              effect wore off %s\n", v->wore_off_date);
            for (size_t k = 0; k < rec->n_aes; k++) {
                const bont_store_ae_t *ae = &rec->aes[k];
                if (ae->visit_id != v->id)
                    continue;
                printf("              adverse event: %s, %s, from day %d, %s%s\n", ae->what,
                       ae->severity, ae->onset_day, ae->resolved_date[0] ? "resolved " : "",
                       ae->resolved_date[0] ? ae->resolved_date : "not resolved");
            }
            vi++;
        } else {
            printf("  %s  outcome: %s %g", o->date, o->scale, o->score);
            if (o->visit_id)
                printf(" (after visit %lld)", o->visit_id);
            if (o->note[0])
                printf(": %s", o->note);
            printf("\n");
            oi++;
        }
    }

    if (rec->n_visits) {
        size_t first = rec->n_visits > MAX_DOSE_COLUMNS ? rec->n_visits - MAX_DOSE_COLUMNS : 0;
        size_t cols = rec->n_visits - first;
        char align[MAX_DOSE_COLUMNS + 2] = "l";
        memset(align + 1, 'r', cols);
        align[cols + 1] = '\0';
        bont_table_t *t = bont_table_new((int)cols + 1, align);
        const char *cells[MAX_DOSE_COLUMNS + 1];
        char text[MAX_DOSE_COLUMNS + 1][96];
        cells[0] = "Units per muscle";
        for (size_t c = 0; c < cols; c++) {
            snprintf(text[c + 1], sizeof text[c + 1], "%s", rec->visits[first + c].date);
            cells[c + 1] = text[c + 1];
        }
        bont_table_row(t, cells);
        /* One row per muscle and side, in order of first appearance. */
        for (size_t vi2 = first; vi2 < rec->n_visits; vi2++) {
            for (size_t k = 0; k < rec->visits[vi2].n_injections; k++) {
                const bont_store_injection_t *in = &rec->visits[vi2].injections[k];
                int seen = 0;
                for (size_t pv = first; pv <= vi2 && !seen; pv++)
                    for (size_t pk = 0; pk < rec->visits[pv].n_injections; pk++) {
                        const bont_store_injection_t *q = &rec->visits[pv].injections[pk];
                        if ((pv < vi2 || pk < k) && !strcmp(q->muscle, in->muscle) &&
                            !strcmp(q->side, in->side))
                            seen = 1;
                    }
                if (seen)
                    continue;
                snprintf(text[0], sizeof text[0], "%s%s%s", in->muscle, in->side[0] ? " " : "",
                         in->side);
                cells[0] = text[0];
                for (size_t c = 0; c < cols; c++) {
                    double u = 0;
                    const bont_store_visit_t *v = &rec->visits[first + c];
                    for (size_t j = 0; j < v->n_injections; j++)
                        if (!strcmp(v->injections[j].muscle, in->muscle) &&
                            !strcmp(v->injections[j].side, in->side))
                            u += v->injections[j].units;
                    if (u > 0)
                        snprintf(text[c + 1], sizeof text[c + 1], "%g", u);
                    else
                        snprintf(text[c + 1], sizeof text[c + 1], "-");
                    cells[c + 1] = text[c + 1];
                }
                bont_table_row(t, cells);
            }
        }
        printf("\n");
        bont_table_print(t, stdout, 2);
        bont_table_free(&t);
    }
    if (pred)
        print_prediction_text(pred, !strcmp(pred->basis, "model") ? "model" : "population table");
}

static json_t *due_json(const bont_due_t *d)
{
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:f, s:s, s:f, s:{s:f, s:f, s:f, s:I}, "
                     "s:s, s:b, s:I}",
                     "patient_id", (json_int_t)d->patient_id, "name", d->name, "visit_id",
                     (json_int_t)d->visit_id, "visit_date", d->visit_date, "indication",
                     d->indication, "product", d->product, "expected_days", d->expected_days,
                     "expected_basis", d->basis, "personal_days", d->personal_days,
                     "personal_factor", "log_mean", d->post.mean, "log_sd", d->post.sd, "factor",
                     d->post.factor, "n_wear_offs", (json_int_t)d->post.n_obs, "wear_off_date",
                     d->wear_off_date, "observed", d->observed, "days_left",
                     (json_int_t)d->days_left);
}

static int history(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    const char *id_text = NULL, *today_opt = NULL;
    int code = one_positional(a, argc, argv, &id_text, "--today", &today_opt, NULL, NULL);
    if (code != 0)
        return code;
    long long id = bont_cli_id(id_text);
    if (!id)
        return bont_cli_usage_error(a, "give the patient's id (a number), e.g. bont history 3");
    char today[11];
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        today_local(today);
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    bont_duration_prior_t prior;
    bont_due_t pred;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    bont_duration_model_ctx_t mctx = {.kb = kb, .model = bont_model_bont};
    int rc = bont_store_record_load(s, id, &rec, &err);
    if (rc == 0)
        rc = bont_duration_prior_load(&prior, &err);
    if (rc == 0)
        rc = bont_params_load(&mctx.params, &err);
    int have_pred = 0;
    if (rc == 0 && rec->n_visits) {
        rc = bont_store_predict(rec, bont_duration_model_or_table, &mctx, &prior, today, &pred,
                                &err);
        have_pred = rc == 0;
    }
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else if (a->json) {
        json_t *visits = json_array(), *outcomes = json_array(), *aes = json_array();
        for (size_t i = 0; i < rec->n_visits; i++)
            json_array_append_new(visits, bont_cli_visit_json(&rec->visits[i]));
        for (size_t i = 0; i < rec->n_outcomes; i++) {
            const bont_store_outcome_t *o = &rec->outcomes[i];
            json_array_append_new(
                outcomes,
                json_pack("{s:I, s:o, s:s, s:f, s:s, s:o}", "id", (json_int_t)o->id, "visit_id",
                          o->visit_id ? json_integer(o->visit_id) : json_null(), "scale", o->scale,
                          "score", o->score, "date", o->date, "note",
                          o->note[0] ? json_string(o->note) : json_null()));
        }
        for (size_t i = 0; i < rec->n_aes; i++) {
            const bont_store_ae_t *e = &rec->aes[i];
            json_array_append_new(
                aes, json_pack("{s:I, s:I, s:s, s:i, s:s, s:o, s:o}", "id", (json_int_t)e->id,
                               "visit_id", (json_int_t)e->visit_id, "what", e->what, "onset_day",
                               e->onset_day, "severity", e->severity, "resolved_date",
                               e->resolved_date[0] ? json_string(e->resolved_date) : json_null(),
                               "note", e->note[0] ? json_string(e->note) : json_null()));
        }
        bont_cli_print_json(json_pack("{s:o, s:o, s:o, s:o, s:o}", "patient",
                                      bont_cli_patient_json(&rec->patient), "visits", visits,
                                      "outcomes", outcomes, "adverse_events", aes, "prediction",
                                      have_pred ? due_json(&pred) : json_null()));
    } else {
        print_history_text(rec, have_pred ? &pred : NULL);
    }
    bont_store_record_free(&rec);
    bont_store_close(&s);
    return code;
}

static int recall(bont_store_args_t *a, int argc, char **argv)
{
    const char *lot = NULL;
    int code = one_positional(a, argc, argv, &lot, NULL, NULL, NULL, NULL);
    if (code != 0)
        return code;
    if (!lot || !*lot)
        return bont_cli_usage_error(a, "give the lot number, e.g. bont recall C3518AB");
    bont_store_t *s = NULL;
    bont_store_recall_t *r = NULL;
    size_t n = 0;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    int rc = bont_store_recall(s, lot, &r, &n, &err);
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else if (a->json) {
        json_t *arr = json_array();
        size_t n_patients = 0;
        for (size_t i = 0; i < n; i++) {
            n_patients += i == 0 || r[i].patient_id != r[i - 1].patient_id;
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:f}", "patient_id",
                               (json_int_t)r[i].patient_id, "name", r[i].patient_name, "birth_date",
                               r[i].birth_date, "visit_id", (json_int_t)r[i].visit_id, "date",
                               r[i].date, "product", r[i].product, "lot", r[i].lot, "expiry",
                               r[i].expiry, "total_units", r[i].total_units));
        }
        bont_cli_print_json(json_pack("{s:s, s:I, s:I, s:o}", "lot", lot, "patients",
                                      (json_int_t)n_patients, "visits", (json_int_t)n, "records",
                                      arr));
    } else if (n == 0) {
        printf("no visit recorded lot %s\n", lot);
    } else {
        size_t n_patients = 0;
        for (size_t i = 0; i < n; i++)
            n_patients += i == 0 || r[i].patient_id != r[i - 1].patient_id;
        printf("Lot %s: %zu patient%s, %zu visit%s\n\n", lot, n_patients,
               n_patients == 1 ? "" : "s", n, n == 1 ? "" : "s");
        bont_table_t *t = bont_table_new(8, "rllrlllr");
        bont_table_rowf(t, "Patient\tName\tBorn\tVisit\tDate\tProduct\tExpiry\tUnits");
        for (size_t i = 0; i < n; i++)
            bont_table_rowf(t, "%lld\t%s\t%s\t%lld\t%s\t%s\t%s\t%g", r[i].patient_id,
                            r[i].patient_name, r[i].birth_date, r[i].visit_id, r[i].date,
                            r[i].product, r[i].expiry, r[i].total_units);
        bont_table_print(t, stdout, 0);
        bont_table_free(&t);
    }
    free(r);
    bont_store_close(&s);
    return code;
}

static int due(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    const char *within_opt = NULL, *today_opt = NULL, *none = NULL;
    int code = one_positional(a, argc, argv, &none, "--within", &within_opt, "--today", &today_opt);
    if (code != 0)
        return code;
    if (none)
        return bont_cli_usage_error(a, "unexpected argument %s", none);
    long within = 14;
    if (within_opt) {
        char *end = NULL;
        within = strtol(within_opt, &end, 10);
        if (!end || *end || end == within_opt || within < 0 || within > 3650)
            return bont_cli_usage_error(a, "--within must be days, 0 to 3650 (got \"%s\")",
                                        within_opt);
    }
    char today[11];
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        today_local(today);
    bont_store_t *s = NULL;
    bont_due_t *list = NULL;
    size_t n = 0;
    bont_duration_prior_t prior;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    bont_duration_model_ctx_t mctx = {.kb = kb, .model = bont_model_bont};
    int rc = bont_duration_prior_load(&prior, &err);
    if (rc == 0)
        rc = bont_params_load(&mctx.params, &err);
    if (rc == 0)
        rc = bont_store_due(s, bont_duration_model_or_table, &mctx, &prior, today, (int)within,
                            &list, &n, &err);
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else if (a->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, due_json(&list[i]));
        bont_cli_print_json(
            json_pack("{s:s, s:i, s:o}", "today", today, "within_days", (int)within, "due", arr));
    } else if (n == 0) {
        printf("no patient's effect is predicted to wear off by %ld days after %s\n", within,
               today);
    } else {
        printf("Effect predicted to wear off within %ld days of %s\n\n", within, today);
        bont_table_t *t = bont_table_new(8, "rlllrrlr");
        bont_table_rowf(t, "Patient\tName\tLast visit\tIndication\tDays (pop.)\tFactor\tWears "
                           "off\tDays left");
        for (size_t i = 0; i < n; i++) {
            const bont_due_t *d = &list[i];
            bont_table_rowf(t, "%lld\t%s\t%s\t%s\t%.0f\t%.2f (%zu)\t%s%s\t%ld", d->patient_id,
                            d->name, d->visit_date, d->indication, d->expected_days, d->post.factor,
                            d->post.n_obs, d->wear_off_date, d->observed ? " (seen)" : "",
                            d->days_left);
        }
        bont_table_print(t, stdout, 0);
        bont_table_free(&t);
        printf("\nFactor: how much longer than average this patient's effect lasts, from the\n"
               "number of recorded wear-off dates in brackets (docs/store.md).\n");
    }
    free(list);
    bont_store_close(&s);
    return code;
}

int bont_cmd_history(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "history"};
    if (wants_help(argc, argv)) {
        printf("usage: bont history ID [--today YYYY-MM-DD] [--db FILE] [--format text|json]\n"
               "The patient's timeline: visits with the dose in each muscle, outcomes, adverse\n"
               "events, wear-off dates, and the predicted wear-off of the last visit.\n");
        return BONT_EXIT_OK;
    }
    return history(kb, &a, argc, argv);
}

int bont_cmd_recall(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {NULL, 0, "recall"};
    if (wants_help(argc, argv)) {
        printf("usage: bont recall LOT [--db FILE] [--format text|json]\n"
               "Every patient and visit that received the lot (case is ignored).\n");
        return BONT_EXIT_OK;
    }
    return recall(&a, argc, argv);
}

int bont_cmd_due(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "due"};
    if (wants_help(argc, argv)) {
        printf("usage: bont due [--within DAYS] [--today YYYY-MM-DD] [--db FILE] [--format "
               "text|json]\n"
               "Patients whose last treatment is predicted to wear off within DAYS (default 14)\n"
               "of today, soonest first. The prediction is the population duration for the\n"
               "indication times the patient's personal factor, learnt from their recorded\n"
               "wear-off dates (bont outcome add --visit ID --wore-off DATE; docs/store.md).\n");
        return BONT_EXIT_OK;
    }
    return due(kb, &a, argc, argv);
}
