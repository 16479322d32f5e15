/* content.c: loads and checks the patient content (handout sentences, aftercare, pathways,
 * glossary), and picks its texts in the calling thread's language. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/i18n.h"
#include "content/internal.h"
#include "kb/datafile.h"

/* The handout sentences the writers use: the loader refuses a file that lacks one. */
static const char *const required_texts[] = {
    "title",
    "heading.warning",
    "heading.what",
    "heading.plan",
    "heading.expect",
    "heading.aftercare",
    "heading.side_effects",
    "heading.contact",
    "what.general",
    "what.units",
    "expect.notice",
    "expect.peak",
    "expect.wear_off",
    "expect.next",
    "expect.model",
    "expect.timeline",
    "side_effects.intro",
    "disclaimer",
    "contact",
    "plan.line",
    "errors.forced",
};

static int fail(bont_error_t *err, const char *file, const char *field, const char *what)
{
    if (err) {
        bont_error_clear(err);
        snprintf(err->file, sizeof err->file, "data/%s", file);
        bont_error_setf(err, field, "%s", what);
    }
    return BONT_EKB;
}

/* Is every {name} placeholder of a also in b? */
static int same_placeholders(const char *a, const char *b)
{
    for (const char *p = strchr(a, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e || e - p > 40)
            return 0;
        char ph[48];
        snprintf(ph, sizeof ph, "%.*s", (int)(e - p + 1), p);
        if (!strstr(b, ph))
            return 0;
    }
    return 1;
}

