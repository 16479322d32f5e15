/* main.c: runs every registered test, each in its own process, and prints the totals. */
#define _GNU_SOURCE
#include "test.h"

#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 2048

typedef struct test_entry_t {
    const char *name;
    bont_test_fn_t fn;
    int timeout_s;
} test_entry_t;

/* The tests, and what went wrong registering them: a test that cannot be kept or a name used
 * twice fails the run instead of vanishing from it. */
typedef struct registry_t {
    test_entry_t *tests; /* cap entries */
    int cap, n;
    int dropped; /* registrations that found the registry full */
} registry_t;

static test_entry_t all_tests[MAX_TESTS];
static registry_t registry = {all_tests, MAX_TESTS, 0, 0};
static int n_failed_checks;

static void registry_add(registry_t *R, const char *name, bont_test_fn_t fn, int timeout_s)
{
    if (R->n < R->cap)
        R->tests[R->n++] = (test_entry_t){name, fn, timeout_s};
    else
        R->dropped++;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints every registration problem to out and returns how many there are. */
static int registry_problems(const registry_t *R, FILE *out)
{
    int problems = 0;
    if (R->dropped) {
        fprintf(out,
                "FAIL registry: %d tests could not be registered (at most %d; raise "
                "MAX_TESTS in tests/main.c)\n",
                R->dropped, R->cap);
        problems++;
    }
    const char **names = malloc(((size_t)R->n + 1) * sizeof *names);
    if (!names) {
        fprintf(out, "FAIL registry: out of memory checking test names\n");
        return problems + 1;
    }
    for (int i = 0; i < R->n; i++)
        names[i] = R->tests[i].name;
    qsort(names, (size_t)R->n, sizeof *names, cmp_name);
    for (int i = 1; i < R->n; i++)
        if (strcmp(names[i - 1], names[i]) == 0 && (i < 2 || strcmp(names[i - 2], names[i]))) {
            fprintf(out, "FAIL registry: two tests are named %s\n", names[i]);
            problems++;
        }
    free(names);
    return problems;
}

void bont_test_register(const char *name, bont_test_fn_t fn, int timeout_s)
{
    registry_add(&registry, name, fn, timeout_s);
}

static void noop(void) {}

/* The registry refuses to lose a test: a full registry and a repeated name are problems. */
TEST(runner_fails_on_dropped_or_repeated_tests)
{
    test_entry_t small[2];
    registry_t R = {small, 2, 0, 0};
    registry_add(&R, "a", noop, 1);
    registry_add(&R, "b", noop, 1);
    FILE *sink = fopen("/dev/null", "w");
    CHECK_INT(registry_problems(&R, sink), 0);
    registry_add(&R, "c", noop, 1); /* no room */
    CHECK_INT(R.n, 2);
    CHECK_INT(registry_problems(&R, sink), 1);
    test_entry_t three[3];
    registry_t D = {three, 3, 0, 0};
    registry_add(&D, "same", noop, 1);
    registry_add(&D, "other", noop, 1);
    registry_add(&D, "same", noop, 1);
    CHECK_INT(registry_problems(&D, sink), 1);
    if (sink)
        fclose(sink);
    /* The registry of this run has neither problem. */
    CHECK_INT(registry_problems(&registry, stdout), 0);
}

void bont_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "    %s:%d: ", file, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(ap);
    n_failed_checks++;
}

/* ---- allocation-failure injection ---------------------------------------------------------- */

static long fail_countdown; /* > 0: the allocation that makes it 0 fails */
static int fail_happened;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);

static int should_fail(void)
{
    if (fail_countdown <= 0 || --fail_countdown > 0)
        return 0;
    fail_happened = 1;
    return 1;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

void bont_test_fail_alloc(long n)
{
    fail_countdown = n > 0 ? n : 0;
    fail_happened = 0;
}

int bont_test_alloc_failed(void)
{
    return fail_happened;
}

void *bont_test_malloc(size_t size)
{
    return malloc(size);
}

const char *bont_test_bin(void)
{
    const char *b = getenv("BONT");
    return (b && *b) ? b : "build/bont-asan";
}

static void read_all(FILE *f, char *buf, size_t size)
{
    size_t n = 0;
    if (buf && size)
        buf[0] = '\0';
    if (!f)
        return;
    int c;
    while ((c = fgetc(f)) != EOF)
        if (buf && n + 1 < size)
            buf[n++] = (char)c;
    if (buf && size)
        buf[n < size ? n : size - 1] = '\0';
}

int bont_test_run(const char *cmd, char *out, size_t out_size, char *err, size_t err_size)
{
    char errpath[] = "/tmp/bont-test-err-XXXXXX";
    int fd = mkstemp(errpath);
    if (fd < 0)
        return -1;
    close(fd);
    char full[8192];
    snprintf(full, sizeof full, "(%s) 2>%s", cmd, errpath);
    FILE *p = popen(full, "r");
    if (!p) {
        unlink(errpath);
        return -1;
    }
    read_all(p, out, out_size);
    int status = pclose(p);
    FILE *e = fopen(errpath, "r");
    read_all(e, err, err_size);
    if (e)
        fclose(e);
    unlink(errpath);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static int run_one(const test_entry_t *t)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        alarm((unsigned)t->timeout_s);
        n_failed_checks = 0;
        t->fn();
        fflush(stdout);
        _exit(n_failed_checks == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 1;
    if (WIFSIGNALED(status))
        printf("    killed by signal %d%s\n", WTERMSIG(status),
               WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
    return 0;
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (fnmatch(argv[i], name, 0) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    failed += registry_problems(&registry, stdout);
    for (int i = 0; i < registry.n; i++) {
        const test_entry_t *t = &registry.tests[i];
        if (!selected(t->name, argc, argv))
            continue;
        if (run_one(t)) {
            passed++;
            printf("ok   %s\n", t->name);
        } else {
            failed++;
            printf("FAIL %s\n", t->name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
