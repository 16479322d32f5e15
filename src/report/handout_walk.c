/* handout_walk.c: what a patient handout says, section by section (one walk for every form),
 * its plain-text form and its JSON facts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "content/internal.h"
#include "report/handout.h"
#include "report/internal.h"

#define LINE 2048

/* Source ids cited by the handout, each once, in order of first citation. */
typedef struct cited_t {
    char ids[1024];
} cited_t;

static void cite(cited_t *c, const char *ids)
{
    bont__ids_add(c->ids, sizeof c->ids, ids, NULL, NULL);
}

static void say(const bont__handout_facts_t *x, const bont__handout_emitter_t *e, void *ctx,
                const char *key, bont__handout_style_t style)
{
    char buf[LINE];
    bont__handout_sentence(x, key, NULL, NULL, 0, buf, sizeof buf);
    e->para(ctx, buf, style);
}

static void errors_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                           void *ctx)
{
    const bont_check_t *chk = x->h->check;
    say(x, e, ctx, "errors.forced", HANDOUT_ALERT);
    for (size_t i = 0; i < chk->n_findings; i++)
        if (chk->findings[i].severity == BONT_SEV_ERROR)
            e->item(ctx, chk->findings[i].message, NULL);
    e->list_end(ctx);
}

static void warning_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                            void *ctx, cited_t *cited)
{
    const json_t *ws = json_object_get(x->h->content->aftercare, "warning_signs");
    e->section(ctx, "warning", bont__content_text(x->h->content, "heading.warning"));
    e->para(ctx, bont__content_pick(json_object_get(ws, "heading")), HANDOUT_PLAIN);
    size_t i;
    json_t *sign;
    json_array_foreach(json_object_get(ws, "signs"), i, sign)
        e->item(ctx, bont__content_pick(json_object_get(sign, "text")), NULL);
    e->list_end(ctx);
    e->para(ctx, bont__content_pick(json_object_get(ws, "when")), HANDOUT_PLAIN);
    e->para(ctx, bont__content_pick(json_object_get(ws, "why")), HANDOUT_PLAIN);
    cite(cited, json_string_value(json_object_get(ws, "source")));
}

static void what_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                         void *ctx)
{
    e->section(ctx, "what", bont__content_text(x->h->content, "heading.what"));
    say(x, e, ctx, "what.general", HANDOUT_PLAIN);
    /* The indication's own sentence, else its family's: "what.spasticity" serves
     * upper_limb_spasticity and pediatric_lower_limb_spasticity. */
    char key[96];
    for (const char *id = x->h->plan->indication->id; id; id = strchr(id, '_')) {
        id += *id == '_';
        snprintf(key, sizeof key, "what.%s", id);
        if (json_object_get(x->h->content->texts, key)) {
            say(x, e, ctx, key, HANDOUT_PLAIN);
            break;
        }
    }
    say(x, e, ctx, "what.units", HANDOUT_PLAIN);
}

static void plan_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                         void *ctx)
{
    e->section(ctx, "plan", bont__content_text(x->h->content, "heading.plan"));
    char buf[LINE], units[32];
    for (size_t i = 0; i < x->n_areas; i++) {
        bont__fmt_units(units, sizeof units, x->areas[i].units);
        const char *names[] = {"area", "units"}, *values[] = {x->areas[i].label, units};
        bont__handout_sentence(x, "plan.line", names, values, 2, buf, sizeof buf);
        e->item(ctx, buf, NULL);
    }
    e->list_end(ctx);
    say(x, e, ctx, "plan.total", HANDOUT_PLAIN);
    say(x, e, ctx, x->h->plan->vial_lot[0] ? "plan.date_lot" : "plan.date", HANDOUT_PLAIN);
}

static void expect_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                           void *ctx)
{
    e->section(ctx, "expect", bont__content_text(x->h->content, "heading.expect"));
    char buf[LINE];
    if (!x->course.known) {
        say(x, e, ctx, "expect.unknown", HANDOUT_PLAIN);
    } else {
        static const char *const keys[] = {"expect.notice", "expect.peak", "expect.wear_off"};
        bool later = x->course.off_max_week * 7 >= x->course.days;
        for (size_t i = 0; i < 3; i++) {
            const char *key = i == 2 && later ? "expect.wear_off_later" : keys[i];
            bont__handout_sentence(x, key, NULL, NULL, 0, buf, sizeof buf);
            e->item(ctx, buf, NULL);
        }
    }
    bont__handout_sentence(x, x->next_date[0] ? "expect.next" : "expect.next_none", NULL, NULL, 0,
                           buf, sizeof buf);
    e->item(ctx, buf, NULL);
    e->list_end(ctx);
    if (x->course.known) {
        e->timeline(ctx, x);
        say(x, e, ctx, "expect.timeline", HANDOUT_NOTE);
        say(x, e, ctx, "expect.model", HANDOUT_NOTE);
    }
}

