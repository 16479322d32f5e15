/* test_store_access.c: users, login sessions and the audit log through the store interface, the
 * same on SQLite and PostgreSQL: names without case, disabling ends sessions, login counts,
 * session expiry, and an audit log that no SQL can change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/access.h"
#include "test.h"
#include "test_store.h"

static bont_user_t new_user(const char *name, bont_role_t role)
{
    bont_user_t u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    /* A fixed Argon2id string: hashing is the server's business, not the store's. */
    snprintf(u.password_hash, sizeof u.password_hash,
             "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA");
    return u;
}

static bont_session_t new_session(unsigned char tag, long long user_id, long long now)
{
    bont_session_t ses;
    memset(&ses, 0, sizeof ses);
    for (int i = 0; i < 32; i++) {
        ses.id_hash[i] = (unsigned char)(tag + i);
        ses.csrf_key[i] = (unsigned char)(255 - tag - i); /* bytes 0x00 and 0xff too */
    }
    ses.user_id = user_id;
    ses.created_at = ses.last_seen = now;
    ses.expires_at = now + 3600;
    return ses;
}

STORE_TEST(store_users_and_sessions, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, pg, "access.db"))
        return;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    bont_user_t ada = new_user("ada", BONT_ROLE_ADMIN),
                carl = new_user("Carl", BONT_ROLE_CLINICIAN);
    CHECK_INT(bont_store_user_add(s, &carl, &err), 0);
    CHECK_INT(bont_store_user_add(s, &ada, &err), 0);
    CHECK(ada.id > 0 && carl.id > 0 && ada.id != carl.id);
    CHECK_INT(strlen(ada.created_at), 20);
    bont_user_t dup = new_user("ADA", BONT_ROLE_CLINICIAN);
    CHECK_INT(bont_store_user_add(s, &dup, &err), BONT_ECONFLICT);
    CHECK(strstr(err.message, "already a user named \"ADA\"") != NULL);
    bont_user_t bad = new_user("has space", BONT_ROLE_ADMIN);
    CHECK_INT(bont_store_user_add(s, &bad, &err), BONT_EINVAL);

    bont_user_t got;
    CHECK_INT(bont_store_user_get(s, "CARL", &got, &err), 0);
    CHECK_INT(got.id, carl.id);
    CHECK_STR(got.name, "Carl");
    CHECK_INT(got.role, BONT_ROLE_CLINICIAN);
    CHECK_STR(got.password_hash, carl.password_hash);
    CHECK(!got.disabled);
    CHECK_INT(bont_store_user_get(s, "nobody", &got, &err), BONT_ENOTFOUND);
    CHECK_INT(bont_store_user_get_id(s, ada.id, &got, &err), 0);
    CHECK_STR(got.name, "ada");
    CHECK_INT(bont_store_user_get_id(s, 9999, &got, &err), BONT_ENOTFOUND);
    bont_user_t *all = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_user_list(s, &all, &n, &err), 0);
    CHECK_INT(n, 2);
    if (n == 2) { /* by name without case: ada before Carl */
        CHECK_STR(all[0].name, "ada");
        CHECK_STR(all[1].name, "Carl");
    }
    free(all);

    /* Two failed logins count, a good one resets. */
    CHECK_INT(bont_store_user_login_result(s, carl.id, false, 1000, &err), 0);
    CHECK_INT(bont_store_user_login_result(s, carl.id, false, 2000, &err), 0);
    CHECK_INT(bont_store_user_get(s, "carl", &got, &err), 0);
    CHECK_INT(got.failed_logins, 2);
    CHECK_INT(got.locked_until, 2000);
    CHECK_INT(bont_store_user_login_result(s, carl.id, true, 0, &err), 0);
    CHECK_INT(bont_store_user_get(s, "carl", &got, &err), 0);
    CHECK_INT(got.failed_logins, 0);
    CHECK_INT(got.locked_until, 0);

    /* Sessions: every byte of the hash and key round-trips; touch, delete, purge. */
    const long long now = 1780000000;
    bont_session_t s1 = new_session(0, carl.id, now), s2 = new_session(200, carl.id, now),
                   s3 = new_session(100, ada.id, now - 7200), back;
    CHECK_INT(bont_store_session_add(s, &s1, &err), 0);
    CHECK_INT(bont_store_session_add(s, &s2, &err), 0);
    CHECK_INT(bont_store_session_add(s, &s3, &err), 0);
    CHECK_INT(bont_store_session_get(s, s1.id_hash, &back, &err), 0);
    CHECK(memcmp(&back, &s1, sizeof back) == 0);
    CHECK_INT(bont_store_session_touch(s, s1.id_hash, now + 60, &err), 0);
    CHECK_INT(bont_store_session_get(s, s1.id_hash, &back, &err), 0);
    CHECK_INT(back.last_seen, now + 60);
    CHECK_INT(bont_store_session_purge(s, now, now - 1800, &err), 0); /* s3 expired */
    CHECK_INT(bont_store_session_get(s, s3.id_hash, &back, &err), BONT_ENOTFOUND);
    CHECK_INT(bont_store_session_delete(s, s2.id_hash, &err), 0);
    CHECK_INT(bont_store_session_delete(s, s2.id_hash, &err), 0); /* gone already: fine */
    CHECK_INT(bont_store_session_get(s, s2.id_hash, &back, &err), BONT_ENOTFOUND);

    /* Disabling ends the user's sessions in the same transaction. */
    CHECK_INT(bont_store_user_set_disabled(s, "CARL", true, &err), 0);
    CHECK_INT(bont_store_session_get(s, s1.id_hash, &back, &err), BONT_ENOTFOUND);
    CHECK_INT(bont_store_user_get(s, "carl", &got, &err), 0);
    CHECK(got.disabled);
    CHECK_INT(bont_store_user_set_disabled(s, "carl", false, &err), 0);
    CHECK_INT(bont_store_user_get(s, "carl", &got, &err), 0);
    CHECK(!got.disabled);
    CHECK_INT(bont_store_user_set_disabled(s, "zed", true, &err), BONT_ENOTFOUND);
    CHECK(strstr(err.message, "no user named \"zed\"") != NULL);
    bont_store_close(&s);
    /* Users are disabled, never deleted: the audit names them. */
    CHECK(store_test_sql_exec(t.db, "DELETE FROM users") != 0);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM users"), 2);
    store_test_db_drop(&t);
}

