/* mo.h: a reader for GNU gettext .mo catalogues held in memory. */
#ifndef BONT_I18N_MO_H
#define BONT_I18N_MO_H

#include <stddef.h>
#include <stdint.h>

/* A validated catalogue. It borrows the bytes it was opened on; they must outlive it. */
typedef struct bont__mo_t {
    const unsigned char *data; /* the .mo bytes (borrowed, not owned) */
    size_t size;               /* bytes in data */
    uint32_t n;                /* number of entries, the header entry included */
    uint32_t orig_off;         /* offset of the table of original strings */
    uint32_t trans_off;        /* offset of the table of translated strings */
    int swap;                  /* 1 when the file's byte order is not this machine's */
} bont__mo_t;

/* Opens a .mo image: checks the magic number, the revision, that every string lies inside the
 * image and ends in NUL, that the originals are sorted (so a lookup can bisect), and that the
 * header says charset=UTF-8 and "nplurals=1; plural=0;" (the only plural rule bont's languages
 * need). Returns 0, or BONT_EPARSE with a sentence in err. */
int bont__mo_open(bont__mo_t *mo, const void *data, size_t size, char *err, size_t err_size);

/* Reads the .mo file at path into buf (cap bytes; the catalogue borrows buf) and opens it.
 * Returns 0, BONT_EIO (cannot read, or larger than cap) or BONT_EPARSE; err says why. */
int bont__mo_load(bont__mo_t *mo, const char *path, unsigned char *buf, size_t cap, char *err,
                  size_t err_size);

/* The translation of msgid in context ctxt (NULL for none), or NULL when the catalogue has
 * none. For a plural entry this is its one form. */
const char *bont__mo_lookup(const bont__mo_t *mo, const char *ctxt, const char *msgid);

/* Entry i (0 <= i < mo->n): its original (msgctxt "\004" msgid, plural forms after a NUL) and
 * its translation. Entry 0 is the header. */
const char *bont__mo_original(const bont__mo_t *mo, uint32_t i);
const char *bont__mo_translation(const bont__mo_t *mo, uint32_t i);

#endif
