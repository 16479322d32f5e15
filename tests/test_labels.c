/* test_labels.c: what the labels say and the checker makes of it (docs/knowledge-base.md):
 * every listed excipient is an allergy error for its product, ages and weight bands, guidance
 * names, a dilution outside the label as a finding, the label chosen by jurisdiction, the
 * adverse-reaction tables and the seeds' names. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/kb.h"
#include "bont/plan.h"
#include "test.h"

static bont_kb_t *load_kb(void)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    return kb;
}

/* Parses and checks plan text; returns the exit code `bont check` would give, with the findings
 * in *chk (caller frees) and the error in msg. */
static int run(const bont_kb_t *kb, const char *text, const char *jurisdiction, bont_check_t **chk,
               char *msg, size_t size)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_check_opts_t opts = {.jurisdiction = jurisdiction};
    *chk = NULL;
    msg[0] = '\0';
    int rc = bont_plan_parse(kb, text, strlen(text), "plan", &plan, &err);
    if (!rc)
        rc = bont_check_run(kb, plan, &opts, chk, &err);
    bont_plan_free(&plan);
    if (rc) {
        bont_error_format(&err, msg, size);
        return 2;
    }
    return (*chk)->n_errors ? 1 : 0;
}

static const bont_finding_t *finding(const bont_check_t *chk, const char *rule)
{
    for (size_t i = 0; chk && i < chk->n_findings; i++)
        if (strcmp(chk->findings[i].rule, rule) == 0)
            return &chk->findings[i];
    return NULL;
}

/* A plan of product for indication with one injection of units into muscle, the patient's
 * fields and allergies given as JSON fragments. */
static void plan_text(char *buf, size_t size, const char *product, double vial_units,
                      const char *diluent, const char *indication, const char *patient,
                      const char *injections)
{
    snprintf(buf, size,
             "{\"patient\": {%s}, \"date\": \"2026-11-21\", \"indication\": \"%s\", "
             "\"product\": \"%s\", \"vial\": {\"units\": %g%s}, \"injections\": [%s]}",
             patient, indication, product, vial_units, diluent, injections);
}

/* The plan every product can be checked with: its main label's first indication, its first
 * vial at the middle of its diluent range, one small injection into the indication's first
 * usual target. */
static void any_plan(const bont_kb_t *kb, const bont_product_t *p, const char *allergy, char *buf,
                     size_t size)
{
    const bont_indication_t *ind = bont_kb_indication(kb, p->labels[0].indications[0]);
    const bont_muscle_t *m = bont_kb_muscle(kb, ind->n_muscles ? ind->muscles[0] : "procerus");
    const bont_vial_t *v = &p->vials[0];
    char diluent[64] = "", patient[256], inj[256];
    if (v->solution_ml <= 0)
        snprintf(diluent, sizeof diluent, ", \"diluent_ml\": %g",
                 v->diluent_ml_max > 0 ? (v->diluent_ml_min + v->diluent_ml_max) / 2 : 2.5);
    snprintf(patient, sizeof patient,
             "\"age_years\": 40, \"weight_kg\": 70, \"allergies\": [\"%s\"]", allergy);
    snprintf(inj, sizeof inj, "{\"muscle\": \"%s\"%s, \"units\": %g}", m->id,
             m->sided ? ", \"side\": \"left\"" : "", p->serotype == 'B' ? 100.0 : 2.0);
    plan_text(buf, size, p->id, v->units, diluent, ind->id, patient, inj);
}

/* An allergy to each excipient a product's label lists, and to the toxin, is an error for that
 * product, whatever the jurisdiction. */
