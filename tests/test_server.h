/* test_server.h: what the web server's tests share: a store with two users and a patient, a
 * server on it, and requests through its dispatcher (test_server_fixture.c). */
#ifndef BONT_TEST_SERVER_H
#define BONT_TEST_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/kb.h"
#include "bont/server.h"
#include "server/internal.h"

#define ORIGIN_OK  "http://127.0.0.1:8080"
#define HOST_OK    "127.0.0.1:8080"
#define SECRET_PW  "correct horse battery staple"
#define SEEDED_PAT "Zed Seeded-Patient"

typedef struct fixture_t {
    char dir[64];
    char db[128];
    bont_kb_t *kb;
    bont_server_t *srv;
    long long patient_id;
} fixture_t;

/* A store with an admin "ada", a clinician "carl" (password SECRET_PW) and one patient
 * (SEEDED_PAT); a server on it, not listening unless started. extra may be NULL. */
bool fixture_open(fixture_t *f, const bont_server_opts_t *extra);
void fixture_close(fixture_t *f);

/* One request through the dispatcher; the path may carry a query string. */
void request(fixture_t *f, const char *method, const char *path_and_query, const char *cookie,
             const char *origin, const char *csrf, const char *type, const char *body,
             bont__resp_t *resp);

/* The answer's body as text ("" when empty). */
const char *body_of(const bont__resp_t *r);

/* Logs in; returns the status and the session cookie ("bont_session=...") in cookie. */
int login(fixture_t *f, const char *user, const char *pw, const char *old_cookie, char *cookie,
          size_t size);

/* The session's CSRF token, from GET /api/v1/session. */
void csrf_of(fixture_t *f, const char *cookie, char *token, size_t size);

#endif
