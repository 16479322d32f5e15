/* fuzz_plan.c: libFuzzer target for the plan parser and checker: any byte string must give a
 * plan or a clean error, never a crash, a leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bont/check.h"
#include "bont/kb.h"
#include "bont/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bont_kb_t *kb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!kb) {
        bont_error_t err;
        if (bont_kb_load(&kb, &err) != 0)
            abort();
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    if (bont_plan_parse(kb, (const char *)data, size, "fuzz", &plan, &err) == 0) {
        bont_check_t *chk = NULL;
        if (bont_check_run(kb, plan, NULL, &chk, &err) == 0)
            bont_check_free(&chk);
        bont_plan_free(&plan);
    } else {
        char buf[1400];
        bont_error_format(&err, buf, sizeof buf);
        if (plan)
            abort(); /* a failed parse must not hand out a plan */
    }
    return 0;
}
