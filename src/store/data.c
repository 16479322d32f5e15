/* data.c: the data/ files the store reads (outcome scales, duration prior), parsed from the
 * copies embedded at build time by the one data-file reader (src/kb/datafile.c), so that the
 * store works without loading the knowledge base. */
#include "kb/datafile.h"
#include "store/internal.h"

json_t *bont__store_data(const char *name, bont_error_t *err)
{
    json_t *root = NULL;
    bont__data_embedded(name, &root, err);
    return root;
}
