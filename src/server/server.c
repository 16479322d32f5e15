/* server.c: the server's life (options, listen address, store pool, TLS files) and its
 * libmicrohttpd transport: body limits, headers, and the hand-over to the dispatcher. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "server/internal.h"
#include "util/file.h"

enum {
    DEFAULT_BODY_LIMIT = 1024 * 1024,
    DEFAULT_TIMEOUT_S = 15,
    DEFAULT_IDLE_S = 30 * 60,
    DEFAULT_MAX_S = 12 * 60 * 60,
    HEADER_MEMORY = 64 * 1024, /* request line and headers of one connection */
    MAX_CONNECTIONS = 256,
    MAX_PER_ADDRESS = 64,
};

int bont_server_listen_parse(const char *listen, bool tls, char *host, size_t host_size,
                             unsigned *port, bont_error_t *err)
{
    char buf[128];
    const char *text = listen && *listen ? listen : BONT_SERVER_DEFAULT_LISTEN;
    snprintf(buf, sizeof buf, "%s", text);
    char *h = buf, *colon = NULL;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close || close[1] != ':')
            goto bad;
        *close = '\0';
        h = buf + 1;
        colon = close + 1;
    } else
        colon = strrchr(buf, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535)
        goto bad;
    if (strcmp(h, "localhost") == 0)
        h = "127.0.0.1";
    struct in_addr a4;
    struct in6_addr a6;
    bool loopback;
    if (inet_pton(AF_INET, h, &a4) == 1)
        loopback = (ntohl(a4.s_addr) >> 24) == 127;
    else if (inet_pton(AF_INET6, h, &a6) == 1)
        loopback = IN6_IS_ADDR_LOOPBACK(&a6);
    else
        goto bad;
    if (!loopback && !tls) {
        bont_error_setf(err, "--listen",
                        "refusing to listen on %s without TLS: patient data would cross the "
                        "network in clear text. Give --tls-cert FILE and --tls-key FILE, or "
                        "listen on 127.0.0.1 behind a TLS proxy",
                        text);
        return BONT_EINVAL;
    }
    snprintf(host, host_size, "%s", h);
    *port = (unsigned)p;
    return 0;
bad:
    bont_error_setf(err, "--listen",
                    "expected HOST:PORT with a numeric address, e.g. 127.0.0.1:8080 or "
                    "[::1]:8080 (got \"%s\")",
                    text);
    return BONT_EINVAL;
}

static int read_pem(const char *path, char **out, bont_error_t *err)
{
    size_t len = 0;
    /* A PEM certificate chain or key is a few KiB; 1 MiB is far beyond any real one. */
    int rc = bont__read_file(path, 1 << 20, out, &len, err);
    if (rc != 0)
        return rc;
    if (!strstr(*out, "-----BEGIN ")) {
        snprintf(err->file, sizeof err->file, "%s", path);
        bont_error_setf(err, NULL, "not a PEM file (no \"-----BEGIN\" line)");
        return BONT_EPARSE;
    }
    return 0;
}

