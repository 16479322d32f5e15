/* i18n_tool.c: looks messages up in bont's embedded catalogues, and cross-checks them against
 * glibc's gettext on a machine with no generated locale (test and measurement tool).
 *
 *   i18n-tool [--lang L] [--mechanism embedded|glibc] [--localedir DIR] [--context C] MSGID
 *   i18n-tool [--lang L] [--mechanism M] --list        every catalogue entry, one per line
 *   i18n-tool --check-mo FILE                            validates a .mo file (exit 0 or 2)
 *   i18n-tool --bench N                                  lookups/s of both mechanisms
 *
 * "embedded" is the library's own reader (what bont uses); "glibc" is libc's gettext with
 * setlocale(LC_ALL, "C.UTF-8") and LANGUAGE, kept as a cross-check. Without --lang the language
 * comes from the environment as the bont command reads it. Exit codes: 0 ok, 2 unusable input. */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/error.h"
#include "bont/i18n.h"
#include "i18n/mo.h"
#include "kb/datafile.h"

#define DOMAIN "bont"

static const char *const catalogue_names[BONT_LANG_COUNT] = {NULL, "zh_CN", "ko"};

/* The embedded catalogue of lang, opened by the library's reader (for --list and --bench). */
static int open_embedded(bont_lang_t lang, bont__mo_t *mo)
{
    char name[32], err[160];
    snprintf(name, sizeof name, "%s.mo", catalogue_names[lang]);
    const bont_embedded_file_t *f = bont__embedded_find(name);
    if (!f || bont__mo_open(mo, f->data, f->size, err, sizeof err) != BONT_OK) {
        fprintf(stderr, "i18n-tool: embedded catalogue %s: %s\n", name, f ? err : "missing");
        return 2;
    }
    return 0;
}

/* glibc's gettext needs a locale that is not "C" before it reads LANGUAGE; C.UTF-8 is built
 * into glibc 2.35 and later, so it exists on a machine where no locale was generated. */
static int setup_glibc(bont_lang_t lang, const char *localedir)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        fprintf(stderr, "i18n-tool: setlocale(C.UTF-8) failed\n");
        return 2;
    }
    const char *cat = catalogue_names[lang];
    if (setenv("LANGUAGE", cat ? cat : "en", 1) != 0)
        return 2;
    bindtextdomain(DOMAIN, localedir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    textdomain(DOMAIN);
    return 0;
}

static const char *translate(int glibc, const char *ctxt, const char *msgid)
{
    if (!glibc)
        return ctxt ? bont_i18n_pgettext(ctxt, msgid) : bont_i18n_gettext(msgid);
    if (!ctxt)
        return dgettext(DOMAIN, msgid);
    char key[4096];
    snprintf(key, sizeof key, "%s\004%s", ctxt, msgid);
    const char *t = dgettext(DOMAIN, key);
    return t == key ? msgid : t;
}

static int check_mo(const char *path)
{
    static unsigned char buf[1 << 22];
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
    double t0 = now_s();
    for (int i = 0; i < 100; i++)
        if (open_embedded(BONT_LANG_KO, &mo) != 0)
            return 2;
    double open_us = (now_s() - t0) / 100 * 1e6;
    if (setup_glibc(BONT_LANG_KO, localedir) != 0)
        return 2;
    bont_i18n_set_thread_lang(BONT_LANG_KO);
    size_t sink = 0;
    double rate[2];
    for (int glibc = 0; glibc < 2; glibc++) {
        t0 = now_s();
        for (long r = 0; r < rounds; r++)
            for (uint32_t i = 1; i < mo.n; i++) {
                const char *orig = bont__mo_original(&mo, i), *sep = strchr(orig, '\004');
                char ctxt[256] = "";
                if (sep)
                    snprintf(ctxt, sizeof ctxt, "%.*s", (int)(sep - orig), orig);
                sink += strlen(translate(glibc, sep ? ctxt : NULL, sep ? sep + 1 : orig));
            }
        rate[glibc] = (double)rounds * (mo.n - 1) / (now_s() - t0);
    }
    printf("catalogue ko: %u entries; embedded open+validate %.2f us\n", (unsigned)mo.n, open_us);
    printf("embedded lookup: %.1f ns per message\n", 1e9 / rate[0]);
    printf("glibc dgettext:  %.1f ns per message\n", 1e9 / rate[1]);
    return sink ? 0 : 3;
}

/* Every entry of the catalogue of walk (Korean for English, to show the fallback): context,
 * msgid and what the mechanism gives for it. */
static int list(bont_lang_t walk, int glibc)
{
    bont__mo_t keys;
    if (open_embedded(walk, &keys) != 0)
        return 2;
    for (uint32_t i = 1; i < keys.n; i++) {
        const char *orig = bont__mo_original(&keys, i);
        const char *sep = strchr(orig, '\004');
        char c[256] = "";
        if (sep)
            snprintf(c, sizeof c, "%.*s", (int)(sep - orig), orig);
        const char *id = sep ? sep + 1 : orig;
        printf("%s\t%s\t%s\n", c, id, translate(glibc, sep ? c : NULL, id));
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *lang_flag = NULL, *ctxt = NULL, *msgid = NULL;
    const char *localedir = "build/po/locale";
    int glibc = 0, want_list = 0;
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
                fprintf(stderr, "i18n-tool: --mechanism is embedded or glibc (got %s)\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(a, "--list") == 0)
            want_list = 1;
        else if (a[0] == '-' || msgid) {
            fprintf(stderr, "i18n-tool: unexpected argument %s\n", a);
            return 2;
        } else
            msgid = a;
    }
    if (!msgid && !want_list) {
        fprintf(stderr, "usage: i18n-tool [--lang L] [--mechanism M] MSGID | --list\n");
        return 2;
    }
    bont_lang_t lang;
    if (lang_flag) {
        if (bont_lang_parse(lang_flag, &lang) != BONT_OK)
            fprintf(stderr, "i18n-tool: unknown language \"%s\": using English\n", lang_flag);
    } else {
        bont_lang_env_t env = {getenv("LANGUAGE"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
                               getenv("LANG")};
        lang = bont_lang_from_env(&env);
    }
    bont_i18n_set_thread_lang(lang);
    if (glibc && setup_glibc(lang, localedir) != 0)
        return 2;
    printf("lang=%s\n", bont_lang_code(lang));
    if (want_list)
        return list(lang == BONT_LANG_EN ? BONT_LANG_KO : lang, glibc);
    printf("%s\n", translate(glibc, ctxt, msgid));
    return 0;
}
