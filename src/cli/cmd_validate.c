/* cmd_validate.c: `bont validate`: runs the model on every calibration dataset. */
#include <stdio.h>

#include "bont/model.h"
#include "cli/commands.h"

int bont_cmd_validate(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    (void)argc;
    (void)argv;
    fprintf(stderr, "bont validate: not built yet\n");
    return BONT_EXIT_INTERNAL;
}