TEST(labels_every_listed_excipient_is_an_allergy_error)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    int n_checked = 0;
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        CHECK_MSG(p->n_excipients > 0, "%s lists no excipient", p->id);
        CHECK_MSG(p->n_labels > 0 && p->labels[0].n_indications > 0, "%s has no label", p->id);
        if (!p->n_labels || !p->labels[0].n_indications || !p->n_vials)
            continue;
        for (size_t k = 0; k <= p->n_excipients; k++) {
            const char *allergy =
                k < p->n_excipients ? p->excipient_list[k].term : "botulinum_toxin";
            char text[2048], msg[1400];
            any_plan(kb, p, allergy, text, sizeof text);
            bont_check_t *chk = NULL;
            int got = run(kb, text, NULL, &chk, msg, sizeof msg);
            CHECK_MSG(got == 1, "%s, allergy to %s: exit %d (%s)", p->id, allergy, got, msg);
            int named = 0;
            for (size_t f = 0; chk && f < chk->n_findings; f++)
                named |= chk->findings[f].severity == BONT_SEV_ERROR &&
                         strstr(chk->findings[f].rule, "contra.") == chk->findings[f].rule &&
                         !strcmp(chk->findings[f].subject, allergy);
            CHECK_MSG(named, "%s: no contraindication error names %s", p->id, allergy);
            bont_check_free(&chk);
            n_checked++;
        }
    }
    CHECK_MSG(n_checked >= 30, "only %d product x excipient pairs", n_checked);
    /* The names a patient writes: Chinese gelatin for Hengli, albumin for Xeomin. */
    struct {
        const char *product, *allergy, *rule;
    } named[] = {{"Hengli", "明胶", "contra.excipient"},
                 {"Xeomin", "albumin", "contra.albumin"},
                 {"Dysport", "乳糖", "contra.excipient"},
                 {"Daxxify", "polysorbate", "contra.excipient"}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        const bont_product_t *p = bont_kb_product(kb, named[i].product);
        char text[2048], msg[1400];
        any_plan(kb, p, named[i].allergy, text, sizeof text);
        bont_check_t *chk = NULL;
        CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 1);
        const bont_finding_t *f = finding(chk, named[i].rule);
        CHECK_MSG(f && strstr(f->message, "contains") && strstr(f->message, "label:"),
                  "%s / %s: %s", named[i].product, named[i].allergy, f ? f->message : "missing");
        bont_check_free(&chk);
    }
    bont_kb_free(&kb);
}

static const char *const cd_botox =
    "\"injections\": [{\"muscle\": \"sternocleidomastoid\", \"side\": \"left\", \"units\": 30, "
    "\"guidance\": \"emg\"}]";

/* Age rules: outside the labelled range (warning, with the range in words), contraindicated
 * (error, naming the label), and no finding where a paediatric rule hands over to the adult
 * rules. */
TEST(labels_ages_by_their_basis)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    char text[2048], msg[1400];
    bont_check_t *chk = NULL;
    snprintf(text, sizeof text,
             "{\"patient\": {\"age_years\": 14, \"weight_kg\": 50}, \"date\": \"2026-11-21\", "
             "\"indication\": \"cervical_dystonia\", \"product\": \"Botox\", \"vial\": "
             "{\"units\": 100, \"diluent_ml\": 2}, %s}",
             cd_botox);
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    const bont_finding_t *f = finding(chk, "ona.age.cd");
    CHECK(f && f->severity == BONT_SEV_WARNING);
    CHECK_MSG(f && strstr(f->message, "outside the labelled age range") &&
                  strstr(f->message, "16 years and older"),
              "%s", f ? f->message : "missing");
    bont_check_free(&chk);
    /* The same plan in the EU: the French SmPC's 12 years applies; the US 16 is a note. */
    CHECK_INT(run(kb, text, "eu", &chk, msg, sizeof msg), 0);
    CHECK(finding(chk, "ona.age.cd") == NULL);
    f = finding(chk, "jurisdiction.other_label");
    CHECK_MSG(f && f->severity == BONT_SEV_NOTE && strstr(f->message, "ona.age.cd"), "%s",
              f ? f->message : "missing");
    CHECK_STR(chk ? chk->jurisdiction : NULL, "eu");
    bont_check_free(&chk);
    /* Letybo from 75 under the UK SmPC: contraindicated, an error naming the label. */
    snprintf(text, sizeof text,
             "{\"patient\": {\"age_years\": 75, \"weight_kg\": 70}, \"date\": \"2026-11-21\", "
             "\"indication\": \"glabellar_lines\", \"product\": \"Letybo\", \"vial\": "
             "{\"units\": 100, \"diluent_ml\": 2.5}, \"injections\": [{\"muscle\": \"procerus\", "
             "\"units\": 4}], \"jurisdiction\": \"uk\"}");
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 1);
    f = finding(chk, "leti.age");
    CHECK_MSG(f && strstr(f->message, "UK SmPC contraindicates") && strstr(f->message, "from 75"),
              "%s", f ? f->message : "missing");
    bont_check_free(&chk);
    /* 74 is still inside the label. */
    char *at = strstr(text, "75");
    at[1] = '4';
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    CHECK(finding(chk, "leti.age") == NULL);
    bont_check_free(&chk);
    /* An 18-year-old in a paediatric indication: the adult rules apply, no age finding. */
    snprintf(text, sizeof text,
             "{\"patient\": {\"age_years\": 18, \"weight_kg\": 60}, \"date\": \"2026-11-21\", "
             "\"indication\": \"pediatric_upper_limb_spasticity\", \"product\": \"Botox\", "
             "\"vial\": {\"units\": 100, \"diluent_ml\": 2}, \"injections\": [{\"muscle\": "
             "\"biceps_brachii\", \"side\": \"left\", \"units\": 40, \"guidance\": \"emg\"}]}");
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    CHECK(finding(chk, "ona.age.pediatric") == NULL);
    bont_check_free(&chk);
    bont_kb_free(&kb);
}

