/* test_output.h: checks the output tests share (test_cli.c, test_simulate.c). */
#ifndef BONT_TEST_OUTPUT_H
#define BONT_TEST_OUTPUT_H

/* Whether every SVG file named (a shell word list or pattern) is well-formed XML, judged by
 * python3's expat as strictly as a browser's parser, and renders (rsvg-convert); prints the
 * complaint if not. */
int test_svg_valid(const char *files);

#endif
