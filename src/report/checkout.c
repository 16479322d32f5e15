/* checkout.c: `bont check` output: the plan, its injections, the findings, the side-effect risk,
 * the sources and the verdict, as text and as JSON; the findings alone for `visit record`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* Risks from this share up are listed one by one in the text; the rest are counted. */
#define RISK_SHOWN 0.005

/* ---- Findings ------------------------------------------------------------------------------ */

int bont_report_findings_text(FILE *f, const bont_finding_t *findings, size_t n)
{
    bont__scratch_t sc = {0};
    for (size_t i = 0; i < n; i++) {
        const bont_finding_t *x = &findings[i];
        fputs("  ", f);
        bont__put_padded(f, bont__severity_tr(x->severity), 7);
        fprintf(f, "  %s\n           %s", bont__tx(&sc, x->rule), bont__tx(&sc, x->message));
        if (x->source[0] || x->evidence[0])
            fprintf(f, " [%s%s%s]", bont__tx(&sc, bont__word_tr("evidence", x->evidence)),
                    x->evidence[0] && x->source[0] ? "; " : "", bont__tx(&sc, x->source));
        fputc('\n', f);
    }
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_findings_json(const bont_finding_t *findings, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++) {
        const bont_finding_t *x = &findings[i];
        bont__jappend(arr,
                      json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "severity",
                                bont_severity_name(x->severity), "rule", bont__jstr(x->rule),
                                "message", bont__jstr(x->message), "source", bont__jstr(x->source),
                                "evidence", bont__jstr(x->evidence), "subject",
                                bont__jstr(x->subject), "unit", bont__jstr(x->unit), "value",
                                bont__jnum_or_null(x->value), "limit",
                                bont__jnum_or_null(x->limit)),
                      &failed);
    }
    if (failed)
        json_decref(arr);
    return failed ? NULL : arr;
}

/* The adverse reactions `bont check` lists: those of the plan's product and indication from
 * BONT_REPORT_REACTION_MIN_PCT up, or all of them; rows are sorted by rate, so they are the
 * first *n. */
static const bont_adverse_reaction_t *shown_reactions(const bont_check_report_t *r, size_t *n)
{
    size_t all = 0;
    const bont_adverse_reaction_t *rows =
        bont_kb_adverse_reactions(r->kb, r->plan->product, r->plan->indication, &all);
    *n = 0;
    while (*n < all && (r->all_reactions || rows[*n].rate_pct >= BONT_REPORT_REACTION_MIN_PCT))
        (*n)++;
    return rows;
}

/* Calls fn for every source id one of the ids strings holds, each once, in order of first
 * citation. */
static void each_id(const char *ids, char *seen, size_t seen_size,
                    void (*fn)(const char *id, void *user), void *user)
{
    bont__ids_add(seen, seen_size, ids, fn, user);
}

/* Calls fn for every source id the findings and the adverse reactions shown cite. */
static void each_source(const bont_check_report_t *r, void (*fn)(const char *id, void *user),
                        void *user)
{
    char seen[4096] = " ";
    const bont_check_t *chk = r->check;
    for (size_t i = 0; i < chk->n_findings; i++)
        each_id(chk->findings[i].source, seen, sizeof seen, fn, user);
    size_t n = 0;
    const bont_adverse_reaction_t *rows = shown_reactions(r, &n);
    for (size_t i = 0; i < n; i++)
        each_id(rows[i].source, seen, sizeof seen, fn, user);
}

/* ---- Text ---------------------------------------------------------------------------------- */

/* "Label       UK SmPC (uk; eu was asked for)". */
static void label_line(FILE *f, const bont_check_report_t *r, bont__scratch_t *sc)
{
    const bont_check_t *chk = r->check;
    const bont_jurisdiction_t *j = bont_kb_jurisdiction(r->kb, chk->jurisdiction);
    const char *name = j ? BONT_TRC("jurisdiction", j->label) : chk->jurisdiction;
    if (chk->jurisdiction_asked[0] && strcmp(chk->jurisdiction_asked, chk->jurisdiction) != 0)
        fprintf(f, BONT_TR("Label       %s (%s; %s was asked for)\n"), bont__tx(sc, name),
                bont__tx(sc, chk->jurisdiction), bont__tx(sc, chk->jurisdiction_asked));
    else
        fprintf(f, BONT_TR("Label       %s (%s)\n"), bont__tx(sc, name),
                bont__tx(sc, chk->jurisdiction));
}

