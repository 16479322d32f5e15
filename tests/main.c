/* main.c: runs every registered test, each in its own process, and prints the totals. */
#define _GNU_SOURCE
#include "test.h"

#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 2048

typedef struct test_entry_t {
    const char *name;
    bont_test_fn_t fn;
    int timeout_s;
} test_entry_t;

static test_entry_t tests[MAX_TESTS];
static int n_tests;
static int n_failed_checks;

void bont_test_register(const char *name, bont_test_fn_t fn, int timeout_s)
{
    if (n_tests < MAX_TESTS)
        tests[n_tests++] = (test_entry_t){name, fn, timeout_s};
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
    for (int i = 0; i < n_tests; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        if (run_one(&tests[i])) {
            passed++;
            printf("ok   %s\n", tests[i].name);
        } else {
            failed++;
            printf("FAIL %s\n", tests[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
