/* test_output.h: checks the output tests share (test_cli.c, test_simulate.c). */
#ifndef BONT_TEST_OUTPUT_H
#define BONT_TEST_OUTPUT_H

/* Whether every file named (a shell word list or pattern) is well-formed XML, judged by
 * python3's expat as strictly as a browser's parser; prints the parser's complaint if not. */
int test_xml_well_formed(const char *files);

#endif