STORE_TEST(store_audit_is_append_only, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, pg, "audit.db"))
        return;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    const char *kinds[] = {"login", "patient.read", "visit.add", "patient.read"};
    const long long patients[] = {0, 7, 7, 8};
    for (int i = 0; i < 4; i++) {
        bont_audit_t e;
        memset(&e, 0, sizeof e);
        snprintf(e.user, sizeof e.user, "carl");
        snprintf(e.remote, sizeof e.remote, "127.0.0.1");
        snprintf(e.kind, sizeof e.kind, "%s", kinds[i]);
        snprintf(e.method, sizeof e.method, "GET");
        snprintf(e.path, sizeof e.path, "/patients/%lld", patients[i]);
        snprintf(e.detail, sizeof e.detail, "<script>'; DROP TABLE audit; --");
        e.status = 200;
        e.patient_id = patients[i];
        CHECK_INT(bont_store_audit_add(s, &e, &err), 0);
        CHECK(e.id > 0);
        CHECK_INT(strlen(e.at), 20);
    }
    bont_audit_t empty;
    memset(&empty, 0, sizeof empty);
    CHECK_INT(bont_store_audit_add(s, &empty, &err), BONT_EINVAL);
    bont_audit_t *list = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_audit_list(s, 0, &list, &n, &err), 0);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK(list[0].id < list[1].id && list[1].id < list[2].id);
        CHECK_STR(list[2].kind, "visit.add");
        CHECK_INT(list[0].patient_id, 0);
        CHECK_STR(list[3].detail, "<script>'; DROP TABLE audit; --");
    }
    free(list);
    CHECK_INT(bont_store_audit_list(s, 7, &list, &n, &err), 0);
    CHECK_INT(n, 2);
    free(list);
    bont_store_close(&s);
    /* Not even plain SQL changes or removes an entry (a trigger; on PostgreSQL also TRUNCATE). */
    CHECK(store_test_sql_exec(t.db, "UPDATE audit SET user_name = 'nobody'") != 0);
    CHECK(store_test_sql_exec(t.db, "DELETE FROM audit") != 0);
    if (pg)
        CHECK(store_test_sql_exec(t.db, "TRUNCATE audit") != 0);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM audit WHERE user_name = 'carl'"), 4);
    store_test_db_drop(&t);
}