/* Xeomin in children's sialorrhea: the session maximum of the weight band, a warning below the
 * labelled weight (the lowest band then applies), and without a weight the overall maximum
 * with a note, never an exit 2. */
TEST(labels_weight_bands_table)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    struct {
        const char *weight; /* JSON fragment */
        double units;
        int exit;
        double limit;      /* of inco.sial.pediatric when it fires, else NAN */
        const char *extra; /* another finding that must be there, or NULL */
    } cases[] = {
        {", \"weight_kg\": 14", 30, 1, 20, NULL},
        {", \"weight_kg\": 14", 20, 0, NAN, NULL},
        {", \"weight_kg\": 15", 30, 0, NAN, NULL},
        {", \"weight_kg\": 29.9", 61, 1, 60, NULL},
        {", \"weight_kg\": 40", 75, 0, NAN, NULL},
        {", \"weight_kg\": 40", 80, 1, 75, NULL},
        {", \"weight_kg\": 10", 25, 1, 20, "inco.sial.pediatric.weight"},
        {"", 70, 0, NAN, "inco.sial.pediatric.weight"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048], msg[1400], patient[96], inj[512];
        snprintf(patient, sizeof patient, "\"age_years\": 6%s", cases[i].weight);
        snprintf(inj, sizeof inj,
                 "{\"muscle\": \"parotid_gland\", \"side\": \"left\", \"units\": %g}",
                 cases[i].units);
        plan_text(text, sizeof text, "Xeomin", 100, ", \"diluent_ml\": 2", "sialorrhea", patient,
                  inj);
        bont_check_t *chk = NULL;
        int got = run(kb, text, NULL, &chk, msg, sizeof msg);
        CHECK_MSG(got == cases[i].exit, "case %zu: exit %d, expected %d (%s)", i, got,
                  cases[i].exit, msg);
        const bont_finding_t *f = finding(chk, "inco.sial.pediatric");
        if (!isnan(cases[i].limit))
            CHECK_MSG(f && f->limit == cases[i].limit, "case %zu: limit %g", i,
                      f ? f->limit : -1.0);
        if (cases[i].extra)
            CHECK_MSG(finding(chk, cases[i].extra) != NULL, "case %zu: %s missing", i,
                      cases[i].extra);
        bont_check_free(&chk);
    }
    bont_kb_free(&kb);
}

/* Botox in a child's leg: 4-8 U/kg up to 300 U per session and 10 U/kg up to 340 U in 12
 * weeks; 15 U/kg is an error with the per-kg limit in the finding. */
TEST(labels_pediatric_per_kg_limits)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    struct {
        double weight, units;
        int exit;
    } cases[] = {{20, 300, 1}, {20, 160, 0}, {20, 161, 1}, {50, 300, 0}, {50, 310, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048], msg[1400], patient[96], inj[512];
        snprintf(patient, sizeof patient, "\"age_years\": 6, \"weight_kg\": %g", cases[i].weight);
        snprintf(inj, sizeof inj,
                 "{\"muscle\": \"gastrocnemius\", \"side\": \"left\", \"units\": %g, "
                 "\"guidance\": \"emg\", \"sites\": 8}",
                 cases[i].units);
        plan_text(text, sizeof text, "Botox", 200, ", \"diluent_ml\": 4",
                  "pediatric_lower_limb_spasticity", patient, inj);
        bont_check_t *chk = NULL;
        int got = run(kb, text, NULL, &chk, msg, sizeof msg);
        CHECK_MSG(got == cases[i].exit, "case %zu: exit %d, expected %d (%s)", i, got,
                  cases[i].exit, msg);
        const bont_finding_t *f = finding(chk, "ona.plls.limb");
        double limit = fmin(8 * cases[i].weight, 300);
        if (cases[i].units > limit)
            CHECK_MSG(f && f->severity == BONT_SEV_ERROR && f->limit == limit &&
                          strstr(f->message, "U/kg"),
                      "case %zu: %s", i, f ? f->message : "missing");
        bont_check_free(&chk);
    }
    bont_kb_free(&kb);
}

