/* plan.c: reads an injection plan from JSON and resolves its names against the knowledge base.
 * Every problem is reported with file, line, column and field (docs/plan-format.md). */
#include "bont/plan.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/jsonpos.h"
#include "util/file.h"
#include "util/json.h"
#include "util/text.h"

typedef struct parser_t {
    const bont_kb_t *kb;
    bont_plan_t *plan;
    bont_error_t *err;
    const char *text;
    size_t len;
} parser_t;

const char *bont_side_name(bont_side_t side)
{
    return side == BONT_SIDE_LEFT ? "left" : side == BONT_SIDE_RIGHT ? "right" : "";
}

const char *bont_guidance_name(bont_guidance_t g)
{
    switch (g) {
    case BONT_GUIDE_PALPATION:
        return "palpation";
    case BONT_GUIDE_EMG:
        return "emg";
    case BONT_GUIDE_STIMULATION:
        return "stimulation";
    case BONT_GUIDE_ULTRASOUND:
        return "ultrasound";
    default:
        return "";
    }
}

/* ---- error reporting --------------------------------------------------------------------- */

static int perr(parser_t *P, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr(parser_t *P, int rc, const char *field, const char *fmt, ...)
{
    if (!P->err)
        return rc;
    int line = 0, col = 0;
    bont__json_position(P->text, P->len, field ? field : "", &line, &col);
    snprintf(P->err->file, sizeof P->err->file, "%s", P->plan->file ? P->plan->file : "plan");
    P->err->line = line;
    P->err->column = col;
    snprintf(P->err->field, sizeof P->err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err->message, sizeof P->err->message, fmt, ap);
    va_end(ap);
    return rc;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "text";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true/false";
    default:
        return "null";
    }
}

/* Unknown keys are errors, so that a typo ("injection") is not silently ignored. */
static int check_keys(parser_t *P, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char field[128], list[512] = "";
            snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
            for (int i = 0; allowed[i]; i++) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", allowed[i]);
            }
            return perr(P, BONT_EPARSE, field, "unknown field \"%s\"; expected one of: %s", key,
                        list);
        }
    }
    return BONT_OK;
}

static int get_number(parser_t *P, json_t *obj, const char *key, const char *path, int required,
                      double lo, double hi, const char *unit, double *out)
{
    char field[128];
    snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return perr(P, BONT_EMISSING, path[0] ? path : NULL,
                        "missing field \"%s\" (a number in %s)", key, unit);
        return BONT_OK;
    }
    if (!json_is_number(v))
        return perr(P, BONT_EPARSE, field, "%s must be a number in %s (got %s)", key, unit,
                    json_type_name(v));
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi) {
        if (lo > 0 && x <= 0)
            return perr(P, BONT_ERANGE, field, "%s must be > 0 %s (got %g)", key, unit, x);
        return perr(P, BONT_ERANGE, field, "%s must be between %g and %g %s (got %g)", key, lo, hi,
                    unit, x);
    }
    *out = x;
    return BONT_OK;
}

static int get_string(parser_t *P, json_t *obj, const char *key, const char *path, int required,
                      const char **out)
{
    char field[128];
    snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return perr(P, BONT_EMISSING, path[0] ? path : NULL, "missing field \"%s\" (text)",
                        key);
        return BONT_OK;
    }
    if (!json_is_string(v))
        return perr(P, BONT_EPARSE, field, "%s must be text (got %s)", key, json_type_name(v));
    *out = json_string_value(v);
    return BONT_OK;
}

static int get_bool(parser_t *P, json_t *obj, const char *key, const char *path, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return BONT_OK;
    if (!json_is_boolean(v)) {
        char field[128];
        snprintf(field, sizeof field, "%s.%s", path, key);
        return perr(P, BONT_EPARSE, field, "%s must be true or false (got %s)", key,
                    json_type_name(v));
    }
    *out = json_is_true(v);
    return BONT_OK;
}

