/* pool.h: a pool of worker threads that run numbered work items taken from an atomic counter,
 * so that which thread does which item never changes a result. */
#ifndef BONT_UTIL_POOL_H
#define BONT_UTIL_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"

/* Work item `item` of a batch, run on thread tid (0 is the calling thread). */
typedef void (*bont__pool_fn_t)(void *ctx, size_t item, int tid);

typedef struct bont__pool_t {
    int n_threads;            /* threads in use, the calling one included */
    pthread_t *threads;       /* owned; the workers 1..n_threads-1 */
    pthread_mutex_t bar_lock; /* a barrier whose count shrinks if a worker fails to start */
    pthread_cond_t bar_cond;
    int bar_count, bar_waiting;
    unsigned bar_gen;
    bool quit;
    bont__pool_fn_t fn; /* the batch being run */
    void *ctx;
    size_t n_items;
    atomic_size_t next_item;
    atomic_size_t done_work; /* items done over every batch, for progress */
    size_t total_work;       /* items of every batch, set by the caller for progress */
    void (*progress)(double done, void *user); /* called on the calling thread, may be NULL */
    void *progress_user;
    atomic_int failed; /* the first error code; items after it are skipped */
    pthread_mutex_t err_lock;
    bont_error_t *err; /* receives the first error (may be NULL) */
} bont__pool_t;

/* Starts n_threads - 1 workers (fewer when pthread_create fails: the run goes on with those that
 * started). err receives the first error of bont__pool_fail. */
void bont__pool_start(bont__pool_t *p, int n_threads, bont_error_t *err);

/* Runs fn(ctx, i, tid) for i = 0..n_items-1 on every thread; returns when all are done. */
void bont__pool_run(bont__pool_t *p, bont__pool_fn_t fn, void *ctx, size_t n_items);

/* Records a failure: the first one wins, later items of every batch are skipped. */
void bont__pool_fail(bont__pool_t *p, int rc, const bont_error_t *e);

/* The first error code, 0 when none. */
int bont__pool_failed(bont__pool_t *p);

/* Joins the workers and frees the pool's resources. */
void bont__pool_stop(bont__pool_t *p);

#endif
