/* pool.c: worker threads over numbered work items, with a barrier between batches. */
#include "util/pool.h"

#include <stdint.h>
#include <stdlib.h>

static void run_items(bont__pool_t *p, int tid)
{
    for (;;) {
        size_t i = atomic_fetch_add(&p->next_item, 1);
        if (i >= p->n_items)
            break;
        if (!atomic_load(&p->failed))
            p->fn(p->ctx, i, tid);
        size_t done = atomic_fetch_add(&p->done_work, 1) + 1;
        if (tid == 0 && p->progress && p->total_work)
            p->progress((double)done / (double)p->total_work, p->progress_user);
    }
}

static void barrier_wait(bont__pool_t *p)
{
    pthread_mutex_lock(&p->bar_lock);
    unsigned gen = p->bar_gen;
    if (++p->bar_waiting >= p->bar_count) {
        p->bar_waiting = 0;
        p->bar_gen++;
        pthread_cond_broadcast(&p->bar_cond);
    } else {
        while (gen == p->bar_gen)
            pthread_cond_wait(&p->bar_cond, &p->bar_lock);
    }
    pthread_mutex_unlock(&p->bar_lock);
}

typedef struct worker_arg_t {
    bont__pool_t *p;
    int tid;
} worker_arg_t;

static void *worker(void *arg)
{
    bont__pool_t *p = ((worker_arg_t *)arg)->p;
    int tid = ((worker_arg_t *)arg)->tid;
    free(arg);
    for (;;) {
        barrier_wait(p);
        if (p->quit)
            break;
        run_items(p, tid);
        barrier_wait(p);
    }
    return NULL;
}

void bont__pool_run(bont__pool_t *p, bont__pool_fn_t fn, void *ctx, size_t n_items)
{
    p->fn = fn;
    p->ctx = ctx;
    p->n_items = n_items;
    atomic_store(&p->next_item, 0);
    barrier_wait(p);
    run_items(p, 0);
    barrier_wait(p);
}

void bont__pool_start(bont__pool_t *p, int n_threads, bont_error_t *err)
{
    p->err = err;
    atomic_store(&p->failed, 0);
    pthread_mutex_init(&p->err_lock, NULL);
    pthread_mutex_init(&p->bar_lock, NULL);
    pthread_cond_init(&p->bar_cond, NULL);
    p->bar_count = 1;
    p->threads = n_threads > 1 ? calloc((size_t)n_threads, sizeof *p->threads) : NULL;
    int started = 1;
    for (int t = 1; p->threads && t < n_threads; t++) {
        worker_arg_t *arg = malloc(sizeof *arg);
        if (!arg)
            break;
        *arg = (worker_arg_t){p, t};
        pthread_mutex_lock(&p->bar_lock);
        p->bar_count++;
        pthread_mutex_unlock(&p->bar_lock);
        if (pthread_create(&p->threads[t], NULL, worker, arg) != 0) {
            free(arg);
            pthread_mutex_lock(&p->bar_lock);
            p->bar_count--;
            pthread_mutex_unlock(&p->bar_lock);
            break;
        }
        started++;
    }
    p->n_threads = started;
}

void bont__pool_fail(bont__pool_t *p, int rc, const bont_error_t *e)
{
    pthread_mutex_lock(&p->err_lock);
    int expected = 0;
    if (atomic_compare_exchange_strong(&p->failed, &expected, rc) && p->err && e)
        *p->err = *e;
    pthread_mutex_unlock(&p->err_lock);
}

int bont__pool_failed(bont__pool_t *p)
{
    return atomic_load(&p->failed);
}

void bont__pool_stop(bont__pool_t *p)
{
    p->quit = true;
    barrier_wait(p);
    for (int t = 1; t < p->n_threads; t++)
        pthread_join(p->threads[t], NULL);
    free(p->threads);
    p->threads = NULL;
    pthread_mutex_destroy(&p->bar_lock);
    pthread_cond_destroy(&p->bar_cond);
    pthread_mutex_destroy(&p->err_lock);
}