static void aftercare_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                              void *ctx, cited_t *cited)
{
    e->section(ctx, "aftercare", bont__content_text(x->h->content, "heading.aftercare"));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(x->h->content->aftercare, "aftercare"), i, a)
    {
        if (!bont__handout_applies(x, a))
            continue;
        const char *src = json_string_value(json_object_get(a, "source"));
        char detail[LINE];
        snprintf(detail, sizeof detail, BONT_TR("%s (%s; sources: %s)"),
                 bont__content_pick(json_object_get(a, "why")),
                 bont__handout_evidence(json_string_value(json_object_get(a, "evidence"))),
                 src ? src : "");
        e->item(ctx, bont__content_pick(json_object_get(a, "text")), detail);
        cite(cited, src);
    }
    e->list_end(ctx);
}

static void side_effects_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                                 void *ctx, cited_t *cited)
{
    e->section(ctx, "side_effects", bont__content_text(x->h->content, "heading.side_effects"));
    say(x, e, ctx, "side_effects.intro", HANDOUT_PLAIN);
    char buf[LINE], freq[128], placebo[128];
    say(x, e, ctx, x->n_aes ? "side_effects.label" : "side_effects.label_none", HANDOUT_PLAIN);
    for (size_t i = 0; i < x->n_aes; i++) {
        const bont__handout_ae_t *ae = &x->aes[i];
        bont_i18n_fmt_frequency(freq, sizeof freq, ae->rate_pct);
        bont_i18n_fmt_frequency(placebo, sizeof placebo, ae->placebo_pct);
        const char *names[] = {"effect", "frequency", "placebo"};
        const char *values[] = {ae->name, freq, placebo};
        bont__handout_sentence(
            x, isfinite(ae->placebo_pct) ? "side_effects.placebo" : "side_effects.rate", names,
            values, 3, buf, sizeof buf);
        e->item(ctx, buf, NULL);
        cite(cited, ae->source);
    }
    if (x->n_aes)
        e->list_end(ctx);
    if (x->n_risks == 0) {
        say(x, e, ctx, "side_effects.plan_risk_none", HANDOUT_PLAIN);
        return;
    }
    say(x, e, ctx, "side_effects.plan_intro", HANDOUT_PLAIN);
    for (size_t i = 0; i < x->n_risks; i++) {
        bont_i18n_fmt_frequency(freq, sizeof freq, x->risks[i].pct);
        const char *names[] = {"effect", "frequency"}, *values[] = {x->risks[i].name, freq};
        bont__handout_sentence(x, "side_effects.plan_risk", names, values, 2, buf, sizeof buf);
        e->item(ctx, buf, NULL);
    }
    e->list_end(ctx);
}

