/* fuzz_http.c: libFuzzer target for the server's request parsing and routing: a raw HTTP
 * request is parsed (request line, headers, query, cookies, form or JSON body) and dispatched
 * through the route table against a throwaway store, with and without a logged-in session. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bont/access.h"
#include "bont/kb.h"
#include "bont/server.h"
#include "server/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bont_server_t *srv;
static bont_kb_t *kb;
static char session_cookie[96];

/* One store, one user and one session, made once; the fuzzer's requests may carry the cookie. */
static void setup(void)
{
    bont_error_t err;
    char dir[] = "/tmp/bont-fuzz-http-XXXXXX", db[64];
    if (!mkdtemp(dir) || bont_kb_load(&kb, &err) != 0)
        abort();
    snprintf(db, sizeof db, "%s/f.db", dir);
    bont_store_t *made = NULL; /* the server opens an existing store only */
    if (bont_store_open(&made, db, BONT_STORE_CREATE, &err) != 0)
        abort();
    bont_store_close(&made);
    bont_server_opts_t o = {.db_path = db, .threads = 1};
    if (bont_server_new(&srv, kb, &o, &err) != 0)
        abort();
    bont_user_t u = {.role = BONT_ROLE_ADMIN};
    snprintf(u.name, sizeof u.name, "fuzz");
    if (bont_password_hash("fuzz password", u.password_hash, sizeof u.password_hash, &err) ||
        bont_store_user_add(srv->pool[0], &u, &err))
        abort();
    bont_store_patient_t p = {.weight_kg = -1};
    snprintf(p.name, sizeof p.name, "Fuzz Patient");
    snprintf(p.birth_date, sizeof p.birth_date, "1970-01-01");
    snprintf(p.sex, sizeof p.sex, "female");
    if (bont_store_set_today(srv->pool[0], "2026-01-01", &err) != 0 ||
        bont_store_patient_add(srv->pool[0], &p, &err) != 0)
        abort();
    char id[BONT__SESSION_ID_B64];
    bont_session_t ses;
    if (bont__session_create(srv, srv->pool[0], u.id, id, &ses, &err) != 0)
        abort();
    snprintf(session_cookie, sizeof session_cookie, "bont_session=%s", id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv)
        setup();
    if (size > 64 * 1024)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    bont__req_t req;
    if (bont__http_parse(buf, size, &req)) {
        /* POST /login runs Argon2id (64 MiB, ~0.1 s): too slow to fuzz, and not parsing. */
        if (!(req.path && strcmp(req.path, "/login") == 0 && req.method &&
              strcmp(req.method, "POST") == 0)) {
            /* An odd first byte logs in, so the routes behind the login are reached too. */
            if (size && (data[0] & 1) && !req.cookie)
                req.cookie = session_cookie;
            bont__resp_t resp;
            bont__dispatch(srv, &req, &resp);
            if (resp.status < 100 || resp.status > 599)
                abort();
            bont__resp_clear(&resp);
        }
    }
    free(buf);
    return 0;
}
