/* pages_admin.c: the admin pages of the web app: users (list, add, disable) and the audit
 * log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/internal.h"

static int users_page(bont__ctx_t *c, const char *message, const char *error)
{
    bont_error_t err;
    bont_user_t *users = NULL;
    size_t n = 0;
    if (bont_store_user_list(c->store, &users, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("{s:s, s:s, s:b, s:s, s:b}", "name", users[i].name,
                                              "role", bont_role_name(users[i].role), "disabled",
                                              users[i].disabled, "created_at", users[i].created_at,
                                              "self", users[i].id == c->user.id));
    free(users);
    json_t *ctx = json_pack("{s:o}", "users", rows);
    if (message)
        json_object_set_new(ctx, "message", json_string(message));
    if (error)
        json_object_set_new(ctx, "error", json_string(error));
    return bont__page(c, "users", "Users", ctx);
}

int bont__h_page_users(bont__ctx_t *c)
{
    return users_page(c, NULL, NULL);
}

int bont__h_users_add(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_user_t u;
    memset(&u, 0, sizeof u);
    const char *name = bont__kv_get(c->form, c->n_form, "name");
    const char *role = bont__kv_get(c->form, c->n_form, "role");
    const char *password = bont__kv_get(c->form, c->n_form, "password");
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%.64s as %.16s",
             name ? name : "", role ? role : "");
    int rc = bont_user_name_check(name, &err);
    if (rc == 0 && bont_role_parse(role, &u.role) != 0) {
        bont_error_setf(&err, "role", "the role must be admin or clinician");
        rc = BONT_EINVAL;
    }
    if (rc == 0)
        rc = bont_password_hash(password, u.password_hash, sizeof u.password_hash, &err);
    if (rc == 0) {
        snprintf(u.name, sizeof u.name, "%s", name);
        rc = bont_store_user_add(c->store, &u, &err);
    }
    if (rc != 0 && rc != BONT_EINVAL && rc != BONT_ECONFLICT)
        return rc;
    int page = users_page(c, rc == 0 ? "User added." : NULL, rc == 0 ? NULL : err.message);
    if (page == 0 && rc != 0)
        c->resp->status = rc == BONT_ECONFLICT ? 409 : 400;
    return page;
}

int bont__h_users_disable(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%.64s", c->params[0]);
    if (strcasecmp(c->params[0], c->user.name) == 0) {
        int page = users_page(c, NULL, "You cannot disable your own login.");
        if (page == 0)
            c->resp->status = 409;
        return page;
    }
    int rc = bont_store_user_set_disabled(c->store, c->params[0], true, &err);
    if (rc == BONT_ENOTFOUND) {
        bont__resp_text(c->resp, 404, "text/plain; charset=utf-8", "404 no such user\n");
        return 0;
    }
    if (rc != 0)
        return rc;
    bont__resp_redirect(c->resp, "/users");
    return 0;
}

int bont__h_page_audit(bont__ctx_t *c)
{
    bont_error_t err;
    bont_audit_t *list = NULL;
    size_t n = 0;
    const char *pid = bont__kv_get(c->req->query, c->req->n_query, "patient");
    long long patient = pid ? strtoll(pid, NULL, 10) : 0;
    if (bont_store_audit_list(c->store, patient, &list, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    /* Newest first, the last 500: the full log is `bont audit`. */
    for (size_t k = 0; k < n && k < 500; k++) {
        const bont_audit_t *e = &list[n - 1 - k];
        json_t *row =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)e->id,
                      "at", e->at, "user", e->user, "remote", e->remote, "kind", e->kind, "method",
                      e->method, "path", e->path, "status", e->status, "detail", e->detail);
        if (row && e->patient_id > 0)
            json_object_set_new(row, "patient_id", json_integer(e->patient_id));
        json_array_append_new(rows, row);
    }
    free(list);
    return bont__page(c, "audit", "Audit log",
                      json_pack("{s:o, s:I, s:s}", "entries", rows, "total", (json_int_t)n,
                                "patient", pid ? pid : ""));
}
