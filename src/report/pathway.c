/* pathway.c: the treatment options for a condition side by side (data/pathways.json), with the
 * advice for the patient's age and their own record, as text, HTML and JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "content/internal.h"
#include "report/internal.h"

#define LINE 4096

/* ---- One walk, two forms ------------------------------------------------------------------- */

typedef struct pw_emitter_t {
    void (*title)(void *ctx, const char *title, const char *about);
    void (*option)(void *ctx, size_t number, const char *name, const char *kind);
    /* A labelled field of an option ("How well it works", text). */
    void (*field)(void *ctx, const char *label, const char *text);
    /* A labelled list: begin, items, end. */
    void (*list)(void *ctx, const char *label);
    void (*item)(void *ctx, const char *text);
    void (*list_end)(void *ctx);
    void (*end)(void *ctx);
} pw_emitter_t;

static const char *pick(const json_t *o, const char *key)
{
    return bont__content_pick(json_object_get(o, key));
}

static const char *kind_words(const char *kind)
{
    static const char *const kinds[] = {
        BONT_NC("option kind", "medicine"), BONT_NC("option kind", "injection"),
        BONT_NC("option kind", "surgery"),  BONT_NC("option kind", "therapy"),
        BONT_NC("option kind", "topical"),  BONT_NC("option kind", "none")};
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0)
            return BONT_TRC("option kind", kinds[i]);
    return kind ? kind : "";
}

/* The source ids of a list ("sources": [...]) or a string ("source": "A B") joined by spaces. */
static void ids_of(const json_t *o, char *buf, size_t size)
{
    buf[0] = '\0';
    const json_t *list = json_object_get(o, "sources");
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)list, i, v)
    {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s", n ? " " : "", json_string_value(v));
    }
    const char *s = json_string_value(json_object_get(o, "source"));
    if (!buf[0] && s)
        snprintf(buf, size, "%s", s);
}

/* The age advice for the patient's age, or each piece with its ages when the age is unknown. */
static void age_advice(const bont_pathway_report_t *r, const json_t *opt, const pw_emitter_t *e,
                       void *ctx)
{
    const json_t *list = json_object_get(opt, "age_advice");
    if (json_array_size(list) == 0)
        return;
    char label[128], text[LINE];
    if (r->age_years >= 0)
        snprintf(label, sizeof label, BONT_TR("At age %.0f"), floor(r->age_years));
    else
        snprintf(label, sizeof label, "%s", BONT_TR("How age changes the advice"));
    e->list(ctx, label);
    size_t i;
    json_t *a;
    json_array_foreach((json_t *)list, i, a)
    {
        double lo = json_number_value(json_object_get(a, "min_age"));
        double hi = json_number_value(json_object_get(a, "max_age"));
        if (r->age_years >= 0) {
            if (r->age_years >= lo && r->age_years < hi + 1)
                e->item(ctx, pick(a, "text"));
            continue;
        }
        if (lo <= 0)
            snprintf(text, sizeof text, BONT_TR("Under %.0f: %s"), hi + 1, pick(a, "text"));
        else
            snprintf(text, sizeof text, BONT_TR("%.0f and over: %s"), lo, pick(a, "text"));
        e->item(ctx, text);
    }
    e->list_end(ctx);
}

/* What the record says that bears on an option: the knowledge base's contraindications of
 * botulinum toxin that the patient's terms match (for a toxin option). */