static void sources_section(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                            void *ctx, const cited_t *cited)
{
    e->section(ctx, "sources", bont__content_text(x->h->content, "heading.sources"));
    char buf[sizeof cited->ids];
    snprintf(buf, sizeof buf, "%s", cited->ids);
    bool english = bont_i18n_thread_lang() == BONT_LANG_EN;
    for (char *save = NULL, *id = strtok_r(buf, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
        bont__content_source_t s;
        if (!bont__content_source(x->h->content, x->h->kb, id, &s))
            continue;
        char line[LINE];
        /* The titles are in the language of the source (English): the other languages give
         * the address, where the reader can open it. */
        if (english)
            snprintf(line, sizeof line, "[%s] %s %s", id, s.title ? s.title : "",
                     s.url ? s.url : "");
        else
            snprintf(line, sizeof line, "[%s] %s", id, s.url ? s.url : "");
        e->item(ctx, line, NULL);
    }
    e->list_end(ctx);
}

void bont__handout_walk(const bont__handout_facts_t *x, const bont__handout_emitter_t *e, void *ctx)
{
    cited_t cited = {""};
    e->begin(ctx, x, bont__content_text(x->h->content, "title"));
    if (x->errors)
        errors_section(x, e, ctx);
    warning_section(x, e, ctx, &cited);
    what_section(x, e, ctx);
    plan_section(x, e, ctx);
    expect_section(x, e, ctx);
    aftercare_section(x, e, ctx, &cited);
    side_effects_section(x, e, ctx, &cited);
    e->section(ctx, "contact", bont__content_text(x->h->content, "heading.contact"));
    say(x, e, ctx, x->h->clinic || x->h->phone ? "contact" : "contact.none", HANDOUT_PLAIN);
    say(x, e, ctx, "disclaimer", HANDOUT_NOTE);
    sources_section(x, e, ctx, &cited);
    e->end(ctx);
}

/* ---- Text ------------------------------------------------------------------------------------ */

typedef struct text_ctx_t {
    FILE *f;
    bool in_list;
} text_ctx_t;

static void text_put(FILE *f, const char *s)
{
    bont_report_put_text(f, s);
}

static void text_begin(void *ctx, const bont__handout_facts_t *x, const char *title)
{
    text_ctx_t *t = ctx;
    text_put(t->f, title);
    fputc('\n', t->f);
    text_put(t->f, x->date);
    fputs("\n", t->f);
    if (x->h->patient) {
        text_put(t->f, x->h->patient);
        fputs("\n", t->f);
    }
}

static void text_section(void *ctx, const char *id, const char *heading)
{
    text_ctx_t *t = ctx;
    fputs(strcmp(id, "warning") == 0 ? "\n!! " : "\n== ", t->f);
    text_put(t->f, heading);
    fputs(strcmp(id, "warning") == 0 ? " !!\n" : " ==\n", t->f);
}

static void text_para(void *ctx, const char *s, bont__handout_style_t style)
{
    text_ctx_t *t = ctx;
    fputs(style == HANDOUT_ALERT ? "\n!! " : "", t->f);
    text_put(t->f, s);
    fputc('\n', t->f);
}

static void text_item(void *ctx, const char *s, const char *detail)
{
    text_ctx_t *t = ctx;
    fputs("  - ", t->f);
    text_put(t->f, s);
    fputc('\n', t->f);
    if (detail) {
        fputs("    ", t->f);
        text_put(t->f, detail);
        fputc('\n', t->f);
    }
}

static void text_nothing(void *ctx)
{
    (void)ctx;
}

static void text_timeline(void *ctx, const bont__handout_facts_t *x)
{
    (void)ctx;
    (void)x; /* the picture is the HTML form's; the text says the same in words */
}

int bont_report_handout_text(FILE *f, const bont_handout_t *h)
{
    bont__handout_facts_t *x = malloc(sizeof *x);
    if (!x)
        return BONT_ENOMEM;
    int rc = bont__handout_facts(h, x);
    if (rc == 0) {
        static const bont__handout_emitter_t emit = {text_begin,  text_section, text_para,
                                                     text_item,   text_nothing, text_timeline,
                                                     text_nothing};
        text_ctx_t t = {f, false};
        bont__handout_walk(x, &emit, &t);
    }
    free(x);
    return bont__stream_rc(f, rc);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *course_json(const bont__handout_facts_t *x)
{
    if (!x->course.known)
        return json_null();
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I}", "notice_min_day", (json_int_t)x->course.notice_min_day,
        "notice_max_day", (json_int_t)x->course.notice_max_day, "peak_day",
        (json_int_t)x->course.peak_day, "wear_off_min_week", (json_int_t)x->course.off_min_week,
        "wear_off_max_week", (json_int_t)x->course.off_max_week, "patients",
        (json_int_t)x->course.n_patients);
}

static json_t *facts_lists_json(const bont__handout_facts_t *x, json_t *root)
{
    bool failed = false;
    json_t *aes = json_array(), *risks = json_array(), *areas = json_array();
    for (size_t i = 0; aes && i < x->n_aes; i++) {
        const bont__handout_ae_t *ae = &x->aes[i];
        bont__jappend(aes,
                      json_pack("{s:o, s:o, s:o, s:o, s:o}", "effect", bont__jstr(ae->effect),
                                "name", bont__jstr(ae->name), "rate_pct",
                                bont__jnum_or_null(ae->rate_pct), "placebo_pct",
                                bont__jnum_or_null(ae->placebo_pct), "source",
                                bont__jstr(ae->source)),
                      &failed);
    }
    for (size_t i = 0; risks && i < x->n_risks; i++)
        bont__jappend(risks,
                      json_pack("{s:o, s:o, s:o}", "effect", bont__jstr(x->risks[i].effect), "name",
                                bont__jstr(x->risks[i].name), "pct",
                                bont__jreal_sig(x->risks[i].pct, 3)),
                      &failed);
    for (size_t i = 0; areas && i < x->n_areas; i++)
        bont__jappend(areas,
                      json_pack("{s:o, s:f}", "area", bont__jstr(x->areas[i].label), "units",
                                x->areas[i].units),
                      &failed);
    if (failed || !aes || !risks || !areas || json_object_set_new(root, "areas", areas) ||
        json_object_set_new(root, "side_effects", aes) ||
        json_object_set_new(root, "plan_risks", risks)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

json_t *bont_report_handout_json(const bont_handout_t *h)
{
    bont__handout_facts_t *x = malloc(sizeof *x);
    if (!x || bont__handout_facts(h, x) != 0) {
        free(x);
        return NULL;
    }
    json_t *root = json_pack(
        "{s:o, s:{s:o, s:o, s:o, s:o}, s:b, s:f, s:o, s:o}", "lang", bont__jlang(), "plan", "file",
        bont__jstr(h->plan->file), "date", bont__jstr(h->plan->date), "indication",
        bont__jstr(h->plan->indication->id), "product", bont__jstr(h->plan->product->id), "errors",
        x->errors, "total_units", x->total_units, "course", course_json(x), "next_treatment_date",
        x->next_iso[0] ? bont__jstr(x->next_iso) : json_null());
    root = root ? facts_lists_json(x, root) : NULL;
    if (root && h->patient)
        json_object_set_new(root, "patient", bont__jstr(h->patient));
    free(x);
    return root;
}
