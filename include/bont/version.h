/* bont/version.h: the version of the library and the command. */
#ifndef BONT_VERSION_H
#define BONT_VERSION_H

/* Semantic version: the major number changes when a public header or an output contract (the
 * JSON of check, simulate, the store's records) changes incompatibly. */
#define BONT_VERSION "0.5.0"

/* BONT_VERSION of the library the program is linked with. */
const char *bont_version(void);

#endif