static void record_notes(const bont_pathway_report_t *r, const json_t *opt, const pw_emitter_t *e,
                         void *ctx)
{
    const char *kind = json_string_value(json_object_get(opt, "kind"));
    if (!r->kb || !r->n_terms || !kind || strcmp(kind, "injection") != 0)
        return;
    bool open = false;
    for (size_t c = 0; c < bont_kb_n_contras(r->kb); c++) {
        const bont_contra_t *k = bont_kb_contra_at(r->kb, c);
        for (size_t t = 0; t < r->n_terms; t++) {
            bool hit = false;
            for (size_t m = 0; m < k->n_matches && !hit; m++)
                hit = strcmp(k->matches[m], r->terms[t]->id) == 0 ||
                      (r->terms[t]->group && strcmp(k->matches[m], r->terms[t]->group) == 0);
            if (!hit || k->n_products)
                continue;
            if (!open)
                e->list(ctx, BONT_TR("From the patient's record"));
            open = true;
            char text[LINE];
            snprintf(text, sizeof text, BONT_TR("%s: %s"), r->terms[t]->id,
                     BONT_TRC("contraindication", k->message));
            e->item(ctx, text);
        }
    }
    if (open)
        e->list_end(ctx);
}

static void option_walk(const bont_pathway_report_t *r, const json_t *opt, size_t number,
                        const pw_emitter_t *e, void *ctx)
{
    const char *name = pick(opt, "name");
    const char *kind = kind_words(json_string_value(json_object_get(opt, "kind")));
    e->option(ctx, number, name, strstr(name, kind) ? NULL : kind);
    e->field(ctx, BONT_TR("What it involves"), pick(opt, "involves"));
    e->field(ctx, BONT_TR("How well it works"), pick(opt, "works"));
    e->field(ctx, BONT_TR("How long it lasts"), pick(opt, "lasts"));
    if (r->own_days > 0 &&
        strcmp(json_string_value(json_object_get(opt, "kind")), "injection") == 0) {
        char own[256];
        snprintf(own, sizeof own,
                 BONT_TRN("This patient's own toxin effect lasts about %.0f days (from %zu "
                          "recorded wear-off).",
                          "This patient's own toxin effect lasts about %.0f days (from %zu "
                          "recorded wear-offs).",
                          r->own_n_obs),
                 r->own_days, r->own_n_obs);
        e->field(ctx, BONT_TR("For this patient"), own);
    }
    size_t i;
    json_t *v;
    e->list(ctx, BONT_TR("Risks"));
    json_array_foreach(json_object_get(opt, "risks"), i, v) e->item(ctx, pick(v, "text"));
    e->list_end(ctx);
    e->field(ctx, BONT_TR("Who it suits"), pick(opt, "suits"));
    if (json_array_size(json_object_get(opt, "check_first"))) {
        e->list(ctx, BONT_TR("Check first"));
        json_array_foreach(json_object_get(opt, "check_first"), i, v) e->item(ctx, pick(v, "text"));
        e->list_end(ctx);
    }
    age_advice(r, opt, e, ctx);
    record_notes(r, opt, e, ctx);
    if (json_object_get(opt, "unconfirmed"))
        e->field(ctx, BONT_TR("Note"),
                 BONT_TR("Some figures of this option could not be confirmed from the sources "
                         "bont holds, so none is given for them."));
    char ids[1024];
    ids_of(opt, ids, sizeof ids);
    e->field(ctx, BONT_TR("Sources"),
             ids[0] ? ids : BONT_TR("none: what it would say is not confirmed (see the note)"));
}

/* Every source the condition cites, each once, in order of first citation. */
static void all_sources(const json_t *cond, char *buf, size_t size)
{
    char ids[1024];
    size_t i;
    json_t *v;
    buf[0] = '\0';
    json_array_foreach(json_object_get(cond, "about_sources"), i, v)
        bont__ids_add(buf, size, json_string_value(v), NULL, NULL);
    json_array_foreach(json_object_get(cond, "options"), i, v)
    {
        ids_of(v, ids, sizeof ids);
        bont__ids_add(buf, size, ids, NULL, NULL);
    }
}