static void plan_header(FILE *f, const bont_check_report_t *r, bont__scratch_t *sc)
{
    const bont_plan_t *plan = r->plan;
    const bont_indication_t *ind = plan->indication;
    const bont_product_t *prod = plan->product;
    const bont_patient_t *pt = &plan->patient;
    char label[1024];
    bont__plan_label(label, sizeof label, plan);
    fprintf(f, BONT_TR("Plan        %s\n"), bont__tx(sc, label));
    fprintf(f, BONT_TR("Date        %s\n"), bont__tx(sc, plan->date));
    if (bont_i18n_thread_lang() != BONT_LANG_EN)
        fprintf(f, BONT_TR("Indication  %s (%s)\n"), bont__tx(sc, bont__indication_name(ind)),
                bont__tx(sc, ind->id));
    else if (ind->name_zh && ind->name_ko)
        fprintf(f, BONT_TR("Indication  %s (%s / %s)\n"), bont__tx(sc, ind->id),
                bont__tx(sc, ind->name_zh), bont__tx(sc, ind->name_ko));
    else if (ind->name_zh || ind->name_ko)
        fprintf(f, BONT_TR("Indication  %s (%s)\n"), bont__tx(sc, ind->id),
                bont__tx(sc, ind->name_zh ? ind->name_zh : ind->name_ko));
    else
        fprintf(f, BONT_TR("Indication  %s\n"), bont__tx(sc, ind->id));
    fprintf(f, BONT_TR("Product     %s (%s), serotype %c\n"), bont__tx(sc, prod->id),
            bont__tx(sc, prod->display), prod->serotype);
    label_line(f, r, sc);
    double per_ml = bont_plan_units_per_ml(plan);
    if (per_ml > 0)
        fprintf(f, BONT_TR("Vial        %g U + %g mL diluent = %.3g U per 0.1 mL\n"),
                plan->vial_units, plan->diluent_ml, per_ml / 10);
    char about[512] = "", item[64];
    snprintf(item, sizeof item, BONT_TR("%g y"), pt->age_years);
    bont__list_add(about, sizeof about, item);
    if (pt->sex[0])
        bont__list_add(about, sizeof about, bont__tx(sc, bont__word_tr("sex", pt->sex)));
    if (pt->weight_kg > 0) {
        snprintf(item, sizeof item, BONT_TR("%g kg"), pt->weight_kg);
        bont__list_add(about, sizeof about, item);
    }
    if (pt->pregnant)
        bont__list_add(about, sizeof about, BONT_TR("pregnant"));
    if (pt->breastfeeding)
        bont__list_add(about, sizeof about, BONT_TR("breastfeeding"));
    fprintf(f, BONT_TR("Patient     %s\n\n"), about);
}

static int injections_table(FILE *f, const bont_plan_t *plan, bont__scratch_t *sc)
{
    bont__table_t *t = bont__table_new(8, "llrrrrrl");
    if (!t)
        return BONT_ENOMEM;
    bont__table_rowf(t, BONT_TR("Muscle\tSide\tUnits (U)\tSites\tU/site\tVolume (mL)\tmL/site\t"
                                "Guidance"));
    double total_u = 0, total_ml = 0;
    int total_sites = 0;
    char u[32], us[32], ml[32], mls[32];
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        bont__fmt_units(u, sizeof u, inj->units);
        bont__fmt_units(us, sizeof us, inj->units / inj->sites);
        bont__fmt_ml(ml, sizeof ml, inj->volume_ml);
        bont__fmt_ml(mls, sizeof mls, inj->volume_ml / inj->sites);
        bont__table_rowf(t, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s",
                         bont__tx(sc, bont__muscle_name(inj->muscle)), bont__side_tr(inj->side), u,
                         inj->sites, us, ml, mls, bont_guidance_name(inj->guidance));
        total_u += inj->units;
        total_ml += inj->volume_ml;
        total_sites += inj->sites;
    }
    bont__fmt_units(u, sizeof u, total_u);
    bont__fmt_ml(ml, sizeof ml, total_ml);
    bont__table_rowf(t, BONT_TR("total\t\t%s\t%d\t\t%s\t\t"), u, total_sites, ml);
    bont__table_print(t, f, 2);
    bont__table_free(&t);
    return 0;
}

static void findings_section(FILE *f, const bont_check_t *chk)
{
    fputs(BONT_TR("\nFindings\n"), f);
    if (chk->n_findings == 0)
        fputs(BONT_TR("  none: every rule bont holds for this plan is met\n"), f);
    bont_report_findings_text(f, chk->findings, chk->n_findings);
}

/* The risks worth reading (calibrated, from RISK_SHOWN up per person) with their structures,
 * then the exposures without a calibrated rate, then how many more there are. */
