/* output.h: where the bont command's outputs go: standard output, or a file it creates for an
 * SVG plot. The formats themselves are the report writers' (bont/report.h). */
#ifndef BONT_CLI_OUTPUT_H
#define BONT_CLI_OUTPUT_H

#include <stdio.h>

#include "bont/report.h"

/* The exit code for a writer's rc: code when the writer succeeded, else BONT_EXIT_INTERNAL
 * after saying so on stderr. */
int bont_cli_written(const char *command, int rc, int code);

/* Opens path for writing an output file; NULL after saying why on stderr. */
FILE *bont_cli_create(const char *command, const char *path);

/* Closes f (from bont_cli_create) after a writer returned rc: 0 when both went well, else
 * BONT_EXIT_INTERNAL after saying so on stderr. */
int bont_cli_finish(const char *command, FILE *f, const char *path, int rc);

/* "bont COMMAND: unknown product "NAME"; did you mean X" on stderr. */
void bont_cli_unknown_product(const char *command, const bont_kb_t *kb, const char *name);

#endif
