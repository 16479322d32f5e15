/* auditlog.c: the server's audit writer: requests hand their entries to one thread, which
 * writes whatever has queued in one transaction (one disk sync for many entries) while the
 * requests wait until theirs is in the file. */
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

/* Entries written in one transaction at most. */
enum { BATCH_MAX = 256 };

struct bont__audit_job_t {
    bont_audit_t *entry; /* the request's entry (borrowed until done) */
    int rc;              /* the write's result */
    bool done;
    bont__audit_job_t *next;
};

static void *writer(void *arg)
{
    bont_server_t *srv = arg;
    bont__audit_job_t *batch[BATCH_MAX];
    bont_audit_t *entries = malloc(BATCH_MAX * sizeof *entries);
    pthread_mutex_lock(&srv->audit_mu);
    for (;;) {
        while (!srv->audit_head && !srv->audit_stop)
            pthread_cond_wait(&srv->audit_cv, &srv->audit_mu);
        if (!srv->audit_head)
            break;
        size_t n = 0;
        while (srv->audit_head && n < BATCH_MAX) {
            batch[n++] = srv->audit_head;
            srv->audit_head = srv->audit_head->next;
        }
        if (!srv->audit_head)
            srv->audit_tail = NULL;
        pthread_mutex_unlock(&srv->audit_mu);
        bont_error_t err;
        int rc = entries ? 0 : BONT_ENOMEM;
        for (size_t i = 0; rc == 0 && i < n; i++)
            entries[i] = *batch[i]->entry;
        if (rc == 0)
            rc = bont_store_audit_add_batch(srv->audit_store, entries, n, &err);
        pthread_mutex_lock(&srv->audit_mu);
        for (size_t i = 0; i < n; i++) {
            if (rc == 0)
                *batch[i]->entry = entries[i];
            batch[i]->rc = rc;
            batch[i]->done = true;
        }
        pthread_cond_broadcast(&srv->audit_done_cv);
    }
    pthread_mutex_unlock(&srv->audit_mu);
    free(entries);
    return NULL;
}

int bont__audit_start(bont_server_t *srv, bont_error_t *err)
{
    int rc = bont_store_open(&srv->audit_store, srv->db_path, BONT_STORE_EXISTING, err);
    if (rc == 0)
        rc = bont_store_set_sync(
            srv->audit_store, srv->audit_sync_full ? BONT_STORE_SYNC_FULL : BONT_STORE_SYNC_RELAXED,
            err);
    if (rc != 0) {
        bont_store_close(&srv->audit_store);
        return rc;
    }
    if (pthread_create(&srv->audit_thread, NULL, writer, srv) != 0) {
        bont_error_setf(err, NULL, "cannot start the audit writer thread");
        bont_store_close(&srv->audit_store);
        return BONT_ENOMEM;
    }
    srv->audit_running = true;
    return 0;
}

void bont__audit_stop(bont_server_t *srv)
{
    if (srv->audit_running) {
        pthread_mutex_lock(&srv->audit_mu);
        srv->audit_stop = true;
        pthread_cond_signal(&srv->audit_cv);
        pthread_mutex_unlock(&srv->audit_mu);
        pthread_join(srv->audit_thread, NULL);
        srv->audit_running = false;
    }
    bont_store_close(&srv->audit_store);
}

int bont__audit_write(bont_server_t *srv, bont_audit_t *e)
{
    bont__audit_job_t job = {.entry = e};
    pthread_mutex_lock(&srv->audit_mu);
    if (srv->audit_tail)
        srv->audit_tail->next = &job;
    else
        srv->audit_head = &job;
    srv->audit_tail = &job;
    pthread_cond_signal(&srv->audit_cv);
    while (!job.done)
        pthread_cond_wait(&srv->audit_done_cv, &srv->audit_mu);
    pthread_mutex_unlock(&srv->audit_mu);
    return job.rc;
}