static int get_date(parser_t *P, json_t *obj, const char *key, const char *path, char *out,
                    long *day)
{
    const char *s = NULL;
    int rc = get_string(P, obj, key, path, 1, &s);
    if (rc)
        return rc;
    if (bont_date_parse(s, day) != 0) {
        char field[128];
        snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
        return perr(P, BONT_EPARSE, field, "%s must be a real date written YYYY-MM-DD (got \"%s\")",
                    key, s);
    }
    snprintf(out, 11, "%s", s);
    return BONT_OK;
}

static int unknown_name(parser_t *P, const char *field, const char *kind, const char *name)
{
    const char *sugg[4];
    size_t n = bont_kb_suggest(P->kb, kind, name, sugg, 4);
    char list[400] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", sugg[i]);
    }
    if (n)
        return perr(P, BONT_EUNKNOWN, field,
                    "unknown %s \"%s\"; did you mean %s? (`bont kb %ss` "
                    "lists them)",
                    kind, name, list, kind);
    return perr(P, BONT_EUNKNOWN, field, "unknown %s \"%s\" (`bont kb %ss` lists the known ones)",
                kind, name, kind);
}

/* ---- sections ---------------------------------------------------------------------------- */

/* Adds a name the knowledge base does not know, for the "not checked" warning. */
static int push_unrecognised(bont_patient_t *pt, const char *name, const char *kind)
{
    char *u = strdup(name), *k = strdup(kind);
    if (!u || !k) {
        free(u);
        free(k);
        return BONT_ENOMEM;
    }
    pt->unrecognised[pt->n_unrecognised] = u;
    pt->unrecognised_kind[pt->n_unrecognised] = k;
    pt->n_unrecognised++;
    return BONT_OK;
}

/* Room for n more unrecognised names, so that a list costs one allocation, not one per name. */
static int reserve_unrecognised(bont_patient_t *pt, size_t n)
{
    char **u = realloc(pt->unrecognised, (pt->n_unrecognised + n + 1) * sizeof *u);
    if (!u)
        return BONT_ENOMEM;
    pt->unrecognised = u;
    char **k = realloc(pt->unrecognised_kind, (pt->n_unrecognised + n + 1) * sizeof *k);
    if (!k)
        return BONT_ENOMEM;
    pt->unrecognised_kind = k;
    return BONT_OK;
}

static int parse_terms(parser_t *P, json_t *patient, const char *key, const char *kind,
                       const bont_term_t ***arr, size_t *n)
{
    json_t *list = json_object_get(patient, key);
    char field[128];
    snprintf(field, sizeof field, "patient.%s", key);
    if (!list || json_is_null(list))
        return BONT_OK;
    if (!json_is_array(list))
        return perr(P, BONT_EPARSE, field, "%s must be a list of names (got %s)", key,
                    json_type_name(list));
    bont_patient_t *pt = &P->plan->patient;
    size_t count = json_array_size(list);
    if (!(*arr = calloc(count + 1, sizeof **arr)) || reserve_unrecognised(pt, count))
        return BONT_ENOMEM;
    for (size_t i = 0; i < count; i++) {
        json_t *e = json_array_get(list, i);
        snprintf(field, sizeof field, "patient.%s[%zu]", key, i);
        if (!json_is_string(e))
            return perr(P, BONT_EPARSE, field, "expected a name (got %s)", json_type_name(e));
        const char *name = json_string_value(e);
        const bont_term_t *t = bont_kb_term(P->kb, name);
        if (t) {
            (*arr)[(*n)++] = t;
            continue;
        }
        int rc = push_unrecognised(pt, name, kind);
        if (rc)
            return rc;
    }
    return BONT_OK;
}

