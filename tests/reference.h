/* reference.h: running the independent Python reference (bench/reference/, Debian's
 * python3-scipy) from the differential tests. */
#ifndef BONT_TESTS_REFERENCE_H
#define BONT_TESTS_REFERENCE_H

#include <jansson.h>
#include <stdbool.h>

/* Whether /usr/bin/python3 has numpy and scipy; a failed check when not. */
bool bont_test_have_scipy(void);
/* The JSON a reference command prints (caller json_decref), or NULL after a failed check. */
json_t *bont_test_reference_json(const char *cmd);

#endif