/* Guidance by any name of data/guidance.json, in three languages; strabismus asks for EMG and
 * 0.05-0.15 mL per muscle. */
TEST(labels_guidance_names_and_strabismus)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    struct {
        const char *name;
        int exit;
        const char *rule; /* must be among the findings, or NULL for none of the two */
    } cases[] = {
        {"emg", 0, NULL},
        {"EMG-guided", 0, NULL},
        {"근전도", 0, NULL},
        {"肌电图", 0, NULL},
        {"초음파", 0, "ona.strab.guidance"},
        {"palpation", 0, "ona.strab.guidance"},
        {"divining rod", 2, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[2048], msg[1400], inj[256];
        snprintf(inj, sizeof inj,
                 "{\"muscle\": \"medial_rectus\", \"side\": \"left\", \"units\": 2.5, "
                 "\"guidance\": \"%s\"}",
                 cases[i].name);
        plan_text(text, sizeof text, "Botox", 100, ", \"diluent_ml\": 2.5", "strabismus",
                  "\"age_years\": 30", inj);
        bont_check_t *chk = NULL;
        int got = run(kb, text, NULL, &chk, msg, sizeof msg);
        CHECK_MSG(got == cases[i].exit, "%s: exit %d (%s)", cases[i].name, got, msg);
        if (got == 2)
            CHECK_MSG(strstr(msg, "guidance must be one of"), "%s", msg);
        else if (cases[i].rule)
            CHECK_MSG(finding(chk, cases[i].rule) != NULL, "%s: no %s", cases[i].name,
                      cases[i].rule);
        else
            CHECK_MSG(chk->n_warnings == 0, "%s: %zu warnings", cases[i].name, chk->n_warnings);
        bont_check_free(&chk);
    }
    /* 2.5 U at 4 U/0.1 mL is 0.0625 mL; 10 U is 0.25 mL, over 0.15 mL in one muscle. */
    char text[2048], msg[1400];
    plan_text(text, sizeof text, "Botox", 100, ", \"diluent_ml\": 2.5", "strabismus",
              "\"age_years\": 30",
              "{\"muscle\": \"medial_rectus\", \"side\": \"left\", \"units\": 5, \"guidance\": "
              "\"emg\"}, {\"muscle\": \"medial_rectus\", \"side\": \"left\", \"units\": 5, "
              "\"guidance\": \"emg\"}");
    bont_check_t *chk = NULL;
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    const bont_finding_t *f = finding(chk, "ona.strab.volume");
    CHECK(f && f->severity == BONT_SEV_WARNING);
    CHECK_REL(f ? f->value : 0, 0.25, 1e-9);
    CHECK_REL(f ? f->limit : 0, 0.15, 1e-9);
    bont_check_free(&chk);
    bont_kb_free(&kb);
}

/* A diluent volume outside the vial's labelled range is a warning with the concentrations, and
 * every other rule is still checked with the plan's volumes. */
TEST(labels_dilution_outside_is_a_finding)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    char text[2048], msg[1400];
    plan_text(text, sizeof text, "Nabota", 100, ", \"diluent_ml\": 2", "glabellar_lines",
              "\"age_years\": 30", "{\"muscle\": \"procerus\", \"units\": 40}");
    bont_check_t *chk = NULL;
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 1);
    const bont_finding_t *f = finding(chk, "vial.dilution_outside_label");
    CHECK(f && f->severity == BONT_SEV_WARNING);
    CHECK_REL(f ? f->value : 0, 2.0, 0);
    CHECK_REL(f ? f->limit : 0, 2.5, 0);
    CHECK_MSG(f && strstr(f->message, "5 U/0.1 mL") && strstr(f->message, "2.5 mL (4 U/0.1 mL)"),
              "%s", f ? f->message : "missing");
    CHECK(chk && chk->n_errors >= 1); /* the 40 U in the procerus is still checked */
    bont_check_free(&chk);
    /* Above the range: the nearer bound is the upper one. */
    plan_text(text, sizeof text, "Botox", 100, ", \"diluent_ml\": 12", "glabellar_lines",
              "\"age_years\": 30", "{\"muscle\": \"procerus\", \"units\": 4}");
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    f = finding(chk, "vial.dilution_outside_label");
    CHECK_REL(f ? f->limit : 0, 10.0, 0);
    bont_check_free(&chk);
    bont_kb_free(&kb);
}