static int risks_section(FILE *f, const bont_check_report_t *r, bont__scratch_t *sc)
{
    fputs(BONT_TR("\nSide-effect risk\n"), f);
    if (r->risks_not_computed && r->risks_not_computed[0]) {
        fprintf(f, BONT_TR("  not computed: %s\n"), bont__tx(sc, r->risks_not_computed));
        return 0;
    }
    size_t shown = 0, below = 0, uncalibrated = 0;
    bont__table_t *t = bont__risk_table_new();
    int rc = t ? 0 : BONT_ENOMEM;
    for (size_t i = 0; rc == 0 && i < r->n_risks; i++) {
        const bont_effect_risk_t *e = &r->risks[i];
        bool big = e->risk.probability >= RISK_SHOWN;
        below += !big;
        uncalibrated += big && !e->risk.calibrated;
        if (big && e->risk.calibrated) {
            rc = bont__risk_rows(t, e, sc);
            shown++;
        }
    }
    if (rc == 0 && shown)
        bont__table_print(t, f, 2);
    bont__table_free(&t);
    if (rc)
        return rc;
    if (shown == 0)
        fputs(BONT_TR("  no calibrated side effect above 0.5 %\n"), f);
    if (uncalibrated) {
        /* The model over-weakens small facial neighbours (docs/spread.md): without a published
         * rate to check them against, these are exposures, not rates. */
        fputs(BONT_TR("  Reached by spread, rate not calibrated against published data (read as "
                      "exposure):\n"),
              f);
        for (size_t i = 0; i < r->n_risks; i++) {
            const bont_effect_risk_t *e = &r->risks[i];
            if (e->risk.calibrated || e->risk.probability < RISK_SHOWN)
                continue;
            char where[160], list[512] = "";
            for (size_t j = 0; j < e->n_structures; j++) {
                bont__target_label(where, sizeof where, bont__muscle_name(e->structures[j].muscle),
                                   bont__side(e->structures[j].side));
                bont__list_add(list, sizeof list, where);
            }
            fputs("    ", f);
            bont__put_padded(f, bont__tx(sc, BONT_TRC("side effect", e->risk.effect)), 20);
            fprintf(f, " %s\n", bont__tx(sc, list));
        }
    }
    if (below)
        fprintf(f,
                BONT_TRN("  %zu more side effect below 0.5 %% per person\n",
                         "  %zu more side effects below 0.5 %% per person\n", below),
                below);
    fprintf(f,
            BONT_TR("  Share of %zu virtual patients (model parameters, spread and needle "
                    "placement vary)\n  with the side effect in any structure carrying it (either "
                    "eyelid counts once),\n  then structure by structure, with 95 %% intervals; "
                    "calibration and limits in\n  docs/spread.md. Not a rule: it does not change "
                    "the verdict.\n"),
            r->n_risk_patients);
    return 0;
}

/* The adverse reactions the label tables and trials report for the product in the indication:
 * what a patient may expect, next to the model's risks. */
static int reactions_section(FILE *f, const bont_check_report_t *r, bont__scratch_t *sc)
{
    size_t n = 0, all = 0;
    const bont_adverse_reaction_t *rows = shown_reactions(r, &n);
    bont_kb_adverse_reactions(r->kb, r->plan->product, r->plan->indication, &all);
    fputs(BONT_TR("\nAdverse reactions\n"), f);
    if (all == 0) {
        fprintf(f, BONT_TR("  no label table or trial rates for %s in %s are held\n"),
                bont__tx(sc, r->plan->product->id),
                bont__tx(sc, bont__indication_name(r->plan->indication)));
        return 0;
    }
    if (n == 0) {
        fprintf(f,
                BONT_TR("  none of %zu reported reactions reaches %g %% (`bont kb "
                        "adverse-reactions` lists them)\n"),
                all, BONT_REPORT_REACTION_MIN_PCT);
        return 0;
    }
    int rc = bont__reactions_table(f, rows, n, false, sc);
    if (n < all)
        fprintf(f,
                BONT_TRN("  %zu more below %g %% (--all-reactions lists it)\n",
                         "  %zu more below %g %% (--all-reactions lists them)\n", all - n),
                all - n, BONT_REPORT_REACTION_MIN_PCT);
    fputs(BONT_TR("  Rates in the treated group of the source's table or study, for this product "
                  "and\n  indication at its doses; not a prediction for this plan.\n"),
          f);
    return rc;
}

typedef struct source_text_t {
    FILE *f;
    const bont_kb_t *kb;
    bont__scratch_t *sc;
    bool header;
} source_text_t;

