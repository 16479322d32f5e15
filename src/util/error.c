/* error.c: the error-code table and helpers for bont_error_t. */
#include "bont/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *bont_strerror(int rc)
{
    switch (rc) {
#define BONT_ERRNO_CASE_(name, code, msg)                                                          \
    case code:                                                                                     \
        return msg;
        BONT_ERRNO_MAP(BONT_ERRNO_CASE_)
#undef BONT_ERRNO_CASE_
    }
    return "unknown error code";
}

void bont_error_clear(bont_error_t *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void bont_error_setf(bont_error_t *err, const char *field, const char *fmt, ...)
{
    if (!err)
        return;
    if (field)
        snprintf(err->field, sizeof err->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

char *bont_error_format(const bont_error_t *err, char *buf, size_t size)
{
    size_t n = 0;
    if (!buf || size == 0)
        return buf;
    buf[0] = '\0';
    if (!err)
        return buf;
#define BONT_APPEND_(...)                                                                          \
    do {                                                                                           \
        if (n < size) {                                                                            \
            int w_ = snprintf(buf + n, size - n, __VA_ARGS__);                                     \
            if (w_ > 0)                                                                            \
                n += (size_t)w_;                                                                   \
        }                                                                                          \
    } while (0)
    if (err->file[0]) {
        BONT_APPEND_("%s:", err->file);
        if (err->line > 0)
            BONT_APPEND_("%d:", err->line);
        if (err->line > 0 && err->column > 0)
            BONT_APPEND_("%d:", err->column);
        BONT_APPEND_(" ");
    }
    if (err->field[0])
        BONT_APPEND_("%s: ", err->field);
    BONT_APPEND_("%s", err->message[0] ? err->message : "error");
#undef BONT_APPEND_
    return buf;
}