/* The label chosen: the option wins over the plan, a product without the label asked for falls
 * back (eu to uk, then its main label), an unknown jurisdiction is refused. */
TEST(labels_jurisdiction_choice)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    char text[2048], msg[1400];
    const char *letybo_mg =
        "{\"patient\": {\"age_years\": 40, \"conditions\": [\"myasthenia gravis\"]}, "
        "\"date\": \"2026-11-21\", \"indication\": \"glabellar_lines\", \"product\": "
        "\"Letybo\", \"vial\": {\"units\": 100, \"diluent_ml\": 2.5}, \"injections\": "
        "[{\"muscle\": \"procerus\", \"units\": 4}]%s}";
    struct {
        const char *plan_j, *opt_j, *used, *rule;
        int exit;
    } cases[] = {
        {"", NULL, "us", "jurisdiction.other_label", 0},
        {", \"jurisdiction\": \"uk\"", NULL, "uk", "contra.neuromuscular.letybo", 1},
        {", \"jurisdiction\": \"EU\"", NULL, "uk", "jurisdiction.fallback", 1},
        {", \"jurisdiction\": \"uk\"", "us", "us", "warn.neuromuscular", 0},
        {"", "kr", "us", "jurisdiction.fallback", 0},
        {"", "cn", "us", "jurisdiction.fallback", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, letybo_mg, cases[i].plan_j);
        bont_check_t *chk = NULL;
        int got = run(kb, text, cases[i].opt_j, &chk, msg, sizeof msg);
        CHECK_MSG(got == cases[i].exit, "case %zu: exit %d (%s)", i, got, msg);
        CHECK_MSG(chk && !strcmp(chk->jurisdiction, cases[i].used), "case %zu: used %s", i,
                  chk ? chk->jurisdiction : "-");
        CHECK_MSG(finding(chk, cases[i].rule) != NULL, "case %zu: %s missing", i, cases[i].rule);
        bont_check_free(&chk);
    }
    snprintf(text, sizeof text, letybo_mg, ", \"jurisdiction\": \"mars\"");
    bont_check_t *chk = NULL;
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 2);
    CHECK_MSG(strstr(msg, "jurisdiction must be one of us, eu"), "%s", msg);
    snprintf(text, sizeof text, letybo_mg, "");
    CHECK_INT(run(kb, text, "any", &chk, msg, sizeof msg), 2);
    CHECK_MSG(strstr(msg, "unknown jurisdiction \"any\""), "%s", msg);
    /* Every rule, contraindication and guidance rule says whose label it comes from. */
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++)
        CHECK(bont_kb_rule_at(kb, i)->n_jurisdictions > 0);
    for (size_t i = 0; i < bont_kb_n_contras(kb); i++)
        CHECK(bont_kb_contra_at(kb, i)->n_jurisdictions > 0);
    for (size_t i = 0; i < bont_kb_n_guidance_rules(kb); i++)
        CHECK(bont_kb_guidance_rule_at(kb, i)->n_jurisdictions > 0);
    bont_kb_free(&kb);
}

/* The public adverse-reaction table: the rows of a product and indication, most frequent
 * first, with the label's and the pooled trials' rates. */
