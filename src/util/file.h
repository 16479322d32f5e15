/* file.h: whole-file reads with a size limit, so that no input (a huge file, /dev/zero, a pipe
 * that keeps writing) can make the library hold more than the limit. */
#ifndef BONT_UTIL_FILE_H
#define BONT_UTIL_FILE_H

#include <stddef.h>

#include "bont/error.h"

/* The largest data file (a .json file of data/) read from a folder: far above the largest shipped
 * one. */
#define BONT__DATA_MAX_BYTES ((size_t)16 << 20)

/* Reads the whole of path ("-" for standard input) into a NUL-terminated buffer (*out, caller
 * frees; *len bytes without the NUL). Input longer than max_bytes is refused as soon as its
 * byte max_bytes + 1 arrives, so memory never grows past the limit. Returns 0, BONT_EIO (no such
 * file, a folder, no permission, a read error), BONT_ETOOBIG or BONT_ENOMEM; on failure *out is
 * NULL and err (may be NULL) holds the file name and the reason in words. */
int bont__read_file(const char *path, size_t max_bytes, char **out, size_t *len, bont_error_t *err);

/* Writes a byte count for people: "4 MiB", "16 KiB", "100 bytes" (exact multiples only get the
 * larger unit). */
void bont__format_bytes(size_t bytes, char *buf, size_t size);

#endif
