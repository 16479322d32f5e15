/* fuzz_data.c: libFuzzer target for the data-file reader and the knowledge base's table-driven
 * reader, and the model's parameter, variability and readout-threshold tables: any byte string
 * must be read or refused with an error, never a crash, a leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bont/model.h"
#include "bont/population.h"
#include "kb/datafile.h"
#include "kb/kb_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads root as every kind of kb file at once, as a broken data/ folder could present it. */
static void read_as_kb(json_t *root)
{
    static const char *const keys[] = {"sources",           "products",       "muscles",
                                       "indications",       "terms",          "rules",
                                       "contraindications", "history_rules",  "jurisdictions",
                                       "guidance_methods",  "guidance_rules", "adverse_effects",
                                       "adverse_reactions"};
    bont_kb_t *kb = calloc(1, sizeof *kb);
    if (!kb)
        return;
    bont_error_t err;
    bont__loader_t L = {kb, &err, "fuzz.json", 0};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        void *entries = NULL;
        size_t n = 0;
        bont__kb_read_file(&L, root, keys[i], &entries, &n); /* entries are the kb's */
    }
    bont__kb_index_aliases(&L);
    bont__kb_sort_reactions(kb);
    bont_kb_free(&kb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    bont_error_t err;
    json_t *root = NULL;
    if (bont__data_parse(text, size, "fuzz.json", &root, &err) == 0) {
        if (!json_is_object(root))
            abort(); /* the reader promises an object */
        read_as_kb(root);
        json_decref(root);
    } else if (root) {
        abort(); /* a failed read must not hand out a document */
    }
    bont_params_t p;
    bont_params_parse(&p, text, size, "fuzz.json", &err);
    bont_variability_t *v = NULL;
    if (bont_variability_parse(&v, text, size, "fuzz.json", &err) == 0 && !v)
        abort();
    bont_variability_free(&v);
    bont_readout_thresholds_t t;
    if (bont_readout_thresholds_parse(&t, text, size, "fuzz.json", &err) == 0 &&
        !(t.perceptible_pct > 0.0 && t.perceptible_pct < 100.0 &&
          t.n_response <= BONT_READOUT_MAX_RESPONSE))
        abort(); /* an accepted file keeps the promised ranges */
    return 0;
}
