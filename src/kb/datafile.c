/* datafile.c: reads and parses data files, embedded or from disk, for the knowledge base, the
 * model's parameter tables and the store. */
#include "kb/datafile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/json.h"

int bont__data_parse(const char *text, size_t len, const char *filename, json_t **root,
                     bont_error_t *err)
{
    json_error_t jerr;
    int rc = bont__json_load(text, len, JSON_REJECT_DUPLICATES, root, &jerr);
    if (err && !(*root && json_is_object(*root))) {
        snprintf(err->file, sizeof err->file, "%s", filename ? filename : "");
        err->line = *root ? 0 : jerr.line;
        err->column = *root ? 0 : jerr.column;
    }
    if (rc) {
        bont_error_setf(err, NULL, "%s: %s", rc == BONT_ENOMEM ? "out of memory" : "not valid JSON",
                        jerr.text);
        return rc;
    }
    if (!json_is_object(*root)) {
        bont_error_setf(err, NULL, "expected a JSON object at the top of the file");
        json_decref(*root);
        *root = NULL;
        return BONT_EPARSE;
    }
    return 0;
}

const bont_embedded_file_t *bont__embedded_find(const char *name)
{
    for (const bont_embedded_file_t *f = bont__embedded_files; name && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

int bont__data_embedded(const char *name, json_t **root, bont_error_t *err)
{
    char filename[256];
    snprintf(filename, sizeof filename, "data/%s", name ? name : "");
    const bont_embedded_file_t *f = bont__embedded_find(name);
    *root = NULL;
    if (!f) {
        if (err) {
            snprintf(err->file, sizeof err->file, "%s", filename);
            err->line = err->column = 0;
        }
        bont_error_setf(err, NULL,
                        "this build lacks the data file (data/ is embedded when the "
                        "library is built)");
        return BONT_ENOTFOUND;
    }
    return bont__data_parse(f->data, f->size, filename, root, err);
}

int bont__data_file(const char *path, json_t **root, bont_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    bont_error_t e;
    bont_error_clear(&e);
    *root = NULL;
    int rc = bont__read_file(path, BONT__DATA_MAX_BYTES, &text, &len, &e);
    if (rc) {
        if (err) {
            snprintf(err->file, sizeof err->file, "%s", e.file);
            err->line = err->column = 0;
        }
        bont_error_setf(err, NULL, "cannot read the data file: %s", e.message);
        return rc;
    }
    rc = bont__data_parse(text, len, path, root, err);
    free(text);
    return rc;
}

int bont__data_load(const char *dir, const char *name, json_t **root, bont_error_t *err)
{
    if (!dir)
        return bont__data_embedded(name, root, err);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return bont__data_file(path, root, err);
}
