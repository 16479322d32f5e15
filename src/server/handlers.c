/* handlers.c: what the server's handlers share: answers from report builders, plan errors,
 * query and path parameters, and the history and due-list look-ups the API and the pages both
 * show. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bont/report.h"
#include "server/internal.h"

void bont__resp_report(bont__resp_t *r, int status, json_t *value)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? bont_report_json_write(f, value) : BONT_ENOMEM;
    if (!f)
        json_decref(value);
    if (f && fclose(f) != 0 && rc == 0)
        rc = BONT_ENOMEM;
    if (rc == 0)
        bont__resp_text(r, status, "application/json", text);
    else
        bont__resp_error(r, 500, "internal", "out of memory");
    free(text);
}

void bont__resp_plan_error(bont__resp_t *r, int rc, const bont_error_t *err)
{
    char msg[1400];
    bont_error_format(err, msg, sizeof msg);
    /* The plan's faults are the client's (400); a knowledge base or model that fails is ours. */
    bool ours = rc == BONT_ENOMEM || rc == BONT_EKB || rc == BONT_EIO || rc == BONT_ENUMERIC;
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:i, s:i}", "error", ours ? "internal" : "bad_plan", "message",
                  msg, "field", err->field, "line", err->line, "column", err->column);
    bont__resp_json(r, ours ? 500 : 400, body);
}

bool bont__query_int(const bont__ctx_t *c, const char *name, long lo, long hi, long def, long *out)
{
    const char *v = bont__kv_get(c->req->query, c->req->n_query, name);
    *out = def;
    if (!v)
        return true;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

bool bont__param_id(const bont__ctx_t *c, size_t i, long long *id)
{
    char *end = NULL;
    const char *s = i < c->n_params ? c->params[i] : "";
    *id = strtoll(s, &end, 10);
    return *s >= '1' && *s <= '9' && !*end && *id > 0;
}

/* The duration the command line predicts with (the model's, the table's where it has none),
 * kept per visit between requests. */
static void duration_ctx(const bont__ctx_t *c, bont__duration_ctx_t *d)
{
    memset(d, 0, sizeof *d);
    d->model.kb = c->srv->kb;
    d->model.model = bont_model_bont;
    d->model.params = c->srv->params;
    d->cache = c->srv->durations;
}

/* The prediction names its basis by the function it used; ours wraps the command's, so it
 * says "model" or "table" as the command does. */
static void name_basis(bont__duration_ctx_t *d, bont_due_t *due)
{
    const char *basis = bont__duration_basis(d, due->visit_id);
    if (basis)
        snprintf(due->basis, sizeof due->basis, "%s", basis);
}

int bont__history_load(bont__ctx_t *c, long long id, bont_store_record_t **rec, bont_due_t *due,
                       const bont_due_t **pred, bont_error_t *err)
{
    *pred = NULL;
    int rc = bont_store_record_load(c->store, id, rec, err);
    if (rc != 0 || (*rec)->n_visits == 0)
        return rc;
    char today[11];
    bont__duration_ctx_t d;
    duration_ctx(c, &d);
    bont__server_today(today);
    rc = bont_store_predict(*rec, bont__duration_cached, &d, &c->srv->prior, today, due, err);
    if (rc == 0) {
        name_basis(&d, due);
        *pred = due;
    } else
        bont_store_record_free(rec);
    return rc;
}

int bont__due_report(bont__ctx_t *c, int within_days, json_t **out)
{
    bont_error_t err;
    bont_due_t *list = NULL;
    size_t n = 0;
    char today[11];
    bont__duration_ctx_t d;
    duration_ctx(c, &d);
    bont__server_today(today);
    *out = NULL;
    int rc = bont_store_due(c->store, bont__duration_cached, &d, &c->srv->prior, today, within_days,
                            &list, &n, &err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        name_basis(&d, &list[i]);
    if (rc == 0 && !(*out = bont_report_due_json(today, within_days, list, n)))
        rc = BONT_ENOMEM;
    free(list);
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "within %d days: %zu patient(s)",
             within_days, n);
    return rc;
}

int bont__recall_report(bont__ctx_t *c, const char *lot, json_t **out)
{
    bont_error_t err;
    bont_store_recall_t *hits = NULL;
    size_t n = 0;
    *out = NULL;
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "lot %.200s", lot);
    int rc = bont_store_recall(c->store, lot, &hits, &n, &err);
    if (rc == 0 && !(*out = bont_report_recall_json(lot, hits, n)))
        rc = BONT_ENOMEM;
    free(hits);
    return rc;
}

bool bont__name_matches(const char *name, const char *q)
{
    size_t n = q ? strlen(q) : 0;
    if (n == 0)
        return true;
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, q, n) == 0)
            return true;
    return false;
}
