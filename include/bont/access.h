/* bont/access.h: who may use the records: users, login sessions and the append-only audit log,
 * kept in the record store so that every app server on one store can serve every user. */
#ifndef BONT_ACCESS_H
#define BONT_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/store.h"

/* Each function below is one operation of the store interface: a second backend implements the
 * same set with the same behaviour (docs/store.md, Users, sessions and audit). */

typedef enum bont_role_t {
    BONT_ROLE_NONE = 0,  /* no login: only public routes */
    BONT_ROLE_CLINICIAN, /* patients, plans, visits, recall */
    BONT_ROLE_ADMIN,     /* a clinician who also manages users and reads the audit log */
} bont_role_t;

typedef struct bont_user_t {
    long long id;            /* assigned by the store */
    char name[65];           /* login name, 1-64 bytes of printable ASCII, case-insensitive */
    bont_role_t role;        /* CLINICIAN or ADMIN */
    char password_hash[160]; /* Argon2id string (crypto_pwhash_str), never the password */
    bool disabled;           /* cannot log in; users are never deleted (the audit names them) */
    int failed_logins;       /* wrong passwords since the last good one */
    long long locked_until;  /* no login attempt is judged before this (Unix seconds) */
    char created_at[24];     /* UTC, set by the store */
} bont_user_t;

/* "admin" or "clinician" (or "none"); and back: BONT_EINVAL for another word. */
const char *bont_role_name(bont_role_t role);
int bont_role_parse(const char *text, bont_role_t *role);

/* A login name: 1-64 printable ASCII characters without spaces; BONT_EINVAL with a sentence. */
int bont_user_name_check(const char *name, bont_error_t *err);

/* Adds a user (sets u->id, created_at). BONT_ECONFLICT when the name is taken. */
int bont_store_user_add(bont_store_t *store, bont_user_t *u, bont_error_t *err);

/* By name (case-insensitive) or by id; BONT_ENOTFOUND when there is none. */
int bont_store_user_get(bont_store_t *store, const char *name, bont_user_t *out, bont_error_t *err);
int bont_store_user_get_id(bont_store_t *store, long long id, bont_user_t *out, bont_error_t *err);

/* Every user by name; *out is malloc'ed (free()). */
int bont_store_user_list(bont_store_t *store, bont_user_t **out, size_t *n, bont_error_t *err);

/* Disables or enables a login; disabling also ends the user's sessions. */
int bont_store_user_set_disabled(bont_store_t *store, const char *name, bool disabled,
                                 bont_error_t *err);

/* Records a login attempt's outcome in one statement, so parallel attempts on several servers
 * all count: good resets the count; a failure adds one and sets locked_until (Unix seconds). */
int bont_store_user_login_result(bont_store_t *store, long long user_id, bool good,
                                 long long locked_until, bont_error_t *err);

/* A login session. The store keeps only a hash of the id (a copied store file gives no live
 * session), the CSRF key and the times. */
typedef struct bont_session_t {
    unsigned char id_hash[32];  /* BLAKE2b-256 of the session id the browser holds */
    long long user_id;          /* whose session */
    unsigned char csrf_key[32]; /* key of the HMAC that makes this session's CSRF token */
    long long created_at;       /* Unix seconds */
    long long last_seen;        /* Unix seconds, updated at most once a minute */
    long long expires_at;       /* absolute end, Unix seconds */
} bont_session_t;

int bont_store_session_add(bont_store_t *store, const bont_session_t *s, bont_error_t *err);
/* BONT_ENOTFOUND when there is no such session. */
int bont_store_session_get(bont_store_t *store, const unsigned char id_hash[32],
                           bont_session_t *out, bont_error_t *err);
int bont_store_session_touch(bont_store_t *store, const unsigned char id_hash[32],
                             long long last_seen, bont_error_t *err);
/* Ends one session (logout); ending one that is gone is not an error. */
int bont_store_session_delete(bont_store_t *store, const unsigned char id_hash[32],
                              bont_error_t *err);
/* Removes sessions that ended before now (expired or idle since idle_before). */
int bont_store_session_purge(bont_store_t *store, long long now, long long idle_before,
                             bont_error_t *err);

/* One entry of the audit log: who did what to which record, when and from where. Entries are
 * only ever added; the store refuses to change or delete one. */
typedef struct bont_audit_t {
    long long id;         /* assigned by the store, increasing */
    char at[24];          /* UTC "YYYY-MM-DDTHH:MM:SSZ", set by the store */
    char user[65];        /* login name, or "" before login */
    char remote[64];      /* client address */
    char kind[32];        /* what was done: "login", "patient.read", "visit.add", ... */
    char method[8];       /* HTTP method, or "cli" */
    char path[256];       /* request path (without the query string) */
    int status;           /* HTTP status of the answer */
    long long patient_id; /* the patient whose data was read or written, or 0 */
    char detail[256];     /* short text: a lot number searched, a user disabled, ... */
} bont_audit_t;

/* Appends an entry (sets e->id and e->at). */
int bont_store_audit_add(bont_store_t *store, bont_audit_t *e, bont_error_t *err);
/* Appends n entries in one transaction (all or none; one disk sync for all of them), as a
 * server does with the entries of requests that arrive together. */
int bont_store_audit_add_batch(bont_store_t *store, bont_audit_t *entries, size_t n,
                               bont_error_t *err);

/* Entries oldest first; only those about patient_id when it is > 0. *out is malloc'ed. */
int bont_store_audit_list(bont_store_t *store, long long patient_id, bont_audit_t **out, size_t *n,
                          bont_error_t *err);

#endif
