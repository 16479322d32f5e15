/* data.c: the data/ files the store reads (outcome scales, duration prior), parsed from the
 * copies embedded at build time. */
#include <string.h>

#include "kb/embedded.h"
#include "store/internal.h"

/* Walks the embedded table itself so that the store works without loading the knowledge
 * base. */
json_t *bont__store_data(const char *name, bont_error_t *err)
{
    for (const bont_embedded_file_t *f = bont_embedded_files; f->name; f++) {
        if (strcmp(f->name, name) != 0)
            continue;
        json_error_t jerr;
        json_t *root = json_loadb(f->data, f->size, 0, &jerr);
        if (!root || !json_is_object(root)) {
            if (err) {
                snprintf(err->file, sizeof err->file, "data/%s", name);
                err->line = root ? 0 : jerr.line;
                err->column = root ? 0 : jerr.column;
            }
            bont_error_setf(err, NULL, "malformed data file: %s",
                            root ? "not an object" : jerr.text);
            json_decref(root);
            return NULL;
        }
        return root;
    }
    bont_error_setf(err, NULL, "data/%s is missing from this build", name);
    return NULL;
}
