/* mo.c: validates a GNU gettext .mo image and looks messages up in it by bisection.
 *
 * Format: GNU gettext manual, section "The Format of GNU MO Files". A header of 32-bit words
 * (magic 0x950412de, revision, N, offset of the originals table, offset of the translations
 * table, hash size, hash offset), then two tables of N (length, offset) pairs. msgfmt sorts the
 * originals with strcmp, which this reader verifies rather than trusts; the optional hash table
 * is not used. */
#include "i18n/mo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bont/error.h"

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u
#define MO_HEADER_BYTES  28u

static uint32_t word_at(const bont__mo_t *mo, size_t off)
{
    const unsigned char *p = mo->data + off;
    uint32_t le =
        (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    uint32_t be =
        (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
    /* The magic number read little-endian decides the file's order; swap means big-endian. */
    return mo->swap ? be : le;
}

static const char *string_at(const bont__mo_t *mo, uint32_t table, uint32_t i)
{
    size_t entry = (size_t)table + 8u * (size_t)i;
    return (const char *)mo->data + word_at(mo, entry + 4);
}

const char *bont__mo_original(const bont__mo_t *mo, uint32_t i)
{
    return (mo && i < mo->n) ? string_at(mo, mo->orig_off, i) : NULL;
}

const char *bont__mo_translation(const bont__mo_t *mo, uint32_t i)
{
    return (mo && i < mo->n) ? string_at(mo, mo->trans_off, i) : NULL;
}

static int fail(char *err, size_t err_size, const char *what)
{
    if (err && err_size)
        snprintf(err, err_size, "not a usable .mo catalogue: %s", what);
    return BONT_EPARSE;
}

/* Every (length, offset) pair of a table points inside the image at a NUL-ended string. */
static int table_ok(const bont__mo_t *mo, uint32_t table)
{
    if ((size_t)table > mo->size || (size_t)mo->n > (mo->size - table) / 8u)
        return 0;
    for (uint32_t i = 0; i < mo->n; i++) {
        size_t entry = (size_t)table + 8u * (size_t)i;
        size_t len = word_at(mo, entry), off = word_at(mo, entry + 4);
        if (off >= mo->size || len >= mo->size - off || mo->data[off + len] != '\0')
            return 0;
    }
    return 1;
}

int bont__mo_open(bont__mo_t *mo, const void *data, size_t size, char *err, size_t err_size)
{
    if (!mo || !data)
        return fail(err, err_size, "no data");
    memset(mo, 0, sizeof *mo);
    mo->data = data;
    mo->size = size;
    if (size < MO_HEADER_BYTES)
        return fail(err, err_size, "shorter than the 28-byte header");
    uint32_t magic = word_at(mo, 0);
    if (magic == MO_MAGIC_SWAPPED)
        mo->swap = 1;
    else if (magic != MO_MAGIC)
        return fail(err, err_size, "wrong magic number");
    if (word_at(mo, 4) >> 16 != 0)
        return fail(err, err_size, "unsupported major revision");
    mo->n = word_at(mo, 8);
    mo->orig_off = word_at(mo, 12);
    mo->trans_off = word_at(mo, 16);
    if (mo->n == 0)
        return fail(err, err_size, "no header entry");
    if (!table_ok(mo, mo->orig_off) || !table_ok(mo, mo->trans_off))
        return fail(err, err_size, "a string lies outside the file or lacks its NUL");
    for (uint32_t i = 1; i < mo->n; i++)
        if (strcmp(bont__mo_original(mo, i - 1), bont__mo_original(mo, i)) >= 0)
            return fail(err, err_size, "originals not sorted (or repeated)");
    if (bont__mo_original(mo, 0)[0] != '\0')
        return fail(err, err_size, "first entry is not the header");
    const char *header = bont__mo_translation(mo, 0);
    if (!strstr(header, "charset=UTF-8"))
        return fail(err, err_size, "header does not say charset=UTF-8");
    if (!strstr(header, "Plural-Forms: nplurals=1; plural=0;"))
        return fail(err, err_size, "plural rule is not \"nplurals=1; plural=0;\"");
    return BONT_OK;
}

int bont__mo_load(bont__mo_t *mo, const char *path, unsigned char *buf, size_t cap, char *err,
                  size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && err_size)
            snprintf(err, err_size, "%s", strerror(errno));
        return BONT_EIO;
    }
    size_t n = fread(buf, 1, cap, f);
    int too_big = n == cap && fgetc(f) != EOF;
    int failed = ferror(f);
    fclose(f);
    if (failed || too_big) {
        if (err && err_size)
            snprintf(err, err_size, "%s", too_big ? "file too large" : "read error");
        return BONT_EIO;
    }
    return bont__mo_open(mo, buf, n, err, err_size);
}

/* strcmp of the key (ctxt "\004" msgid) against orig, without building the key. */
static int key_cmp(const char *ctxt, const char *msgid, const char *orig)
{
    const unsigned char *o = (const unsigned char *)orig;
    if (ctxt) {
        for (const unsigned char *c = (const unsigned char *)ctxt; *c; c++, o++)
            if (*c != *o)
                return (int)*c - (int)*o;
        if (*o != 4)
            return 4 - (int)*o;
        o++;
    }
    return strcmp(msgid, (const char *)o);
}

const char *bont__mo_lookup(const bont__mo_t *mo, const char *ctxt, const char *msgid)
{
    if (!mo || !msgid || !*msgid)
        return NULL;
    uint32_t lo = 1, hi = mo->n; /* entry 0 is the header */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(ctxt, msgid, bont__mo_original(mo, mid));
        if (c == 0) {
            const char *t = bont__mo_translation(mo, mid);
            return *t ? t : NULL;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
