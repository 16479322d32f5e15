/* version.c: the library's version string. */
#include "bont/version.h"

const char *bont_version(void)
{
    return BONT_VERSION;
}
