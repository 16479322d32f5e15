/* access.c: users, login sessions and the audit log (bont/access.h): each operation checks its
 * input and runs the backend's statement (backend.h), so every database behaves the same. */
#include "bont/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

const char *bont_role_name(bont_role_t role)
{
    switch (role) {
    case BONT_ROLE_ADMIN:
        return "admin";
    case BONT_ROLE_CLINICIAN:
        return "clinician";
    default:
        return "none";
    }
}

int bont_role_parse(const char *text, bont_role_t *role)
{
    if (text && strcmp(text, "admin") == 0)
        *role = BONT_ROLE_ADMIN;
    else if (text && strcmp(text, "clinician") == 0)
        *role = BONT_ROLE_CLINICIAN;
    else
        return BONT_EINVAL;
    return 0;
}

int bont_user_name_check(const char *name, bont_error_t *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64) {
        bont_error_setf(err, "user", "a user name has 1 to 64 characters (got %zu)", n);
        return BONT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= ' ' || c >= 127) {
            bont_error_setf(err, "user",
                            "a user name is letters, digits and punctuation without spaces "
                            "(character %zu is not)",
                            i + 1);
            return BONT_EINVAL;
        }
    }
    return 0;
}

int bont_store_user_add(bont_store_t *s, bont_user_t *u, bont_error_t *err)
{
    int rc = bont_user_name_check(u->name, err);
    if (rc != 0)
        return rc;
    if (u->role != BONT_ROLE_ADMIN && u->role != BONT_ROLE_CLINICIAN) {
        bont_error_setf(err, "--role", "the role must be admin or clinician");
        return BONT_EINVAL;
    }
    if (strncmp(u->password_hash, "$argon2id$", 10) != 0) {
        bont_error_setf(err, "password", "the password hash must be an Argon2id string");
        return BONT_EINVAL;
    }
    if ((rc = s->be->user_insert(s, u, err)) == BONT_ECONFLICT)
        bont_error_setf(err, "user", "there is already a user named \"%s\"", u->name);
    return rc;
}

int bont_store_user_get(bont_store_t *s, const char *name, bont_user_t *out, bont_error_t *err)
{
    return s->be->user_get(s, name ? name : "", 0, out, err);
}

int bont_store_user_get_id(bont_store_t *s, long long id, bont_user_t *out, bont_error_t *err)
{
    return s->be->user_get(s, NULL, id, out, err);
}

int bont_store_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    return s->be->user_list(s, out, n, err);
}

int bont_store_user_set_disabled(bont_store_t *s, const char *name, bool disabled,
                                 bont_error_t *err)
{
    bont_user_t u;
    int rc = s->be->begin_write(s, err);
    if (rc != 0)
        return rc;
    if ((rc = s->be->user_get(s, name ? name : "", 0, &u, err)) == BONT_ENOTFOUND)
        bont_error_setf(err, "user", "there is no user named \"%s\"", name ? name : "");
    /* The flag and the end of the sessions commit together; a request on another server reads
     * the flag at every request anyway. */
    if (rc == 0)
        rc = s->be->user_set_disabled(s, u.id, disabled, err);
    if (rc == 0)
        rc = s->be->commit(s, err);
    if (rc != 0)
        s->be->rollback(s);
    return rc;
}

int bont_store_user_login_result(bont_store_t *s, long long user_id, bool good,
                                 long long locked_until, bont_error_t *err)
{
    return s->be->user_login_result(s, user_id, good, locked_until, err);
}

int bont_store_session_add(bont_store_t *s, const bont_session_t *ses, bont_error_t *err)
{
    return s->be->session_insert(s, ses, err);
}

int bont_store_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                           bont_error_t *err)
{
    return s->be->session_get(s, id_hash, out, err);
}

int bont_store_session_touch(bont_store_t *s, const unsigned char id_hash[32], long long last_seen,
                             bont_error_t *err)
{
    return s->be->session_touch(s, id_hash, last_seen, err);
}

int bont_store_session_delete(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err)
{
    return s->be->session_delete(s, id_hash, err);
}

int bont_store_session_purge(bont_store_t *s, long long now, long long idle_before,
                             bont_error_t *err)
{
    return s->be->session_purge(s, now, idle_before, err);
}

int bont_store_audit_add_batch(bont_store_t *s, bont_audit_t *entries, size_t n, bont_error_t *err)
{
    for (size_t i = 0; i < n; i++)
        if (!entries[i].kind[0]) {
            bont_error_setf(err, "kind", "an audit entry says what was done");
            return BONT_EINVAL;
        }
    /* One transaction: all entries or none, and one disk sync for all of them. */
    int rc = s->be->begin_write(s, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = s->be->audit_insert(s, &entries[i], err);
    if (rc == 0)
        rc = s->be->commit(s, err);
    if (rc != 0) {
        s->be->rollback(s);
        for (size_t i = 0; i < n; i++)
            entries[i].id = 0;
    }
    return rc;
}

int bont_store_audit_add(bont_store_t *s, bont_audit_t *e, bont_error_t *err)
{
    return bont_store_audit_add_batch(s, e, 1, err);
}

int bont_store_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                          bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    return s->be->audit_list(s, patient_id, out, n, err);
}