/* Every object with an "en" string is a text: it needs zh and ko with the same placeholders. */
static int check_texts(const json_t *node, const char *file, char *path, size_t size,
                       bont_error_t *err)
{
    size_t n = strlen(path);
    if (json_is_object(node)) {
        const char *en = json_string_value(json_object_get(node, "en"));
        static const char *const others[] = {"zh", "ko"};
        for (size_t l = 0; en && l < 2; l++) {
            const char *t = json_string_value(json_object_get(node, others[l]));
            if (!t || !*t || !*en)
                return fail(err, file, path, "a text needs its English, Chinese and Korean");
            if (!same_placeholders(en, t) || !same_placeholders(t, en))
                return fail(err, file, path, "the languages of a text differ in {placeholders}");
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)node, key, v)
        {
            snprintf(path + n, size - n, "%s%s", n ? "." : "", key);
            int rc = check_texts(v, file, path, size, err);
            path[n] = '\0';
            if (rc)
                return rc;
        }
    } else if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach((json_t *)node, i, v)
        {
            snprintf(path + n, size - n, "[%zu]", i);
            int rc = check_texts(v, file, path, size, err);
            path[n] = '\0';
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int is_text(const json_t *t)
{
    return json_is_string(json_object_get(t, "en"));
}

/* Each condition: an id, a name and options, each option an id and a name. */
static int check_pathways(bont_content_t *c, bont_error_t *err)
{
    c->conditions = json_object_get(c->pathways, "conditions");
    if (!json_is_array(c->conditions) || json_array_size(c->conditions) == 0)
        return fail(err, "pathways.json", "conditions", "expected an array of conditions");
    size_t i;
    json_t *cond;
    json_array_foreach(c->conditions, i, cond)
    {
        char field[64];
        snprintf(field, sizeof field, "conditions[%zu]", i);
        json_t *opts = json_object_get(cond, "options");
        if (!json_is_string(json_object_get(cond, "id")) ||
            !is_text(json_object_get(cond, "name")) || !json_is_array(opts) ||
            json_array_size(opts) == 0)
            return fail(err, "pathways.json", field, "a condition needs an id, a name and options");
        size_t j;
        json_t *o;
        json_array_foreach(opts, j, o)
        {
            if (!json_is_string(json_object_get(o, "id")) || !is_text(json_object_get(o, "name")))
                return fail(err, "pathways.json", field, "an option needs an id and a name");
        }
    }
    return 0;
}

static int check_handout(bont_content_t *c, bont_error_t *err)
{
    c->texts = json_object_get(c->handout, "texts");
    for (size_t i = 0; i < sizeof required_texts / sizeof required_texts[0]; i++)
        if (!is_text(json_object_get(c->texts, required_texts[i]))) {
            char field[64];
            snprintf(field, sizeof field, "texts.%s", required_texts[i]);
            return fail(err, "handout-text.json", field, "the handout needs this text");
        }
    json_t *ws = json_object_get(c->aftercare, "warning_signs");
    if (!json_is_array(json_object_get(c->aftercare, "aftercare")) ||
        !json_is_array(json_object_get(ws, "signs")) || !is_text(json_object_get(ws, "heading")))
        return fail(err, "aftercare.json", NULL,
                    "expected aftercare instructions and warning signs with a heading");
    return 0;
}

int bont_content_load(bont_content_t **out, const char *dir, bont_error_t *err)
{
    *out = NULL;
    bont_content_t *c = calloc(1, sizeof *c);
    if (!c)
        return BONT_ENOMEM;
    static const char *const files[] = {"handout-text.json", "aftercare.json", "pathways.json",
                                        "glossary.json"};
    json_t **roots[] = {&c->handout, &c->aftercare, &c->pathways, &c->glossary};
    int rc = 0;
    for (size_t i = 0; i < 4 && rc == 0; i++) {
        rc = bont__data_load(dir, files[i], roots[i], err);
        char path[256] = "";
        if (rc == 0 && i < 3)
            rc = check_texts(*roots[i], files[i], path, sizeof path, err);
    }
    if (rc == 0)
        rc = check_handout(c, err);
    if (rc == 0)
        rc = check_pathways(c, err);
    if (rc) {
        bont_content_free(&c);
        return rc;
    }
    *out = c;
    return 0;
}

void bont_content_free(bont_content_t **content)
{
    if (!content || !*content)
        return;
    bont_content_t *c = *content;
    json_decref(c->handout);
    json_decref(c->aftercare);
    json_decref(c->pathways);
    json_decref(c->glossary);
    free(c);
    *content = NULL;
}

size_t bont_content_n_conditions(const bont_content_t *c)
{
    return c ? json_array_size(c->conditions) : 0;
}

const char *bont_content_condition_id(const bont_content_t *c, size_t i)
{
    return c ? json_string_value(json_object_get(json_array_get(c->conditions, i), "id")) : NULL;
}

const json_t *bont__content_condition(const bont_content_t *c, const char *id)
{
    for (size_t i = 0; id && i < bont_content_n_conditions(c); i++)
        if (strcmp(bont_content_condition_id(c, i), id) == 0)
            return json_array_get(c->conditions, i);
    return NULL;
}

int bont_content_has_condition(const bont_content_t *c, const char *id)
{
    return bont__content_condition(c, id) != NULL;
}

const char *bont__content_pick(const json_t *text)
{
    const char *en = json_string_value(json_object_get(text, "en"));
    const char *t = bont_i18n_pick(en, json_string_value(json_object_get(text, "zh")),
                                   json_string_value(json_object_get(text, "ko")));
    return t ? t : "";
}

const char *bont__content_text(const bont_content_t *c, const char *key)
{
    return bont__content_pick(json_object_get(c->texts, key));
}

void bont__content_fill(char *buf, size_t size, const char *text, const char *const *names,
                        const char *const *values, size_t n)
{
    size_t at = 0;
    if (size == 0)
        return;
    for (const char *p = text; *p && at + 1 < size;) {
        const char *e = *p == '{' ? strchr(p, '}') : NULL;
        size_t k = n;
        for (size_t i = 0; e && i < n && k == n; i++) /* the first value of a name wins */
            if (strlen(names[i]) == (size_t)(e - p - 1) && !strncmp(p + 1, names[i], e - p - 1))
                k = i;
        if (k < n) {
            at += (size_t)snprintf(buf + at, size - at, "%s", values[k]);
            p = e + 1;
        } else
            buf[at++] = *p++;
        if (at >= size)
            at = size - 1;
    }
    buf[at] = '\0';
}

const char *bont__content_term(const bont_content_t *c, const char *id, int lay)
{
    size_t i;
    json_t *concept;
    json_array_foreach(json_object_get(c->glossary, "concepts"), i, concept)
    {
        if (!id || strcmp(json_string_value(json_object_get(concept, "id")), id) != 0)
            continue;
        const char *lang = bont_lang_code(bont_i18n_thread_lang());
        json_t *block = json_object_get(concept, lang);
        const char *t = json_string_value(json_object_get(block, lay ? "lay" : "technical"));
        if (!t && lay)
            t = json_string_value(json_object_get(block, "technical"));
        return t;
    }
    return NULL;
}

static const json_t *find_source(const json_t *list, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach((json_t *)list, i, s)
    {
        const char *sid = json_string_value(json_object_get(s, "id"));
        if (sid && strcmp(sid, id) == 0)
            return s;
    }
    return NULL;
}

int bont__content_source(const bont_content_t *c, const bont_kb_t *kb, const char *id,
                         bont__content_source_t *out)
{
    const json_t *s = find_source(json_object_get(c->pathways, "sources"), id);
    if (!s)
        s = find_source(json_object_get(c->aftercare, "sources"), id);
    if (s) {
        out->title = json_string_value(json_object_get(s, "title"));
        out->url = json_string_value(json_object_get(s, "url"));
        return 1;
    }
    const bont_source_t *k = kb ? bont_kb_source(kb, id) : NULL;
    if (!k)
        return 0;
    out->title = k->title;
    out->url = k->url;
    return 1;
}