static int parse_patient(parser_t *P, json_t *root)
{
    json_t *p = json_object_get(root, "patient");
    if (!p)
        return perr(P, BONT_EMISSING, NULL,
                    "missing field \"patient\" (age_years, sex, "
                    "weight_kg, ...)");
    if (!json_is_object(p))
        return perr(P, BONT_EPARSE, "patient", "patient must be an object (got %s)",
                    json_type_name(p));
    static const char *const keys[] = {"age_years",     "sex",        "weight_kg",   "pregnant",
                                       "breastfeeding", "conditions", "medications", "allergies",
                                       "name",          "id",         NULL};
    int rc = check_keys(P, p, "patient", keys);
    bont_patient_t *pt = &P->plan->patient;
    pt->age_years = -1;
    pt->weight_kg = -1;
    if (!rc)
        rc = get_number(P, p, "age_years", "patient", 1, 0, 120, "years", &pt->age_years);
    if (!rc)
        rc = get_number(P, p, "weight_kg", "patient", 0, 0.5, 350, "kg", &pt->weight_kg);
    const char *sex = NULL;
    if (!rc)
        rc = get_string(P, p, "sex", "patient", 0, &sex);
    if (!rc && sex) {
        if (strcmp(sex, "female") && strcmp(sex, "male") && strcmp(sex, "other") &&
            strcmp(sex, "unknown"))
            return perr(P, BONT_EPARSE, "patient.sex",
                        "sex must be \"female\", \"male\", \"other\" or \"unknown\" (got \"%s\")",
                        sex);
        snprintf(pt->sex, sizeof pt->sex, "%s", sex);
    }
    if (!rc)
        rc = get_bool(P, p, "pregnant", "patient", &pt->pregnant);
    if (!rc)
        rc = get_bool(P, p, "breastfeeding", "patient", &pt->breastfeeding);
    if (!rc && pt->pregnant && strcmp(pt->sex, "male") == 0)
        return perr(P, BONT_ECONFLICT, "patient.pregnant",
                    "pregnant is true but sex is \"male\"; check the patient record");
    if (!rc)
        rc = parse_terms(P, p, "conditions", "condition", &pt->conditions, &pt->n_conditions);
    if (!rc)
        rc = parse_terms(P, p, "medications", "medication", &pt->medications, &pt->n_medications);
    if (!rc)
        rc = parse_terms(P, p, "allergies", "allergy", &pt->allergies, &pt->n_allergies);
    return rc;
}

static int parse_vial(parser_t *P, json_t *root)
{
    bont_plan_t *plan = P->plan;
    json_t *v = json_object_get(root, "vial");
    if (!v)
        return perr(P, BONT_EMISSING, NULL,
                    "missing field \"vial\" ({\"units\": U, "
                    "\"diluent_ml\": mL})");
    if (!json_is_object(v))
        return perr(P, BONT_EPARSE, "vial", "vial must be an object (got %s)", json_type_name(v));
    static const char *const keys[] = {"units",  "diluent_ml",    "lot",
                                       "expiry", "reconstituted", NULL};
    int rc = check_keys(P, v, "vial", keys);
    if (!rc)
        rc = get_number(P, v, "units", "vial", 1, 1e-9, 1e6, "U", &plan->vial_units);
    if (rc)
        return rc;
    const char *lot = NULL, *expiry = NULL, *recon = NULL;
    if ((rc = get_string(P, v, "lot", "vial", 0, &lot)) ||
        (rc = get_string(P, v, "expiry", "vial", 0, &expiry)) ||
        (rc = get_string(P, v, "reconstituted", "vial", 0, &recon)))
        return rc;
    if (lot)
        snprintf(plan->vial_lot, sizeof plan->vial_lot, "%s", lot);
    if (expiry) {
        if (bont_date_parse(expiry, &plan->vial_expiry_day) != 0)
            return perr(P, BONT_EPARSE, "vial.expiry",
                        "expiry must be a real date written YYYY-MM-DD (got \"%s\")", expiry);
        plan->has_expiry = true;
    }
    if (recon) {
        /* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (a space may stand for the T). */
        long day = 0;
        long long minute = 0;
        int has_time = 0;
        if (bont_datetime_parse(recon, &day, &minute, &has_time) != 0)
            return perr(P, BONT_EPARSE, "vial.reconstituted",
                        "reconstituted must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (got \"%s\")", recon);
        if (day > plan->day)
            return perr(P, BONT_ECONFLICT, "vial.reconstituted",
                        "the vial was reconstituted (%s) after the session date %s", recon,
                        plan->date);
        plan->has_reconstituted = true;
        plan->reconstituted_has_time = has_time;
        plan->vial_reconstituted_min = minute;
    }
    const bont_product_t *prod = plan->product;
    const bont_vial_t *vial = bont_kb_vial(prod, plan->vial_units);
    if (prod->n_vials > 0 && !vial) {
        char sizes[256] = "";
        for (size_t i = 0; i < prod->n_vials; i++) {
            size_t n = strlen(sizes);
            snprintf(sizes + n, sizeof sizes - n, "%s%g", i ? ", " : "", prod->vials[i].units);
        }
        return perr(P, BONT_ERANGE, "vial.units", "%s (%s) comes in vials of %s U (got %g U)",
                    prod->id, prod->display, sizes, plan->vial_units);
    }
    int ready_made = vial && vial->solution_ml > 0;
    plan->diluent_ml = 0;
    rc = get_number(P, v, "diluent_ml", "vial", !ready_made, 0, 1000, "mL", &plan->diluent_ml);
    if (rc)
        return rc;
    if (!ready_made && plan->diluent_ml <= 0)
        return perr(P, BONT_ERANGE, "vial.diluent_ml",
                    "diluent_ml must be > 0 mL for a freeze-dried product (got %g)",
                    plan->diluent_ml);
    /* A dilution outside the labelled range is a finding of the check
     * (vial.dilution_outside_label), not unusable input. */
    return BONT_OK;
}

