/* cmd_serve.c: `bont serve`: the clinic web app on libmicrohttpd, until interrupted. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/server.h"
#include "cli/commands.h"
#include "cli/store_cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        _("usage: bont serve [--listen HOST:PORT] [--db FILE] [--tls-cert FILE --tls-key FILE]\n"
          "                  [--threads N] [--audit-sync full|relaxed]\n"
          "Serves the web app and the JSON API (docs/api.md) until interrupted. The default\n"
          "address is %s; any address outside loopback needs TLS. Add logins first\n"
          "with `bont user add NAME --role admin`. --threads sets the worker threads\n"
          "(1-64, default %d; each waits on the disk as often as it computes).\n"
          "--audit-sync full syncs every audit entry to disk before the answer leaves;\n"
          "relaxed (the default) writes it to the store's log first, which survives a\n"
          "crash of bont but not of the operating system, and saves a disk sync per request.\n"),
        BONT_SERVER_DEFAULT_LISTEN, BONT_SERVER_DEFAULT_THREADS);
}

int bont_cmd_serve(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {.command = "serve"};
    bont_server_opts_t opts = {0};
    const char *threads = NULL, *audit_sync = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
        int m = bont_cli_opt(argc, argv, &i, "--db", &a.db);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--listen", &opts.listen);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--tls-cert", &opts.tls_cert_path);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--tls-key", &opts.tls_key_path);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--threads", &threads);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--audit-sync", &audit_sync);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0)
            return bont_cli_usage_error(&a, _("unexpected argument \"%s\""), argv[i]);
    }
    if (threads) {
        char *end = NULL;
        long n = strtol(threads, &end, 10);
        if (!*threads || *end || n < 1 || n > 64)
            return bont_cli_usage_error(&a, _("--threads must be 1 to 64 (got \"%s\")"), threads);
        opts.threads = (unsigned)n;
    }
    if (audit_sync && strcmp(audit_sync, "full") != 0 && strcmp(audit_sync, "relaxed") != 0)
        return bont_cli_usage_error(&a, _("--audit-sync must be full or relaxed (got \"%s\")"),
                                    audit_sync);
    opts.audit_sync_full = audit_sync && !strcmp(audit_sync, "full");
    bont_error_t err;
    bont_error_clear(&err);
    char path[4096];
    int path_rc = bont_cli_db_path(&a, false, path, sizeof path, &a.db, &err);
    if (path_rc != 0)
        return bont_cli_fail(&a, path_rc, &err);
    opts.db_path = a.db;
    /* Block the stop signals before the workers start, so that they arrive here only. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    bont_server_t *srv = NULL;
    int rc = bont_server_new(&srv, kb, &opts, &err);
    if (rc == 0)
        rc = bont_server_start(srv, &err);
    if (rc != 0) {
        bont_server_free(&srv);
        return bont_cli_fail(&a, rc, &err);
    }
    char host[64], store[512];
    unsigned port = 0;
    bont_store_describe(a.db, store, sizeof store); /* never the password */
    bont_server_listen_parse(opts.listen, true, host, sizeof host, &port, &err);
    printf(_("bont serve: listening on %s://%s%s%s:%u/ (store %s); Ctrl-C stops\n"),
           opts.tls_cert_path ? "https" : "http", strchr(host, ':') ? "[" : "", host,
           strchr(host, ':') ? "]" : "", bont_server_port(srv), store);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    printf(_("bont serve: stopping (%s)\n"), sig == SIGINT ? "interrupt" : "terminate");
    bont_server_free(&srv);
    return BONT_EXIT_OK;
}
