/* files.c: store files on disk: what a path is, errors that say what happened, and files that
 * appear whole or not at all (written under a temporary name, synced, then linked into place). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/internal.h"

/* Problems with the path itself are the user's to fix (exit 2); a failing disk is not. */
static int code_for_errno(int errnum)
{
    switch (errnum) {
    case ENOMEM:
        return BONT_ENOMEM;
    case EIO:
    case ENOSPC:
    case EDQUOT:
        return BONT_EIO;
    default:
        return BONT_EINVAL;
    }
}

int bont__store_path_error(const char *path, int errnum, const char *doing, bont_error_t *err)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
    bont_error_setf(err, NULL, "%s: %s", doing, strerror(errnum));
    return code_for_errno(errnum);
}

int bont__store_path_kind(const char *path, bool *exists, bont_error_t *err)
{
    struct stat sb;
    *exists = false;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        return bont__store_path_error(path, errno, "cannot use the store", err);
    }
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
    if (S_ISDIR(sb.st_mode)) {
        bont_error_setf(err, NULL, "is a directory, not a store file: give a file name");
        return BONT_EINVAL;
    }
    if (S_ISLNK(sb.st_mode)) {
        /* Followed links would let a store be written through a name that points elsewhere. */
        bont_error_setf(err, NULL, "is a symbolic link: give the store file itself");
        return BONT_EINVAL;
    }
    if (!S_ISREG(sb.st_mode)) {
        bont_error_setf(err, NULL, "is not a regular file, so not a bont store");
        return BONT_EINVAL;
    }
    if (err)
        err->file[0] = '\0';
    *exists = true;
    return 0;
}

/* The folder part of path ("." when there is none). */
static void folder_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

int bont__store_temp_beside(const char *path, const char *doing, char *tmp, size_t size,
                            bont_error_t *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    folder_of(path, dir, sizeof dir);
    /* A dot name so that listings and globs do not show a half-made file as a store. */
    int n = snprintf(tmp, size, "%s/.%s.new-XXXXXX", dir, name);
    if (n < 0 || (size_t)n >= size) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        bont_error_setf(err, NULL, "the file name is too long");
        return BONT_EINVAL;
    }
    int fd = mkstemp(tmp); /* mode 0600: the file holds medical records */
    if (fd < 0)
        return bont__store_path_error(path, errno, doing, err);
    close(fd);
    return 0;
}

static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int bont__store_publish(const char *tmp, const char *path, bont_error_t *err)
{
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    if (sync_path(tmp, O_RDONLY) != 0)
        return bont__store_path_error(path, errno, "cannot sync the new file", err);
    /* link() gives the whole file its name at once and, unlike rename(), never replaces a file
     * that appeared meanwhile (another process creating the same store, or a user's file). */
    if (link(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        if (e == EEXIST) {
            if (err)
                snprintf(err->file, sizeof err->file, "%s", path);
            bont_error_setf(err, NULL, "already exists; it was not replaced");
            return BONT_ECONFLICT;
        }
        return bont__store_path_error(path, e, "cannot give the new file its name", err);
    }
    unlink(tmp);
    /* The new name is durable only once the folder is synced. */
    if (sync_path(dir, O_RDONLY | O_DIRECTORY) != 0)
        return bont__store_path_error(path, errno, "cannot sync the folder", err);
    return 0;
}

int bont_store_default_path(char *buf, size_t size, bool create_dir, bont_error_t *err)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    /* The XDG base-directory spec says a relative XDG_DATA_HOME is invalid and must be
     * ignored. */
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof dir, "%s/bont", xdg);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof dir, "%s/.local/share/bont", home);
    else {
        bont_error_setf(
            err, "--db",
            "neither XDG_DATA_HOME nor HOME is set: give the store file with --db FILE");
        return BONT_EINVAL;
    }
    int n = snprintf(buf, size, "%s/bont.db", dir);
    if (n < 0 || (size_t)n >= size) {
        bont_error_setf(err, "--db", "the default store path is too long: give --db FILE");
        return BONT_EINVAL;
    }
    if (!create_dir)
        return 0;
    /* mkdir -p, with 0700 for the folders we make: the store holds medical records. */
    for (char *p = dir + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return bont__store_path_error(dir, errno, "cannot create the folder", err);
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}

void bont__store_remove_temp(const char *tmp)
{
    static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
    char name[4200];
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(name, sizeof name, "%s%s", tmp, sides[i]);
        unlink(name);
    }
}
