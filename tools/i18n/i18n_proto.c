/* i18n_proto.c: proves how bont translates on a machine with no generated locale (prototype).
 *
 *   i18n-proto [--lang L] [--mechanism embedded|glibc] [--localedir DIR] [--context C] MSGID
 *   i18n-proto [--lang L] [--mechanism M] --list        every catalogue entry, one per line
 *   i18n-proto --check-mo FILE                            validates a .mo file (exit 0 or 2)
 *   i18n-proto --bench N                                  lookups/s of both mechanisms
 *
 * "embedded" reads the .mo images compiled into this binary (the mechanism bont adopts);
 * "glibc" is libc's gettext with setlocale(LC_ALL, "C.UTF-8") and LANGUAGE, kept as a
 * cross-check. Exit codes: 0 ok, 2 unusable input. */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/error.h"
#include "kb/embedded.h"
#include "lang.h"
#include "mo.h"

#define DOMAIN "bont"

const bont_embedded_file_t *bont_embedded_find(const char *name)
{
    for (const bont_embedded_file_t *f = bont_embedded_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const char *env_get(const char *name)
{
    return getenv(name);
}

/* The embedded catalogue of lang, opened; 0 and *have = 0 for English. */
static int open_embedded(bont_lang_t lang, bont__mo_t *mo, int *have)
{
    *have = 0;
    const char *cat = bont__lang_catalogue(lang);
    if (!cat)
        return 0;
    char name[32];
    snprintf(name, sizeof name, "%s.mo", cat);
    const bont_embedded_file_t *f = bont_embedded_find(name);
    if (!f) {
        fprintf(stderr, "i18n-proto: no embedded catalogue %s\n", name);
        return 2;
    }
    char err[160];
    if (bont__mo_open(mo, f->data, f->size, err, sizeof err) != BONT_OK) {
        fprintf(stderr, "i18n-proto: %s: %s\n", name, err);
        return 2;
    }
    *have = 1;
    return 0;
}

/* glibc's gettext needs a locale that is not "C" before it reads LANGUAGE; C.UTF-8 is built
 * into glibc 2.35 and later, so it exists on a machine where no locale was generated. */
static int setup_glibc(bont_lang_t lang, const char *localedir)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        fprintf(stderr, "i18n-proto: setlocale(C.UTF-8) failed\n");
        return 2;
    }
    const char *cat = bont__lang_catalogue(lang);
    if (setenv("LANGUAGE", cat ? cat : "en", 1) != 0)
        return 2;
    bindtextdomain(DOMAIN, localedir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    textdomain(DOMAIN);
    return 0;
}

static const char *translate(int glibc, const bont__mo_t *mo, int have, const char *ctxt,
                             const char *msgid)
{
    if (glibc) {
        if (!ctxt)
            return dgettext(DOMAIN, msgid);
        char key[1024];
        snprintf(key, sizeof key, "%s\004%s", ctxt, msgid);
        const char *t = dgettext(DOMAIN, key);
        return t == key ? msgid : t;
    }
    const char *t = have ? bont__mo_lookup(mo, ctxt, msgid) : NULL;
    return t ? t : msgid;
}

static int check_mo(const char *path)
{
    static unsigned char buf[1 << 20];
    bont__mo_t mo;
    char err[160];
    if (bont__mo_load(&mo, path, buf, sizeof buf, err, sizeof err) != BONT_OK) {
        fprintf(stderr, "%s: %s\n", path, err);
        return 2;
    }
    printf("%s: %u entries\n", path, (unsigned)mo.n);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Lookups per second over every msgid of the Korean catalogue, by both mechanisms. */
static int bench(long rounds, const char *localedir)
{
    bont__mo_t mo;
    int have = 0;
    double t0 = now_s();
    for (int i = 0; i < 1000; i++)
        if (open_embedded(BONT_LANG_KO, &mo, &have) != 0)
            return 2;
    double open_us = (now_s() - t0) / 1000 * 1e6;
    if (setup_glibc(BONT_LANG_KO, localedir) != 0)
        return 2;
    size_t sink = 0;
    double rate[2];
    for (int glibc = 0; glibc < 2; glibc++) {
        t0 = now_s();
        for (long r = 0; r < rounds; r++)
            for (uint32_t i = 1; i < mo.n; i++)
                sink += strlen(translate(glibc, &mo, have, NULL, bont__mo_original(&mo, i)));
        rate[glibc] = (double)rounds * (mo.n - 1) / (now_s() - t0);
    }
    printf("catalogue ko: %u entries; embedded open+validate %.2f us\n", (unsigned)mo.n, open_us);
    printf("embedded lookup: %.1f ns per message\n", 1e9 / rate[0]);
    printf("glibc dgettext:  %.1f ns per message\n", 1e9 / rate[1]);
    return sink ? 0 : 3;
}

int main(int argc, char **argv)
{
    const char *lang_flag = NULL, *ctxt = NULL, *msgid = NULL;
    const char *localedir = "build/po/locale";
    int glibc = 0, list = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--check-mo") == 0 && v)
            return check_mo(v);
        if (strcmp(a, "--bench") == 0 && v)
            return bench(atol(v), localedir);
        if (strcmp(a, "--lang") == 0 && v)
            lang_flag = argv[++i];
        else if (strcmp(a, "--context") == 0 && v)
            ctxt = argv[++i];
        else if (strcmp(a, "--localedir") == 0 && v)
            localedir = argv[++i];
        else if (strcmp(a, "--mechanism") == 0 && v) {
            glibc = strcmp(v, "glibc") == 0;
            if (!glibc && strcmp(v, "embedded") != 0) {
                fprintf(stderr, "i18n-proto: --mechanism is embedded or glibc (got %s)\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(a, "--list") == 0)
            list = 1;
        else if (a[0] == '-' || msgid) {
            fprintf(stderr, "i18n-proto: unexpected argument %s\n", a);
            return 2;
        } else
            msgid = a;
    }
    if (!msgid && !list) {
        fprintf(stderr, "usage: i18n-proto [--lang L] [--mechanism M] MSGID | --list\n");
        return 2;
    }
    int unknown = 0;
    bont_lang_t lang = bont__lang_choose(lang_flag, env_get, &unknown);
    if (unknown)
        fprintf(stderr, "i18n-proto: unknown language \"%s\": using English\n", lang_flag);
    bont__mo_t mo;
    int have = 0;
    /* The list walks the Korean or Chinese msgids even for English, to show the fallback. */
    bont_lang_t walk = lang == BONT_LANG_EN ? BONT_LANG_KO : lang;
    if (open_embedded(list ? walk : lang, &mo, &have) != 0)
        return 2;
    if (list && lang == BONT_LANG_EN)
        have = 0;
    if (glibc && setup_glibc(lang, localedir) != 0)
        return 2;
    printf("lang=%s\n", bont__lang_code(lang));
    if (!list) {
        printf("%s\n", translate(glibc, &mo, have, ctxt, msgid));
        return 0;
    }
    bont__mo_t keys;
    int have_keys = 0;
    if (open_embedded(walk, &keys, &have_keys) != 0)
        return 2;
    for (uint32_t i = 1; i < keys.n; i++) {
        const char *orig = bont__mo_original(&keys, i);
        const char *sep = strchr(orig, '\004');
        char c[256] = "";
        if (sep)
            snprintf(c, sizeof c, "%.*s", (int)(sep - orig), orig);
        const char *id = sep ? sep + 1 : orig;
        printf("%s\t%s\t%s\n", c, id, translate(glibc, &mo, have, sep ? c : NULL, id));
    }
    return 0;
}