static void source_line(const char *id, void *user)
{
    source_text_t *st = user;
    const bont_source_t *s = bont_kb_source(st->kb, id);
    if (!s)
        return;
    if (!st->header)
        fputs(BONT_TR("\nSources\n"), st->f);
    st->header = true;
    fprintf(st->f, "  [%s] %s (%s)%s%s\n", bont__tx(st->sc, s->id), bont__tx(st->sc, s->title),
            bont__tx(st->sc, s->kind ? s->kind : BONT_TR("source")), s->url && *s->url ? " " : "",
            bont__tx(st->sc, s->url));
}

static void verdict_line(FILE *f, const bont_check_t *chk)
{
    char e[64], w[64], n[64];
    snprintf(e, sizeof e, BONT_TRN("%zu error", "%zu errors", chk->n_errors), chk->n_errors);
    snprintf(w, sizeof w, BONT_TRN("%zu warning", "%zu warnings", chk->n_warnings),
             chk->n_warnings);
    snprintf(n, sizeof n, BONT_TRN("%zu note", "%zu notes", chk->n_notes), chk->n_notes);
    fprintf(f, BONT_TR("\nVerdict: %s (%s, %s, %s)\n"),
            chk->n_errors ? BONT_TR("violations") : BONT_TR("ok"), e, w, n);
    fputs(BONT_TR("bont is decision support, not a prescriber: it checks only the rules it "
                  "holds.\n"),
          f);
}

int bont_report_check_text(FILE *f, const bont_check_report_t *r)
{
    bont__scratch_t sc = {0};
    plan_header(f, r, &sc);
    int rc = injections_table(f, r->plan, &sc);
    if (rc == 0) {
        findings_section(f, r->check);
        rc = risks_section(f, r, &sc);
    }
    if (rc == 0)
        rc = reactions_section(f, r, &sc);
    if (rc == 0) {
        source_text_t st = {f, r->kb, &sc, false};
        each_source(r, source_line, &st);
        verdict_line(f, r->check);
    }
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

typedef struct source_json_t {
    const bont_kb_t *kb;
    json_t *obj;
    bool failed;
} source_json_t;

static void source_entry(const char *id, void *user)
{
    source_json_t *sj = user;
    const bont_source_t *s = bont_kb_source(sj->kb, id);
    if (!s)
        return;
    json_t *o =
        json_pack("{s:o, s:o, s:o}", "title", bont__jstr(s->title), "kind",
                  bont__jstr(s->kind ? s->kind : ""), "url", bont__jstr(s->url ? s->url : ""));
    if (!o || json_object_set_new(sj->obj, id, o) != 0)
        sj->failed = true;
}

json_t *bont_report_check_json(const bont_check_report_t *r)
{
    const bont_plan_t *plan = r->plan;
    const bont_check_t *chk = r->check;
    source_json_t sj = {r->kb, json_object(), false};
    if (sj.obj)
        each_source(r, source_entry, &sj);
    size_t n_rows = 0;
    const bont_adverse_reaction_t *rows = shown_reactions(r, &n_rows);
    json_t *root = json_pack(
        "{s:s, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:f}, s:{s:I, s:I, s:I}, s:o, s:o, s:o, "
        "s:f}",
        "verdict", chk->n_errors ? "violations" : "ok", "jurisdiction",
        bont__jstr(chk->jurisdiction), "jurisdiction_asked", bont__jstr(chk->jurisdiction_asked),
        "lang", bont__jlang(), "plan", "file", bont__jstr(plan->file), "date",
        bont__jstr(plan->date), "indication", bont__jstr(plan->indication->id), "product",
        bont__jstr(plan->product->id), "units_per_ml", bont_plan_units_per_ml(plan), "counts",
        "error", (json_int_t)chk->n_errors, "warning", (json_int_t)chk->n_warnings, "note",
        (json_int_t)chk->n_notes, "findings",
        bont_report_findings_json(chk->findings, chk->n_findings), "risks",
        bont__risks_json(r->risks, r->n_risks), "adverse_reactions",
        bont_report_adverse_reactions_json(rows, n_rows), "adverse_reactions_min_pct",
        r->all_reactions ? 0.0 : BONT_REPORT_REACTION_MIN_PCT);
    if (root && r->risks_not_computed && r->risks_not_computed[0] &&
        json_object_set_new(root, "risks_not_computed", bont__jstr(r->risks_not_computed)))
        sj.failed = true;
    if (!root || sj.failed || json_object_set_new(root, "sources", sj.obj) != 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}
