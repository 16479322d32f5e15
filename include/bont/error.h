/* bont/error.h: one error-code table for the whole library, and the error detail struct. */
#ifndef BONT_ERROR_H
#define BONT_ERROR_H

#include <stddef.h>

/* X(name, code, message). Codes are negative; 0 is success. */
#define BONT_ERRNO_MAP(X)                                                                          \
    X(OK, 0, "success")                                                                            \
    X(EINVAL, -1, "invalid argument")                                                              \
    X(ENOMEM, -2, "out of memory")                                                                 \
    X(EIO, -3, "input/output error")                                                               \
    X(EPARSE, -4, "malformed input")                                                               \
    X(EUNKNOWN, -5, "unknown name")                                                                \
    X(ERANGE, -6, "value out of range")                                                            \
    X(EMISSING, -7, "missing required field")                                                      \
    X(EKB, -8, "knowledge base is inconsistent")                                                   \
    X(ESTORE, -9, "record store error")                                                            \
    X(ESCHEMA, -10, "unsupported schema version")                                                  \
    X(ENOTFOUND, -11, "not found")                                                                 \
    X(ECONFLICT, -12, "conflicting values")                                                        \
    X(ENUMERIC, -13, "numerical failure")                                                          \
    X(ETOOBIG, -14, "input too large")                                                             \
    X(ECONNECT, -15, "cannot reach the database server")                                           \
    X(EUNSUPPORTED, -16, "not done by bont for this kind of store")

typedef enum bont_errno_t {
#define BONT_ERRNO_ENUM_(name, code, msg) BONT_##name = (code),
    BONT_ERRNO_MAP(BONT_ERRNO_ENUM_)
#undef BONT_ERRNO_ENUM_
} bont_errno_t;

/* Where and what went wrong. The caller owns it; the library fills it on failure. */
typedef struct bont_error_t {
    char file[256];    /* input file name, or "" when not from a file */
    int line;          /* 1-based line in file, 0 when unknown */
    int column;        /* 1-based column in file, 0 when unknown */
    char field[128];   /* JSON path of the offending field, e.g. "injections[1].units" */
    char message[768]; /* one plain sentence: what was wrong and what would be right */
} bont_error_t;

/* The fixed description of an error code ("unknown name"). Never NULL. */
const char *bont_strerror(int rc);

/* Clears every field of err (NULL is allowed). */
void bont_error_clear(bont_error_t *err);

/* Fills err->message from a printf format; keeps file/line/column/field. err may be NULL. */
void bont_error_setf(bont_error_t *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Formats err as "file:line:column: field: message" into buf (parts that are unknown are left
 * out). Returns buf. */
char *bont_error_format(const bont_error_t *err, char *buf, size_t size);

#endif
