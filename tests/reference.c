/* reference.c: running the independent Python reference from the differential tests (see
 * reference.h). */
#include "reference.h"

#include <stdlib.h>

#include "test.h"

#define REFERENCE_OUT_SIZE (64u << 20) /* the largest reference output read */

bool bont_test_have_scipy(void)
{
    char out[256], err[1024];
    int st = bont_test_run("/usr/bin/python3 -c 'import scipy, numpy'", out, sizeof out, err,
                           sizeof err);
    CHECK_MSG(st == 0, "the reference needs Debian's python3-scipy (scripts/deps.sh): %s", err);
    return st == 0;
}

json_t *bont_test_reference_json(const char *cmd)
{
    char *out = malloc(REFERENCE_OUT_SIZE), err[4096];
    if (!out)
        return NULL;
    int st = bont_test_run(cmd, out, REFERENCE_OUT_SIZE, err, sizeof err);
    CHECK_MSG(st == 0, "%s exited %d: %s", cmd, st, err);
    json_error_t je;
    json_t *j = st == 0 ? json_loads(out, 0, &je) : NULL;
    CHECK_MSG(st != 0 || j, "reference output is not JSON: %s", je.text);
    free(out);
    return j;
}