static void walk(const bont_pathway_report_t *r, const json_t *cond, const pw_emitter_t *e,
                 void *ctx)
{
    char title[512], line[LINE];
    snprintf(title, sizeof title, BONT_TR("Treatment options: %s"), pick(cond, "name"));
    e->title(ctx, title, pick(cond, "about"));
    if (r->patient || r->age_years >= 0) {
        e->list(ctx, BONT_TR("Patient"));
        if (r->patient) {
            snprintf(line, sizeof line, BONT_TR("Record %s"), r->patient);
            e->item(ctx, line);
        }
        if (r->age_years >= 0) {
            snprintf(line, sizeof line, BONT_TR("Age %.0f"), floor(r->age_years));
            e->item(ctx, line);
        }
        for (size_t t = 0; t < r->n_terms; t++)
            e->item(ctx, r->terms[t]->id);
        e->list_end(ctx);
    }
    size_t i;
    json_t *opt;
    json_array_foreach(json_object_get(cond, "options"), i, opt) option_walk(r, opt, i + 1, e, ctx);
    char ids[2048];
    all_sources(cond, ids, sizeof ids);
    e->title(ctx, BONT_TR("All sources"), NULL);
    e->list(ctx, BONT_TR("Sources"));
    for (char *save = NULL, *id = strtok_r(ids, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
        bont__content_source_t s;
        if (!bont__content_source(r->content, r->kb, id, &s))
            snprintf(line, sizeof line, "[%s]", id);
        else
            snprintf(line, sizeof line, "[%s] %s %s", id, s.title ? s.title : "",
                     s.url ? s.url : "");
        e->item(ctx, line);
    }
    e->list_end(ctx);
    e->end(ctx);
}

/* ---- Text ------------------------------------------------------------------------------------ */

static void t_put(void *ctx, const char *s)
{
    bont_report_put_text(ctx, s);
}

/* The page's title and what the condition is; a later title (about NULL) opens the sources. */
static void t_title(void *ctx, const char *title, const char *about)
{
    fputs(about ? "" : "\n", ctx);
    t_put(ctx, title);
    fputs("\n", ctx);
    if (about) {
        t_put(ctx, about);
        fputs("\n", ctx);
    }
}

static void t_option(void *ctx, size_t number, const char *name, const char *kind)
{
    fprintf(ctx, "\n%zu. ", number);
    t_put(ctx, name);
    if (kind) {
        fputs(" (", ctx);
        t_put(ctx, kind);
        fputs(")", ctx);
    }
    fputs("\n", ctx);
}

static void t_field(void *ctx, const char *label, const char *text)
{
    fputs("   ", ctx);
    t_put(ctx, label);
    fputs(": ", ctx);
    t_put(ctx, text);
    fputs("\n", ctx);
}

static void t_list(void *ctx, const char *label)
{
    fputs("   ", ctx);
    t_put(ctx, label);
    fputs(":\n", ctx);
}

static void t_item(void *ctx, const char *text)
{
    fputs("     - ", ctx);
    t_put(ctx, text);
    fputs("\n", ctx);
}

static void t_nothing(void *ctx)
{
    (void)ctx;
}

int bont_report_pathway_text(FILE *f, const bont_pathway_report_t *r)
{
    const json_t *cond = bont__content_condition(r->content, r->condition);
    if (!cond)
        return BONT_ENOTFOUND;
    static const pw_emitter_t emit = {t_title, t_option,  t_field,  t_list,
                                      t_item,  t_nothing, t_nothing};
    walk(r, cond, &emit, f);
    return bont__stream_rc(f, 0);
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static void h_put(void *ctx, const char *s)
{
    bont_report_put_xml(ctx, s);
}

static void h_title(void *ctx, const char *title, const char *about)
{
    if (!about) { /* the sources, after the options */
        fputs("</dl>\n</section>\n</div>\n<section class=\"sources\">\n<h2>", ctx);
        h_put(ctx, title);
        fputs("</h2>\n<dl>\n", ctx);
        return;
    }
    bont_lang_t lang = bont_i18n_thread_lang();
    fprintf(ctx, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
            bont_lang_html(lang));
    h_put(ctx, title);
    fprintf(ctx,
            "</title>\n<style>\nhtml { font-family: %s; font-size: 10.5pt; line-height: 1.45; "
            "}\n:lang(ko) { word-break: keep-all; }\nbody { max-width: 190mm; margin: 0 auto; "
            "}\n@page { size: A4; margin: 10mm; }\n.options { display: grid; gap: 6px; "
            "grid-template-columns: repeat(auto-fit, minmax(56mm, 1fr)); }\nsection.option { "
            "font-size: 8.6pt; line-height: 1.38; }\nsection.option ul { padding-left: 14px; "
            "margin: 2px 0; }\nsection { border: 1px solid #bbb; "
            "border-radius: 4px; padding: 4px 10px; margin: 8px 0; break-inside: avoid; }\n"
            "h2 { font-size: 13pt; margin: 4px 0; }\ndt { font-weight: bold; margin-top: 3px; "
            "}\ndd { margin: 0 0 0 14px; }\n.sources { font-size: 8pt; color: #555; "
            "overflow-wrap: anywhere; }\n</style>\n</head>\n<body>\n<h1>",
            lang == BONT_LANG_ZH   ? "\"Noto Sans CJK SC\", sans-serif"
            : lang == BONT_LANG_KO ? "\"Noto Sans CJK KR\", sans-serif"
                                   : "\"Noto Sans\", \"DejaVu Sans\", sans-serif");
    h_put(ctx, title);
    fputs("</h1>\n<p>", ctx);
    h_put(ctx, about);
    fputs("</p>\n<dl>\n", ctx);
}

static void h_option(void *ctx, size_t number, const char *name, const char *kind)
{
    /* The options side by side: one column each (stacked on a narrow screen). */
    fprintf(ctx, "</dl>\n%s<section class=\"option\">\n<h2>%zu. ",
            number > 1 ? "</section>\n" : "<div class=\"options\">\n", number);
    h_put(ctx, name);
    if (kind) {
        fputs(" <small>(", ctx);
        h_put(ctx, kind);
        fputs(")</small>", ctx);
    }
    fputs("</h2>\n<dl>\n", ctx);
}

static void h_field(void *ctx, const char *label, const char *text)
{
    fputs("<dt>", ctx);
    h_put(ctx, label);
    fputs("</dt><dd>", ctx);
    h_put(ctx, text);
    fputs("</dd>\n", ctx);
}

static void h_list(void *ctx, const char *label)
{
    fputs("<dt>", ctx);
    h_put(ctx, label);
    fputs("</dt><dd><ul>\n", ctx);
}

static void h_item(void *ctx, const char *text)
{
    fputs("<li>", ctx);
    h_put(ctx, text);
    fputs("</li>\n", ctx);
}

static void h_list_end(void *ctx)
{
    fputs("</ul></dd>\n", ctx);
}

static void h_end(void *ctx)
{
    fputs("</dl>\n</section>\n</body>\n</html>\n", ctx);
}

int bont_report_pathway_html(FILE *f, const bont_pathway_report_t *r)
{
    const json_t *cond = bont__content_condition(r->content, r->condition);
    if (!cond)
        return BONT_ENOTFOUND;
    static const pw_emitter_t emit = {h_title, h_option,   h_field, h_list,
                                      h_item,  h_list_end, h_end};
    walk(r, cond, &emit, f);
    return bont__stream_rc(f, 0);
}

/* ---- JSON ------------------------------------------------------------------------------------
 * The option as the data holds it (ids, numbers, rates, source ids), its texts in the thread's
 * language, and the age advice that applies. */

/* A copy of node where every text {"en", "zh", "ko"} is its string in the thread's language. */
static json_t *localised(const json_t *node)
{
    if (json_is_object(node) && json_is_string(json_object_get(node, "en")))
        return bont__jstr(bont__content_pick(node));
    if (json_is_object(node)) {
        json_t *o = json_object();
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)node, key, v)
        {
            if (!o || json_object_set_new(o, key, localised(v)) != 0) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    if (json_is_array(node)) {
        json_t *a = json_array();
        size_t i;
        json_t *v;
        bool failed = false;
        json_array_foreach((json_t *)node, i, v) bont__jappend(a, localised(v), &failed);
        if (failed)
            json_decref(a);
        return failed ? NULL : a;
    }
    return json_deep_copy(node);
}

static json_t *sources_json(const bont_pathway_report_t *r, const json_t *cond)
{
    char ids[2048];
    all_sources(cond, ids, sizeof ids);
    json_t *o = json_object();
    for (char *save = NULL, *id = strtok_r(ids, " ", &save); o && id;
         id = strtok_r(NULL, " ", &save)) {
        bont__content_source_t s = {NULL, NULL};
        bont__content_source(r->content, r->kb, id, &s);
        json_t *e = json_pack("{s:o, s:o}", "title", bont__jstr_or_null(s.title), "url",
                              bont__jstr_or_null(s.url));
        if (!e || json_object_set_new(o, id, e) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *patient_json(const bont_pathway_report_t *r)
{
    if (!r->patient && r->age_years < 0)
        return json_null();
    json_t *terms = json_array();
    bool failed = false;
    for (size_t i = 0; terms && i < r->n_terms; i++)
        bont__jappend(terms, bont__jstr(r->terms[i]->id), &failed);
    if (failed) {
        json_decref(terms);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:I}", "record", bont__jstr_or_null(r->patient),
                     "age_years", r->age_years >= 0 ? json_real(floor(r->age_years)) : json_null(),
                     "terms", terms, "own_duration_days",
                     r->own_days > 0 ? bont__jreal_sig(r->own_days, 3) : json_null(),
                     "own_wear_offs", (json_int_t)r->own_n_obs);
}

/* The age advice that applies (all of it when the age is unknown). */
static int keep_age_advice(const bont_pathway_report_t *r, json_t *opt)
{
    json_t *list = json_object_get(opt, "age_advice");
    for (size_t i = json_array_size(list); r->age_years >= 0 && i-- > 0;) {
        json_t *a = json_array_get(list, i);
        double lo = json_number_value(json_object_get(a, "min_age"));
        double hi = json_number_value(json_object_get(a, "max_age"));
        if (!(r->age_years >= lo && r->age_years < hi + 1) && json_array_remove(list, i) != 0)
            return -1;
    }
    return 0;
}

json_t *bont_report_pathway_json(const bont_pathway_report_t *r)
{
    const json_t *cond = bont__content_condition(r->content, r->condition);
    if (!cond)
        return NULL;
    json_t *options = localised(json_object_get(cond, "options"));
    size_t i;
    json_t *opt;
    bool failed = !options;
    json_array_foreach(options, i, opt)
    {
        /* Every option names its sources as a list, whichever form the data gives them in. */
        char ids[1024];
        ids_of(json_array_get(json_object_get(cond, "options"), i), ids, sizeof ids);
        json_t *list = json_array();
        for (char *save = NULL, *id = strtok_r(ids, " ", &save); list && id;
             id = strtok_r(NULL, " ", &save))
            bont__jappend(list, bont__jstr(id), &failed);
        failed = failed || !list || json_object_set_new(opt, "sources", list) != 0 ||
                 keep_age_advice(r, opt) != 0;
    }
    json_t *root =
        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "condition", bont__jstr(r->condition),
                  "lang", bont__jlang(), "name", bont__jstr(pick(cond, "name")), "about",
                  bont__jstr(pick(cond, "about")), "patient", patient_json(r), "options", options,
                  "sources", sources_json(r, cond));
    if (failed) {
        json_decref(root);
        return NULL;
    }
    return root;
}
