/* bont/server.h: the clinic web app (`bont serve`): an HTTP server on libmicrohttpd that serves
 * the browser UI and the JSON API behind login, and the password hashing it uses. */
#ifndef BONT_SERVER_H
#define BONT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/kb.h"

#define BONT_SERVER_DEFAULT_LISTEN  "127.0.0.1:8080"
#define BONT_SERVER_DEFAULT_THREADS 8

typedef struct bont_server_t bont_server_t;

typedef struct bont_server_opts_t {
    const char *listen;        /* "HOST:PORT" (IPv6 as "[::1]:8080"); NULL: 127.0.0.1:8080. Port
                                  0 takes a free port (bont_server_port tells which) */
    const char *db_path;       /* the record store (users, sessions, audit live there too) */
    const char *tls_cert_path; /* PEM certificate chain; with tls_key_path turns on HTTPS */
    const char *tls_key_path;  /* PEM private key */
    size_t body_limit_bytes;   /* larger request bodies get 413 unread; 0: 1 MiB */
    unsigned timeout_s;        /* a connection idle this long is closed; 0: 15 s */
    unsigned threads;          /* worker threads (each with its own store connection); 0:
                                  BONT_SERVER_DEFAULT_THREADS */
    unsigned session_idle_s;   /* a session unused this long ends; 0: 30 min */
    unsigned session_max_s;    /* a session ends this long after login; 0: 12 h */
    bool audit_sync_full;      /* the audit writer's commits synced to disk before the answer
                                  leaves (BONT_STORE_SYNC_FULL); false: RELAXED, the entry is
                                  in the store's log before the answer leaves and survives a
                                  crash of bont, not of the operating system (docs/api.md) */
} bont_server_opts_t;

/* Splits "HOST:PORT" into an address and port and refuses an address outside the loopback
 * range unless tls is true (the message names TLS). host gets the numeric address. */
int bont_server_listen_parse(const char *listen, bool tls, char *host, size_t host_size,
                             unsigned *port, bont_error_t *err);

/* Opens the store and prepares everything; nothing listens yet. kb is borrowed and must
 * outlive the server. */
int bont_server_new(bont_server_t **out, const bont_kb_t *kb, const bont_server_opts_t *opts,
                    bont_error_t *err);

/* Starts listening (thread pool, epoll). Returns at once; the server runs in its threads. */
int bont_server_start(bont_server_t *srv, bont_error_t *err);

/* The port it listens on (after start). */
unsigned bont_server_port(const bont_server_t *srv);

/* Stops listening, waits for the workers and frees everything; *srv becomes NULL. */
void bont_server_free(bont_server_t **srv);

/* An Argon2id hash string of password (libsodium crypto_pwhash_str, interactive limits) into
 * out (at least 128 bytes). BONT_EINVAL for an empty or over-long password. */
int bont_password_hash(const char *password, char *out, size_t out_size, bont_error_t *err);

/* 0 when password matches hash, BONT_EINVAL otherwise. Takes the same time whether or not it
 * matches. */
int bont_password_verify(const char *hash, const char *password);

#endif
