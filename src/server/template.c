/* template.c: the page templates' renderer: a small Mustache subset over a JSON context in
 * which every interpolated value is HTML-escaped (there is deliberately no raw form). */
#include <stdio.h>
#include <string.h>

#include "server/internal.h"

/* Tags: {{name}} or {{a.b}} (escaped value; {{.}} is the current item), {{#name}}...{{/name}}
 * (repeat for each item of an array, enter an object, or show when true), {{^name}}...
 * {{/name}} (show when false, null, missing, "" or an empty array), {{>partial}} (another
 * template, or an embedded file such as {{>charts/face.svg}}), {{! comment}}. */

enum { MAX_DEPTH = 16, MAX_PARTIAL_DEPTH = 6 };

typedef struct tpl_state_t {
    json_t *stack[MAX_DEPTH]; /* context stack, innermost last (borrowed) */
    int depth;
    int partial_depth;
    bont__buf_t *out;
    bont_error_t *err;
} tpl_state_t;

static int render(tpl_state_t *st, const char *text, size_t len);

static json_t *lookup(tpl_state_t *st, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return st->stack[st->depth - 1];
    /* The first part is looked up from the innermost context outward, as Mustache does. */
    size_t first = 0;
    while (first < len && name[first] != '.')
        first++;
    char key[96];
    if (first >= sizeof key)
        return NULL;
    memcpy(key, name, first);
    key[first] = '\0';
    json_t *v = NULL;
    for (int i = st->depth - 1; i >= 0 && !v; i--)
        if (json_is_object(st->stack[i]))
            v = json_object_get(st->stack[i], key);
    size_t pos = first;
    while (v && pos < len) {
        size_t start = ++pos;
        while (pos < len && name[pos] != '.')
            pos++;
        if (pos - start >= sizeof key)
            return NULL;
        memcpy(key, name + start, pos - start);
        key[pos - start] = '\0';
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
    }
    return v;
}

static bool truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return false;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    return true;
}

static void emit_value(tpl_state_t *st, const json_t *v)
{
    char num[64];
    if (json_is_string(v))
        bont__html_escape(st->out, json_string_value(v));
    else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        bont__buf_append(st->out, num, strlen(num));
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%g", json_real_value(v));
        bont__buf_append(st->out, num, strlen(num));
    } else if (json_is_true(v))
        bont__buf_append(st->out, "true", 4);
}

static int fail(tpl_state_t *st, const char *fmt, const char *a, size_t n)
{
    bont_error_setf(st->err, "template", fmt, (int)n, a);
    return BONT_EPARSE;
}

/* Finds the {{/name}} that closes a section opened just before text, skipping nested
 * sections of the same name. Returns its offset, and the offset after it in *after. */
static long find_close(const char *text, size_t len, const char *name, size_t nlen, size_t *after)
{
    int level = 0;
    for (size_t i = 0; i + 4 <= len; i++) {
        if (text[i] != '{' || text[i + 1] != '{')
            continue;
        char kind = text[i + 2];
        const char *close = NULL;
        for (size_t j = i + 2; j + 1 < len; j++)
            if (text[j] == '}' && text[j + 1] == '}') {
                close = text + j;
                break;
            }
        if (!close)
            return -1;
        const char *tag = text + i + 3;
        size_t tlen = (size_t)(close - tag);
        if ((kind == '#' || kind == '^') && tlen == nlen && memcmp(tag, name, nlen) == 0)
            level++;
        else if (kind == '/' && tlen == nlen && memcmp(tag, name, nlen) == 0) {
            if (level == 0) {
                *after = (size_t)(close + 2 - text);
                return (long)i;
            }
            level--;
        }
        i = (size_t)(close - text) + 1;
    }
    return -1;
}

static int render_partial(tpl_state_t *st, const char *name, size_t nlen)
{
    char path[128];
    if (st->partial_depth >= MAX_PARTIAL_DEPTH)
        return fail(st, "partials nest too deep at \"%.*s\"", name, nlen);
    /* "charts/face.svg" names an asset; "layout_top" a template. */
    if (memchr(name, '/', nlen))
        snprintf(path, sizeof path, "%.*s", (int)nlen, name);
    else
        snprintf(path, sizeof path, "templates/%.*s.html", (int)nlen, name);
    const bont__asset_t *a = bont__asset_find(path);
    if (!a)
        return fail(st, "no template named \"%.*s\"", name, nlen);
    st->partial_depth++;
    int rc = render(st, a->data, a->size);
    st->partial_depth--;
    return rc;
}

