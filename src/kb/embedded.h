/* embedded.h: the data/ files compiled into the library by tools/embed.c. */
#ifndef BONT_KB_EMBEDDED_H
#define BONT_KB_EMBEDDED_H

#include <stddef.h>

typedef struct bont_embedded_file_t {
    const char *name; /* file name without folder, e.g. "products.json" */
    const char *data; /* contents, NUL-terminated */
    size_t size;      /* bytes, without the NUL */
} bont_embedded_file_t;

/* Ends with an entry whose name is NULL. */
extern const bont_embedded_file_t bont__embedded_files[];

#endif
