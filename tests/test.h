/* test.h: the test registry and checks. Each test runs in its own process with a timeout. */
#ifndef BONT_TEST_H
#define BONT_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef void (*bont_test_fn_t)(void);

void bont_test_register(const char *name, bont_test_fn_t fn, int timeout_s);
void bont_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Defines and registers a test with the default 60 s timeout. */
#define TEST(name) TEST_TIMEOUT(name, 60)
#define TEST_TIMEOUT(name, seconds)                                                                \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void test_register_##name(void)                            \
    {                                                                                              \
        bont_test_register(#name, test_##name, (seconds));                                         \
    }                                                                                              \
    static void test_##name(void)

/* A failed check is reported and the test goes on; the test fails at its end. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            bont_test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            bont_test_fail(__FILE__, __LINE__, __VA_ARGS__);                                       \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            bont_test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_); \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                                     \
            bont_test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a,                \
                           a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                \
    } while (0)

/* Relative tolerance, as gsl_test_rel: |a-b| <= tol*|b| (absolute when b == 0). */
#define CHECK_REL(a, b, tol)                                                                       \
    do {                                                                                           \
        double a_ = (double)(a), b_ = (double)(b), t_ = (double)(tol);                             \
        double d_ = fabs(a_ - b_), s_ = (b_ == 0.0) ? 1.0 : fabs(b_);                              \
        if (!(d_ <= t_ * s_))                                                                      \
            bont_test_fail(__FILE__, __LINE__, "%s = %.12g, expected %.12g (rel tol %g)", #a, a_,  \
                           b_, t_);                                                                \
    } while (0)

/* Runs a shell command, returns its exit status (-1 on failure to run); its stdout goes into
 * out (NUL-terminated, truncated to size) and stderr into err when they are not NULL. */
int bont_test_run(const char *cmd, char *out, size_t out_size, char *err, size_t err_size);

/* Path of the bont binary under test (env BONT, default build/bont-asan). */
const char *bont_test_bin(void);

/* Allocation-failure injection, as SQLite's fault tests: the test binary is linked with
 * --wrap=malloc,calloc,realloc,strdup (Makefile), so every allocation of the library and the
 * tests is counted. After bont_test_fail_alloc(n) the n-th allocation from then on returns NULL
 * (only that one); bont_test_fail_alloc(0) stops it. bont_test_alloc_failed says whether the
 * armed failure has happened. jansson's allocations count too once a test gives it
 * json_set_alloc_funcs(bont_test_malloc, free) before the library first parses JSON (the
 * library wraps whatever jansson has then: src/util/json.c). */
void bont_test_fail_alloc(long n);
int bont_test_alloc_failed(void);
void *bont_test_malloc(size_t size);

#endif