static double absurd_units(const bont_product_t *prod)
{
    /* A typo guard, not a clinical limit: more than ten of the product's largest vials in one
     * muscle is taken as a mistake in the file. */
    double largest = 200;
    for (size_t i = 0; i < prod->n_vials; i++)
        if (prod->vials[i].units > largest)
            largest = prod->vials[i].units;
    return 10 * largest;
}

/* "left" or "right" in English, Chinese or Korean; BONT_SIDE_NONE for anything else. */
static bont_side_t side_of(const char *name)
{
    static const char *const left[] = {"left", "l", "左", "왼쪽", "좌"};
    static const char *const right[] = {"right", "r", "右", "오른쪽", "우"};
    char norm[32];
    if (bont__name_normalize_into(name, norm, sizeof norm) != 0)
        return BONT_SIDE_NONE;
    for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
        if (strcmp(norm, left[i]) == 0)
            return BONT_SIDE_LEFT;
        if (strcmp(norm, right[i]) == 0)
            return BONT_SIDE_RIGHT;
    }
    return BONT_SIDE_NONE;
}

static int parse_side(parser_t *P, json_t *e, const char *path, bont_injection_t *inj)
{
    const char *side = NULL;
    char field[96];
    int rc = get_string(P, e, "side", path, 0, &side);
    if (rc)
        return rc;
    snprintf(field, sizeof field, "%s.side", path);
    if (side && !inj->muscle->sided)
        return perr(P, BONT_ECONFLICT, field,
                    "%s is a midline structure with no left or right: remove \"side\"",
                    inj->muscle->id);
    if (!side && inj->muscle->sided)
        return perr(P, BONT_EMISSING, path,
                    "%s has a left and a right: give \"side\": \"left\" or \"right\" (one "
                    "entry per side)",
                    inj->muscle->id);
    if (side && (inj->side = side_of(side)) == BONT_SIDE_NONE)
        return perr(P, BONT_EPARSE, field, "side must be \"left\" or \"right\" (got \"%s\")", side);
    return BONT_OK;
}

static int parse_units(parser_t *P, json_t *e, const char *path, bont_injection_t *inj)
{
    char field[96];
    snprintf(field, sizeof field, "%s.units", path);
    json_t *u = json_object_get(e, "units");
    if (!u)
        return perr(P, BONT_EMISSING, path, "missing field \"units\" for muscle \"%s\"",
                    inj->muscle->id);
    if (!json_is_number(u))
        return perr(P, BONT_EPARSE, field, "units must be a number (got %s) for muscle \"%s\"",
                    json_type_name(u), inj->muscle->id);
    inj->units = json_number_value(u);
    if (!(inj->units > 0))
        return perr(P, BONT_ERANGE, field, "units must be > 0 (got %g) for muscle \"%s\"",
                    inj->units, inj->muscle->id);
    const bont_product_t *prod = P->plan->product;
    double absurd = absurd_units(prod);
    if (inj->units > absurd)
        return perr(P, BONT_ERANGE, field,
                    "%g U of %s into \"%s\" is implausible (more than %g U, ten of the "
                    "largest vials): check for a typo",
                    inj->units, prod->id, inj->muscle->id, absurd);
    return BONT_OK;
}