int bont_server_new(bont_server_t **out, const bont_kb_t *kb, const bont_server_opts_t *opts,
                    bont_error_t *err)
{
    *out = NULL;
    if (sodium_init() < 0) {
        bont_error_setf(err, NULL, "libsodium cannot start");
        return BONT_EIO;
    }
    if (!opts->db_path || !*opts->db_path) {
        bont_error_setf(err, "--db", "the server needs a record store (--db FILE)");
        return BONT_EINVAL;
    }
    if (!opts->tls_cert_path != !opts->tls_key_path) {
        bont_error_setf(err, "--tls-cert", "TLS needs both --tls-cert and --tls-key");
        return BONT_EINVAL;
    }
    bont_server_t *srv = calloc(1, sizeof *srv);
    if (!srv)
        return BONT_ENOMEM;
    int rc = 0;
    srv->kb = kb;
    srv->tls = opts->tls_cert_path != NULL;
    pthread_mutex_init(&srv->pool_mu, NULL);
    pthread_cond_init(&srv->pool_cv, NULL);
    pthread_mutex_init(&srv->login_mu, NULL);
    pthread_mutex_init(&srv->audit_mu, NULL);
    pthread_cond_init(&srv->audit_cv, NULL);
    pthread_cond_init(&srv->audit_done_cv, NULL);
    snprintf(srv->db_path, sizeof srv->db_path, "%s", opts->db_path);
    srv->body_limit_bytes = opts->body_limit_bytes ? opts->body_limit_bytes : DEFAULT_BODY_LIMIT;
    srv->timeout_s = opts->timeout_s ? opts->timeout_s : DEFAULT_TIMEOUT_S;
    srv->threads = opts->threads ? opts->threads : BONT_SERVER_DEFAULT_THREADS;
    srv->audit_sync_full = opts->audit_sync_full;
    srv->session_idle_s = opts->session_idle_s ? opts->session_idle_s : DEFAULT_IDLE_S;
    srv->session_max_s = opts->session_max_s ? opts->session_max_s : DEFAULT_MAX_S;
    if ((rc = bont_server_listen_parse(opts->listen, srv->tls, srv->listen_host,
                                       sizeof srv->listen_host, &srv->port, err)) != 0)
        goto cleanup;
    if (srv->tls && ((rc = read_pem(opts->tls_cert_path, &srv->tls_cert, err)) != 0 ||
                     (rc = read_pem(opts->tls_key_path, &srv->tls_key, err)) != 0))
        goto cleanup;
    if ((rc = bont_params_load(&srv->params, err)) != 0 ||
        (rc = bont_spread_load(&srv->spread, err)) != 0 ||
        (rc = bont_duration_prior_load(&srv->prior, err)) != 0 ||
        (rc = bont__durations_new(&srv->durations)) != 0 ||
        (rc = bont__risk_cache_new(&srv->risk_cache, BONT__RISK_CACHE_ENTRIES)) != 0 ||
        (rc = bont_content_load(&srv->content, NULL, err)) != 0 ||
        (rc = bont__script_words(srv)) != 0)
        goto cleanup;
    /* One connection per worker thread and one spare, so a worker never waits for another. */
    srv->n_pool = srv->threads + 1;
    srv->pool = calloc(srv->n_pool, sizeof *srv->pool);
    srv->pool_busy = calloc(srv->n_pool, sizeof *srv->pool_busy);
    if (!srv->pool || !srv->pool_busy) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < srv->n_pool; i++)
        if ((rc = bont_store_open(&srv->pool[i], srv->db_path, BONT_STORE_EXISTING, err)) != 0)
            goto cleanup;
    if ((rc = bont__audit_start(srv, err)) != 0)
        goto cleanup;
    rc = bont_password_hash("no user has this password", srv->dummy_hash, sizeof srv->dummy_hash,
                            err);
    if (rc == 0) {
        bont_error_t purge_err;
        long long now = bont__now(srv);
        bont_store_session_purge(srv->pool[0], now, now - srv->session_idle_s, &purge_err);
    }
cleanup:
    if (rc != 0) {
        bont_server_free(&srv);
        return rc;
    }
    *out = srv;
    return 0;
}

/* ---- libmicrohttpd transport ---- */

typedef struct conn_t {
    bont__buf_t body; /* the request body so far */
    bont__kv_t query[BONT__MAX_PARAMS];
    size_t n_query;
    bool too_many_params;
} conn_t;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    conn_t *cs = cls;
    if (cs->n_query == BONT__MAX_PARAMS) {
        cs->too_many_params = true;
        return MHD_NO;
    }
    cs->query[cs->n_query++] = (bont__kv_t){key, value ? value : ""};
    return MHD_YES;
}

static void add_headers(const bont_server_t *srv, struct MHD_Response *r, const bont__resp_t *br)
{
    for (size_t i = 0; bont__security_headers[i][0]; i++)
        MHD_add_response_header(
            r, bont__security_headers[i][0],
            br->csp[0] && !strcmp(bont__security_headers[i][0], "Content-Security-Policy")
                ? br->csp
                : bont__security_headers[i][1]);
    if (srv->tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (br->type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, br->type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            br->cacheable ? "private, max-age=300" : "no-store");
    if (br->content_lang)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_LANGUAGE, br->content_lang);
    if (br->location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, br->location);
    for (size_t i = 0; i < 2; i++)
        if (br->set_cookie[i][0])
            MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, br->set_cookie[i]);
    if (br->retry_after_s > 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", br->retry_after_s);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, s);
    }
}