TEST(labels_adverse_reaction_table)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    const bont_product_t *ona = bont_kb_product(kb, "Botox");
    size_t n = 0;
    const bont_adverse_reaction_t *rows =
        bont_kb_adverse_reactions(kb, ona, bont_kb_indication(kb, "glabellar_lines"), &n);
    const bont_adverse_reaction_t *ptosis = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(rows[i].effect, "ptosis"))
            ptosis = &rows[i];
        CHECK(i == 0 || rows[i - 1].rate_pct >= rows[i].rate_pct);
        CHECK_STR(rows[i].product, "onabotulinumtoxinA");
    }
    CHECK(ptosis != NULL);
    if (ptosis) {
        CHECK_REL(ptosis->rate_pct, 2.4, 1e-12);
        CHECK_REL(ptosis->placebo_pct, 0.0, 0);
        CHECK_STR(ptosis->source, "JAADINT2023");
        CHECK_STR(ptosis->effect_entry->model_effect, "ptosis");
    }
    rows = bont_kb_adverse_reactions(kb, ona, bont_kb_indication(kb, "颈部肌张力障碍"), &n);
    CHECK(n >= 4 && rows && !strcmp(rows[0].effect, "dysphagia"));
    CHECK_REL(n ? rows[0].rate_pct : 0, 19, 0);
    CHECK(n && isnan(rows[0].placebo_pct));
    CHECK_STR(n ? rows[0].source : NULL, "S9");
    CHECK(bont_kb_adverse_reactions(kb, ona, bont_kb_indication(kb, "masseter_hypertrophy"), &n) ==
              NULL &&
          n == 0);
    /* Every row's effect, product, indication and source resolve. */
    for (size_t i = 0; i < bont_kb_n_adverse_reactions(kb); i++) {
        const bont_adverse_reaction_t *r = bont_kb_adverse_reaction_at(kb, i);
        CHECK(r->effect_entry && !strcmp(r->effect_entry->id, r->effect));
        CHECK(bont_kb_product(kb, r->product) && bont_kb_indication(kb, r->indication));
        char ids[256];
        snprintf(ids, sizeof ids, "%s", r->source);
        for (char *save = NULL, *id = strtok_r(ids, " ", &save); id;
             id = strtok_r(NULL, " ", &save))
            CHECK_MSG(bont_kb_source(kb, id), "row %zu: source %s", i, id);
        CHECK(r->rate_pct >= 0 && r->rate_pct <= 100);
    }
    CHECK(bont_kb_n_adverse_reactions(kb) >= 90);
    bont_kb_free(&kb);
}

/* The seeds' words and the off-label indications with their evidence. */
TEST(labels_seed_names_and_off_label_indications)
{
    bont_kb_t *kb = load_kb();
    if (!kb)
        return;
    CHECK_STR(bont_kb_product(kb, "麦保克") ? bont_kb_product(kb, "麦保克")->id : NULL,
              "rimabotulinumtoxinB");
    CHECK_STR(bont_kb_indication(kb, "偏头痛")->id, "chronic_migraine");
    CHECK_STR(bont_kb_indication(kb, "多汗症")->id, "axillary_hyperhidrosis");
    CHECK_STR(bont_kb_indication(kb, "다한증")->id, "axillary_hyperhidrosis");
    CHECK_STR(bont_kb_guidance_method(kb, "초음파")->id, "ultrasound");
    CHECK_STR(bont_kb_product(kb, "注射用A型肉毒毒素")->id, "lanbotulinumtoxinA");
    CHECK_STR(bont_kb_term(kb, "明胶")->id, "gelatin");
    CHECK_STR(bont_kb_adverse_effect(kb, "眼睑下垂")->id, "ptosis");
    static const char *const pain[] = {"neck_pain",
                                       "low_back_pain",
                                       "myofascial_pain",
                                       "neuropathic_pain",
                                       "postherpetic_neuralgia",
                                       "trigeminal_neuralgia",
                                       "plantar_hyperhidrosis"};
    for (size_t i = 0; i < sizeof pain / sizeof pain[0]; i++) {
        const bont_indication_t *ind = bont_kb_indication(kb, pain[i]);
        CHECK_MSG(ind && ind->off_label && ind->evidence_level && ind->evidence_source &&
                      ind->name_zh && ind->name_ko,
                  "%s", pain[i]);
    }
    CHECK_STR(bont_kb_indication(kb, "腰痛")->evidence_level, "B");
    /* An allergy the knowledge base does not know stays a warning naming the closest terms. */
    char text[2048], msg[1400];
    plan_text(text, sizeof text, "Hengli", 100, ", \"diluent_ml\": 2.5", "glabellar_lines",
              "\"age_years\": 30, \"allergies\": [\"gelatine powder\"]",
              "{\"muscle\": \"procerus\", \"units\": 4}");
    bont_check_t *chk = NULL;
    CHECK_INT(run(kb, text, NULL, &chk, msg, sizeof msg), 0);
    const bont_finding_t *f = finding(chk, "plan.unrecognised_term");
    CHECK_MSG(f && strstr(f->message, "\"gelatine powder\"") &&
                  strstr(f->message, "closest known: gelatin"),
              "%s", f ? f->message : "missing");
    bont_check_free(&chk);
    bont_kb_free(&kb);
}
