/* datafile.h: the one reader of bont's data files (the .json files in data/): the copy embedded at
 * build time or a file on disk, parsed into a JSON object, with file, line and column in every
 * error. */
#ifndef BONT_KB_DATAFILE_H
#define BONT_KB_DATAFILE_H

#include <jansson.h>
#include <stddef.h>

#include "bont/error.h"
#include "kb/embedded.h"

/* Every reader below sets *root to the file's top-level object (the caller owns it:
 * json_decref) and returns 0, or sets it to NULL and returns a negative bont_errno_t with err
 * holding the file name, line, column and the reason in words. */

/* Parses len bytes of text of the data file filename (as errors show it: "data/muscles.json").
 * BONT_EPARSE: not valid JSON (duplicate keys included) or not an object; BONT_ENOMEM. */
int bont__data_parse(const char *text, size_t len, const char *filename, json_t **root,
                     bont_error_t *err);

/* The data file name ("muscles.json") as embedded at build time. BONT_ENOTFOUND when this build
 * lacks it. */
int bont__data_embedded(const char *name, json_t **root, bont_error_t *err);

/* The data file at path (at most BONT__DATA_MAX_BYTES): also BONT_EIO and BONT_ETOOBIG. */
int bont__data_file(const char *path, json_t **root, bont_error_t *err);

/* The data file name from folder dir, or the embedded one when dir is NULL. */
int bont__data_load(const char *dir, const char *name, json_t **root, bont_error_t *err);

/* The embedded file with that name (e.g. "model-params.json"), or NULL. */
const bont_embedded_file_t *bont__embedded_find(const char *name);

#endif