static int render_section(tpl_state_t *st, char kind, const char *name, size_t nlen,
                          const char *inner, size_t inner_len)
{
    json_t *v = lookup(st, name, nlen);
    if (kind == '^')
        return truthy(v) ? 0 : render(st, inner, inner_len);
    if (!truthy(v))
        return 0;
    if (st->depth + 1 >= MAX_DEPTH)
        return fail(st, "sections nest too deep at \"%.*s\"", name, nlen);
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
        /* A true scalar shows the block once in the same context. */
        bool push = json_is_object(item) || json_is_array(v);
        if (push)
            st->stack[st->depth++] = item;
        int rc = render(st, inner, inner_len);
        if (push)
            st->depth--;
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int render(tpl_state_t *st, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *open = NULL;
        for (size_t j = i; j + 1 < len; j++)
            if (text[j] == '{' && text[j + 1] == '{') {
                open = text + j;
                break;
            }
        if (!open) {
            bont__buf_append(st->out, text + i, len - i);
            break;
        }
        bont__buf_append(st->out, text + i, (size_t)(open - (text + i)));
        size_t o = (size_t)(open - text);
        const char *close = NULL;
        for (size_t j = o + 2; j + 1 < len; j++)
            if (text[j] == '}' && text[j + 1] == '}') {
                close = text + j;
                break;
            }
        if (!close)
            return fail(st, "a tag is not closed: \"%.*s\"", open, len - o < 40 ? len - o : 40);
        const char *tag = open + 2;
        size_t tlen = (size_t)(close - tag);
        size_t next = (size_t)(close + 2 - text);
        char kind = tlen ? tag[0] : '\0';
        if (kind == '{' || kind == '&')
            return fail(st, "unescaped output is not allowed: \"%.*s\"", tag, tlen);
        if (kind == '!') {
            i = next;
            continue;
        }
        const char *name =
            (kind == '#' || kind == '^' || kind == '/' || kind == '>') ? tag + 1 : tag;
        size_t nlen = tlen - (size_t)(name - tag);
        while (nlen && name[0] == ' ')
            name++, nlen--;
        while (nlen && name[nlen - 1] == ' ')
            nlen--;
        if (nlen == 0)
            return fail(st, "an empty tag%.*s", "", 0);
        for (size_t k = 0; k < nlen; k++) {
            char c = name[k];
            if (!(c == '.' || c == '_' || c == '-' || (c == '/' && kind == '>') ||
                  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
                return fail(st, "a tag name may hold letters, digits, '_', '-', '.': \"%.*s\"",
                            name, nlen);
        }
        int rc = 0;
        if (kind == '#' || kind == '^') {
            size_t after = 0;
            long end = find_close(text + next, len - next, name, nlen, &after);
            if (end < 0)
                return fail(st, "section \"%.*s\" is not closed", name, nlen);
            rc = render_section(st, kind, name, nlen, text + next, (size_t)end);
            next += after;
        } else if (kind == '/')
            return fail(st, "\"/%.*s\" closes no open section", name, nlen);
        else if (kind == '>')
            rc = render_partial(st, name, nlen);
        else {
            json_t *v = lookup(st, name, nlen);
            if (v)
                emit_value(st, v);
        }
        if (rc != 0)
            return rc;
        i = next;
    }
    return st->out->failed ? BONT_ENOMEM : 0;
}

int bont__tpl_render_text(const char *text, size_t len, json_t *ctx, bont__buf_t *out,
                          bont_error_t *err)
{
    tpl_state_t st = {.depth = 1, .out = out, .err = err};
    st.stack[0] = ctx;
    return render(&st, text, len);
}

int bont__tpl_render(const char *name, json_t *ctx, bont__buf_t *out, bont_error_t *err)
{
    char path[128];
    snprintf(path, sizeof path, "templates/%s.html", name);
    const bont__asset_t *a = bont__asset_find(path);
    if (!a) {
        bont_error_setf(err, "template", "no template named \"%s\"", name);
        return BONT_ENOTFOUND;
    }
    return bont__tpl_render_text(a->data, a->size, ctx, out, err);
}
