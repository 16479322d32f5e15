/* file.c: bounded whole-file reads with the reason of a failure in words. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void bont__format_bytes(size_t bytes, char *buf, size_t size)
{
    if (bytes >= ((size_t)1 << 20) && bytes % ((size_t)1 << 20) == 0)
        snprintf(buf, size, "%zu MiB", bytes >> 20);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, size, "%zu KiB", bytes >> 10);
    else
        snprintf(buf, size, "%zu bytes", bytes);
}

/* The reason for errno e in words a user acts on. */
static const char *reason_of(int e)
{
    switch (e) {
    case ENOENT:
        return "no such file";
    case EISDIR:
        return "it is a folder, not a file";
    case EACCES:
    case EPERM:
        return "permission denied";
    case ENOTDIR:
        return "a part of the path is not a folder";
    case ENAMETOOLONG:
        return "the file name is too long";
    default:
        return strerror(e);
    }
}

static int fail(bont_error_t *err, int rc, const char *fmt, const char *what)
{
    bont_error_setf(err, NULL, fmt, what);
    return rc;
}

static int too_big(bont_error_t *err, size_t max_bytes)
{
    char lim[32];
    bont__format_bytes(max_bytes, lim, sizeof lim);
    bont_error_setf(err, NULL, "more than %s (%zu bytes), the limit for this input", lim,
                    max_bytes);
    return BONT_ETOOBIG;
}

/* Reads fd to its end into *out, refusing more than max_bytes. */
static int read_fd(int fd, size_t max_bytes, char **out, size_t *len, bont_error_t *err)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (n == cap) {
            /* Room for at most max_bytes + 1: one byte past the limit proves the input too
             * long, whatever follows it. */
            if (cap == max_bytes + 1) {
                free(buf);
                return too_big(err, max_bytes);
            }
            size_t want = cap ? 2 * cap : 65536;
            if (want > max_bytes + 1)
                want = max_bytes + 1;
            char *b = realloc(buf, want + 1);
            if (!b) {
                free(buf);
                return fail(err, BONT_ENOMEM, "out of memory while reading%s", "");
            }
            buf = b;
            cap = want;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return fail(err, BONT_EIO, "%s", reason_of(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max_bytes) {
        free(buf);
        return too_big(err, max_bytes);
    }
    if (!buf && !(buf = malloc(1)))
        return fail(err, BONT_ENOMEM, "out of memory while reading%s", "");
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int bont__read_file(const char *path, size_t max_bytes, char **out, size_t *len, bont_error_t *err)
{
    size_t ignored = 0;
    *out = NULL;
    if (!len)
        len = &ignored;
    *len = 0;
    int is_stdin = strcmp(path, "-") == 0;
    if (err)
        snprintf(err->file, sizeof err->file, "%s", is_stdin ? "<stdin>" : path);
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, BONT_EIO, "%s", reason_of(errno));
    struct stat st;
    int rc;
    int have_stat = fstat(fd, &st) == 0;
    if (have_stat && S_ISDIR(st.st_mode))
        rc = fail(err, BONT_EIO, "%s", reason_of(EISDIR));
    else if (have_stat && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max_bytes)
        rc = too_big(err, max_bytes); /* known at once, nothing read */
    else
        rc = read_fd(fd, max_bytes, out, len, err);
    if (!is_stdin)
        close(fd);
    return rc;
}