static enum MHD_Result send_resp(bont_server_t *srv, struct MHD_Connection *conn, bont__resp_t *br)
{
    struct MHD_Response *r;
    if (br->static_body)
        r = MHD_create_response_from_buffer(br->static_len, (void *)br->static_body,
                                            MHD_RESPMEM_PERSISTENT);
    else
        r = MHD_create_response_from_buffer(br->body.len, br->body.data ? br->body.data : "",
                                            MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    add_headers(srv, r, br);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)br->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result refuse(bont_server_t *srv, struct MHD_Connection *conn, int status,
                              const char *code, const char *message)
{
    bont__resp_t br;
    memset(&br, 0, sizeof br);
    bont__resp_error(&br, status, code, message);
    enum MHD_Result ret = send_resp(srv, conn, &br);
    bont__resp_clear(&br);
    return ret;
}

static void remote_address(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    bont_server_t *srv = cls;
    conn_t *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return MHD_NO;
        *con_cls = cs;
        /* A declared body over the limit is refused before a byte of it is read. */
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > srv->body_limit_bytes)
            return refuse(srv, conn, 413, "payload_too_large",
                          "the request body is larger than the server accepts");
        if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST"))
            return refuse(srv, conn, 405, "method_not_allowed", "only GET and POST are served");
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* A chunked body has no length up front: cut it off when it passes the limit. */
        if (cs->body.len + *upload_data_size > srv->body_limit_bytes)
            return MHD_NO;
        bont__buf_append(&cs->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return cs->body.failed ? MHD_NO : MHD_YES;
    }
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, cs);
    if (cs->too_many_params)
        return refuse(srv, conn, 400, "bad_request", "too many query parameters");
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return refuse(srv, conn, 400, "bad_request", "the path holds control characters");
    char remote[64];
    remote_address(conn, remote, sizeof remote);
    bont__req_t req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = url;
    memcpy(req.query, cs->query, sizeof req.query);
    req.n_query = cs->n_query;
#define HDR(name) MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name)
    req.host = HDR(MHD_HTTP_HEADER_HOST);
    req.origin = HDR("Origin");
    req.fetch_site = HDR("Sec-Fetch-Site");
    req.cookie = HDR(MHD_HTTP_HEADER_COOKIE);
    req.content_type = HDR(MHD_HTTP_HEADER_CONTENT_TYPE);
    req.csrf_header = HDR("X-CSRF-Token");
    req.accept = HDR(MHD_HTTP_HEADER_ACCEPT);
    req.accept_lang = HDR(MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
#undef HDR
    req.body = cs->body.data;
    req.body_len = cs->body.len;
    req.remote = remote;
    req.tls = srv->tls;
    bont__resp_t br;
    bont__dispatch(srv, &req, &br);
    enum MHD_Result ret = send_resp(srv, conn, &br);
    bont__resp_clear(&br);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    conn_t *cs = *con_cls;
    if (cs) {
        bont__buf_free(&cs->body);
        free(cs);
    }
    *con_cls = NULL;
}

int bont_server_start(bont_server_t *srv, bont_error_t *err)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, srv->listen_host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)srv->port);
        sa = (struct sockaddr *)&a4;
    } else {
        inet_pton(AF_INET6, srv->listen_host, &a6.sin6_addr);
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)srv->port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    }
    if (srv->tls)
        flags |= MHD_USE_TLS;
    /* The TLS options only when TLS is on: libmicrohttpd complains about them otherwise. */
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)srv->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)srv->timeout_s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_PER_ADDRESS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_ARRAY,
        srv->tls ? tls_opts : tls_opts + 2, MHD_OPTION_END);
    if (!srv->daemon) {
        bont_error_setf(err, "--listen",
                        "cannot listen on %s port %u (in use, not allowed, or a TLS file "
                        "libmicrohttpd refused)",
                        srv->listen_host, srv->port);
        return BONT_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info)
        srv->port = info->port;
    return 0;
}

unsigned bont_server_port(const bont_server_t *srv)
{
    return srv ? srv->port : 0;
}

void bont_server_free(bont_server_t **psrv)
{
    bont_server_t *srv = psrv ? *psrv : NULL;
    if (!srv)
        return;
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    bont__audit_stop(srv);
    for (size_t i = 0; srv->pool && i < srv->n_pool; i++)
        bont_store_close(&srv->pool[i]);
    free(srv->pool);
    free(srv->pool_busy);
    bont_spread_free(&srv->spread);
    bont__durations_free(&srv->durations);
    bont__risk_cache_free(&srv->risk_cache);
    bont_content_free(&srv->content);
    for (int l = 0; l < BONT_LANG_COUNT; l++)
        free(srv->script_words[l]);
    if (srv->tls_key)
        sodium_memzero(srv->tls_key, strlen(srv->tls_key));
    free(srv->tls_key);
    free(srv->tls_cert);
    pthread_mutex_destroy(&srv->pool_mu);
    pthread_cond_destroy(&srv->pool_cv);
    pthread_mutex_destroy(&srv->login_mu);
    pthread_mutex_destroy(&srv->audit_mu);
    pthread_cond_destroy(&srv->audit_cv);
    pthread_cond_destroy(&srv->audit_done_cv);
    free(srv);
    *psrv = NULL;
}