static int parse_sites_and_guidance(parser_t *P, json_t *e, const char *path, bont_injection_t *inj)
{
    char field[96];
    double sites = 1;
    int rc = get_number(P, e, "sites", path, 0, 1, 200, "sites", &sites);
    if (rc)
        return rc;
    if (sites != floor(sites)) {
        snprintf(field, sizeof field, "%s.sites", path);
        return perr(P, BONT_EPARSE, field, "sites must be a whole number (got %g)", sites);
    }
    inj->sites = (int)sites;
    const char *guide = NULL;
    if ((rc = get_string(P, e, "guidance", path, 0, &guide)) || !guide)
        return rc;
    /* Any name of a method in data/guidance.json, in any language ("초음파", "EMG-guided"). */
    const bont_guidance_method_t *m = bont_kb_guidance_method(P->kb, guide);
    for (int g = BONT_GUIDE_PALPATION; m && g <= BONT_GUIDE_ULTRASOUND; g++)
        if (strcmp(m->id, bont_guidance_name((bont_guidance_t)g)) == 0)
            inj->guidance = (bont_guidance_t)g;
    if (inj->guidance != BONT_GUIDE_UNKNOWN)
        return BONT_OK;
    snprintf(field, sizeof field, "%s.guidance", path);
    return perr(P, BONT_EPARSE, field,
                "guidance must be one of emg, ultrasound, stimulation, palpation, or one of their "
                "names (`bont kb show emg`) (got \"%s\")",
                guide);
}

/* The volume follows from the dilution; a volume given must agree with it. */
static int parse_volume(parser_t *P, json_t *e, const char *path, double per_ml,
                        bont_injection_t *inj)
{
    inj->endplate_mm = -1;
    int rc = get_number(P, e, "endplate_mm", path, 0, 0, 100, "mm", &inj->endplate_mm);
    if (rc)
        return rc;
    inj->volume_ml = per_ml > 0 ? inj->units / per_ml : 0;
    double given = -1;
    if ((rc = get_number(P, e, "volume_ml", path, 0, 1e-6, 100, "mL", &given)) || given <= 0)
        return rc;
    if (per_ml > 0 && fabs(given - inj->volume_ml) > 0.01 + 0.05 * inj->volume_ml) {
        char field[96];
        snprintf(field, sizeof field, "%s.volume_ml", path);
        return perr(P, BONT_ECONFLICT, field,
                    "volume_ml %g mL does not match %g U at %.3g U/mL (expected %.3g mL)", given,
                    inj->units, per_ml, inj->volume_ml);
    }
    inj->volume_ml = given;
    return BONT_OK;
}

static int parse_injection(parser_t *P, json_t *e, size_t i, double per_ml, bont_injection_t *inj)
{
    char path[64], field[96];
    snprintf(path, sizeof path, "injections[%zu]", i);
    if (!json_is_object(e))
        return perr(P, BONT_EPARSE, path, "each injection must be an object (got %s)",
                    json_type_name(e));
    static const char *const keys[] = {"muscle",      "side",      "units", "sites", "guidance",
                                       "endplate_mm", "volume_ml", "note",  NULL};
    const char *muscle = NULL;
    int rc = check_keys(P, e, path, keys);
    if (!rc)
        rc = get_string(P, e, "muscle", path, 1, &muscle);
    if (rc)
        return rc;
    if (!(inj->muscle = bont_kb_muscle(P->kb, muscle))) {
        snprintf(field, sizeof field, "%s.muscle", path);
        return unknown_name(P, field, "muscle", muscle);
    }
    if ((rc = parse_side(P, e, path, inj)) || (rc = parse_units(P, e, path, inj)) ||
        (rc = parse_sites_and_guidance(P, e, path, inj)))
        return rc;
    return parse_volume(P, e, path, per_ml, inj);
}

/* Where each element of the list at key starts, found in one pass over the text. */
static int element_positions(parser_t *P, const char *key, size_t n, int **lines, int **columns)
{
    *lines = calloc(n ? n : 1, sizeof **lines);
    *columns = calloc(n ? n : 1, sizeof **columns);
    if (!*lines || !*columns)
        return BONT_ENOMEM;
    bont__json_element_positions(P->text, P->len, key, n, *lines, *columns);
    return BONT_OK;
}

static int parse_injections(parser_t *P, json_t *root)
{
    bont_plan_t *plan = P->plan;
    json_t *arr = json_object_get(root, "injections");
    if (!arr)
        return perr(P, BONT_EMISSING, NULL,
                    "missing field \"injections\" (a list of {\"muscle\", "
                    "\"units\", ...})");
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return perr(P, BONT_EPARSE, "injections", "injections must be a non-empty list");
    size_t n = json_array_size(arr);
    int *lines = NULL, *columns = NULL;
    plan->injections = calloc(n, sizeof *plan->injections);
    int rc =
        plan->injections ? element_positions(P, "injections", n, &lines, &columns) : BONT_ENOMEM;
    double per_ml = bont_plan_units_per_ml(plan);
    for (size_t i = 0; i < n && rc == BONT_OK; i++) {
        bont_injection_t *inj = &plan->injections[i];
        inj->line = lines[i];
        inj->column = columns[i];
        if ((rc = parse_injection(P, json_array_get(arr, i), i, per_ml, inj)) == BONT_OK)
            plan->n_injections++;
    }
    free(lines);
    free(columns);
    return rc;
}

static int parse_history_entry(parser_t *P, json_t *e, size_t i, bont_history_t *h)
{
    const bont_plan_t *plan = P->plan;
    char path[64], field[96];
    snprintf(path, sizeof path, "history[%zu]", i);
    if (!json_is_object(e))
        return perr(P, BONT_EPARSE, path, "each history entry must be an object (got %s)",
                    json_type_name(e));
    static const char *const keys[] = {"date", "product", "indication", "units", "note", NULL};
    int rc = check_keys(P, e, path, keys);
    if (!rc)
        rc = get_date(P, e, "date", path, h->date, &h->day);
    if (rc)
        return rc;
    if (h->day > plan->day) {
        snprintf(field, sizeof field, "%s.date", path);
        return perr(P, BONT_ECONFLICT, field, "history date %s is after the session date %s",
                    h->date, plan->date);
    }
    const char *name = NULL;
    if ((rc = get_string(P, e, "product", path, 1, &name)))
        return rc;
    snprintf(field, sizeof field, "%s.product", path);
    if (!(h->product = bont_kb_product(P->kb, name)))
        return unknown_name(P, field, "product", name);
    if ((rc = get_string(P, e, "indication", path, 0, &name)))
        return rc;
    snprintf(field, sizeof field, "%s.indication", path);
    if (name && !(h->indication = bont_kb_indication(P->kb, name)))
        return unknown_name(P, field, "indication", name);
    return get_number(P, e, "units", path, 1, 1e-9, 1e6, "U", &h->units);
}

static int parse_history(parser_t *P, json_t *root)
{
    bont_plan_t *plan = P->plan;
    json_t *arr = json_object_get(root, "history");
    if (!arr || json_is_null(arr))
        return BONT_OK;
    if (!json_is_array(arr))
        return perr(P, BONT_EPARSE, "history", "history must be a list (got %s)",
                    json_type_name(arr));
    size_t n = json_array_size(arr);
    int *lines = NULL, *columns = NULL;
    plan->history = calloc(n ? n : 1, sizeof *plan->history);
    int rc = plan->history ? element_positions(P, "history", n, &lines, &columns) : BONT_ENOMEM;
    for (size_t i = 0; i < n && rc == BONT_OK; i++) {
        bont_history_t *h = &plan->history[i];
        h->line = lines[i];
        h->column = columns[i];
        if ((rc = parse_history_entry(P, json_array_get(arr, i), i, h)) == BONT_OK)
            plan->n_history++;
    }
    free(lines);
    free(columns);
    return rc;
}

/* "jurisdiction": the label to check against, one of data/jurisdictions.json ("us", "eu", ...). */
static int parse_jurisdiction(parser_t *P, json_t *root)
{
    const char *s = NULL;
    int rc = get_string(P, root, "jurisdiction", "", 0, &s);
    if (rc || !s)
        return rc;
    char code[8] = "";
    for (size_t i = 0; s[i] && i + 1 < sizeof code; i++)
        code[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
    const bont_jurisdiction_t *j =
        strlen(s) < sizeof code ? bont_kb_jurisdiction(P->kb, code) : NULL;
    if (!j || !j->selectable) {
        char known[128];
        bont_kb_jurisdiction_names(P->kb, known, sizeof known);
        return perr(P, BONT_EPARSE, "jurisdiction", "jurisdiction must be one of %s (got \"%s\")",
                    known, s);
    }
    snprintf(P->plan->jurisdiction, sizeof P->plan->jurisdiction, "%s", j->id);
    return BONT_OK;
}

static int parse_expect(parser_t *P, json_t *root)
{
    bont_plan_t *plan = P->plan;
    json_t *ex = json_object_get(root, "expect");
    if (!ex)
        return BONT_OK;
    static const char *const keys[] = {"verdict", "rules", "exit", NULL};
    if (!json_is_object(ex))
        return perr(P, BONT_EPARSE, "expect", "expect must be an object");
    int rc = check_keys(P, ex, "expect", keys);
    const char *verdict = NULL;
    if (!rc)
        rc = get_string(P, ex, "verdict", "expect", 0, &verdict);
    if (rc)
        return rc;
    if (verdict)
        snprintf(plan->expect_verdict, sizeof plan->expect_verdict, "%s", verdict);
    json_t *rules = json_object_get(ex, "rules");
    if (json_is_array(rules)) {
        plan->expect_rules = calloc(json_array_size(rules) + 1, sizeof *plan->expect_rules);
        if (!plan->expect_rules)
            return BONT_ENOMEM;
        size_t i;
        json_t *r;
        json_array_foreach(rules, i, r)
        {
            if (!json_is_string(r))
                continue;
            plan->expect_rules[plan->n_expect_rules] = strdup(json_string_value(r));
            if (!plan->expect_rules[plan->n_expect_rules])
                return BONT_ENOMEM;
            plan->n_expect_rules++;
        }
    }
    return BONT_OK;
}

/* ---- entry points ------------------------------------------------------------------------ */

static int too_big(bont_error_t *err)
{
    char lim[32];
    bont__format_bytes(BONT_PLAN_MAX_BYTES, lim, sizeof lim);
    bont_error_setf(err, NULL,
                    "the plan is larger than %s (%zu bytes), the limit for a plan "
                    "(docs/plan-format.md); a real plan is a few kilobytes",
                    lim, BONT_PLAN_MAX_BYTES);
    return BONT_ETOOBIG;
}

double bont_plan_units_per_ml(const bont_plan_t *plan)
{
    if (!plan || !plan->product)
        return 0;
    const bont_vial_t *vial = bont_kb_vial(plan->product, plan->vial_units);
    double ml = plan->diluent_ml + (vial ? vial->solution_ml : 0);
    return ml > 0 ? plan->vial_units / ml : 0;
}

int bont_plan_parse(const bont_kb_t *kb, const char *text, size_t len, const char *filename,
                    bont_plan_t **out, bont_error_t *err)
{
    *out = NULL;
    if (len > BONT_PLAN_MAX_BYTES) {
        if (err) {
            bont_error_clear(err);
            snprintf(err->file, sizeof err->file, "%s", filename ? filename : "plan");
        }
        return too_big(err);
    }
    bont_plan_t *plan = calloc(1, sizeof *plan);
    if (!plan)
        return BONT_ENOMEM;
    plan->file = strdup(filename ? filename : "plan");
    plan->text = malloc(len + 1);
    if (!plan->file || !plan->text) {
        bont_plan_free(&plan);
        return BONT_ENOMEM;
    }
    memcpy(plan->text, text, len);
    plan->text[len] = '\0';
    parser_t P = {kb, plan, err, plan->text, len};
    json_error_t jerr;
    json_t *root = NULL;
    int rc = bont__json_load(text, len, JSON_REJECT_DUPLICATES, &root, &jerr);
    if (rc) {
        bool oom = rc == BONT_ENOMEM;
        if (err) {
            snprintf(err->file, sizeof err->file, "%s", plan->file);
            err->line = oom ? 0 : jerr.line;
            err->column = oom ? 0 : jerr.column;
            err->field[0] = '\0';
            snprintf(err->message, sizeof err->message, "%s: %s",
                     oom ? "out of memory" : "malformed JSON", jerr.text);
        }
        goto cleanup;
    }
    if (!json_is_object(root)) {
        rc = perr(&P, BONT_EPARSE, NULL, "a plan must be a JSON object (got %s)",
                  json_type_name(root));
        goto cleanup;
    }
    static const char *const keys[] = {"patient",      "date",       "indication", "product",
                                       "vial",         "injections", "history",    "title",
                                       "jurisdiction", "expect",     "comment",    NULL};
    if ((rc = check_keys(&P, root, "", keys)))
        goto cleanup;
    const char *s = NULL;
    if ((rc = get_string(&P, root, "title", "", 0, &s)))
        goto cleanup;
    if (s && !(plan->title = strdup(s))) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    if ((rc = get_date(&P, root, "date", "", plan->date, &plan->day)))
        goto cleanup;
    if ((rc = get_string(&P, root, "indication", "", 1, &s)))
        goto cleanup;
    if (!(plan->indication = bont_kb_indication(kb, s))) {
        rc = unknown_name(&P, "indication", "indication", s);
        goto cleanup;
    }
    if ((rc = get_string(&P, root, "product", "", 1, &s)))
        goto cleanup;
    if (!(plan->product = bont_kb_product(kb, s))) {
        rc = unknown_name(&P, "product", "product", s);
        goto cleanup;
    }
    if ((rc = parse_jurisdiction(&P, root)) || (rc = parse_patient(&P, root)) ||
        (rc = parse_vial(&P, root)) || (rc = parse_injections(&P, root)) ||
        (rc = parse_history(&P, root)) || (rc = parse_expect(&P, root)))
        goto cleanup;
cleanup:
    json_decref(root);
    if (rc) {
        bont_plan_free(&plan);
        return rc;
    }
    *out = plan;
    return BONT_OK;
}

int bont_plan_load(const bont_kb_t *kb, const char *path, bont_plan_t **out, bont_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    bont_error_t e;
    bont_error_clear(&e);
    int rc = bont__read_file(path, BONT_PLAN_MAX_BYTES, &text, &len, &e);
    if (rc) {
        if (err) {
            bont_error_clear(err);
            snprintf(err->file, sizeof err->file, "%s", e.file);
        }
        if (rc == BONT_ETOOBIG)
            return too_big(err);
        bont_error_setf(err, NULL, "cannot read the plan: %s", e.message);
        return rc;
    }
    rc = bont_plan_parse(kb, text, len, strcmp(path, "-") == 0 ? "<stdin>" : path, out, err);
    free(text);
    return rc;
}

void bont_plan_free(bont_plan_t **planp)
{
    if (!planp || !*planp)
        return;
    bont_plan_t *p = *planp;
    free(p->file);
    free(p->title);
    free(p->text);
    free(p->injections);
    free(p->history);
    free(p->patient.conditions);
    free(p->patient.medications);
    free(p->patient.allergies);
    for (size_t i = 0; i < p->patient.n_unrecognised; i++) {
        free(p->patient.unrecognised[i]);
        if (p->patient.unrecognised_kind)
            free(p->patient.unrecognised_kind[i]);
    }
    free(p->patient.unrecognised);
    free(p->patient.unrecognised_kind);
    for (size_t i = 0; i < p->n_expect_rules; i++)
        free(p->expect_rules[i]);
    free(p->expect_rules);
    free(p);
    *planp = NULL;
}
