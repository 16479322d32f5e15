/* test_i18n.c: language choice, catalogue look-up and glossary consistency, through the
 * i18n tool (the library's reader, and glibc's gettext as a cross-check). */
#include <string.h>

#include "test.h"

static char out[1 << 16], err[1 << 14];

/* Runs the i18n tool with exactly the environment env (no inherited locale variables). */
static int proto(const char *env, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "env -i %s build/i18n-tool %s", env, args);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

/* Each case: environment, expected language, expected translation of "Sources". */
static const struct {
    const char *env, *lang, *findings;
} env_cases[] = {
    {"", "en", "Sources"},
    {"LANGUAGE=ko", "ko", "출처"},
    {"LANG=ko_KR.UTF-8", "ko", "출처"},
    {"LC_MESSAGES=ko_KR.UTF-8 LANG=en_US.UTF-8", "ko", "출처"},
    {"LC_ALL=zh_CN.UTF-8 LANG=ko_KR.UTF-8", "zh", "来源"},
    {"LANG=zh_CN.GB18030", "zh", "来源"},
    {"LANGUAGE=fr:zh_CN LANG=de_DE.UTF-8", "zh", "来源"},
    {"LANGUAGE=ko LC_ALL=C", "en", "Sources"},
    {"LANGUAGE=ko LANG=POSIX", "en", "Sources"},
    {"LANGUAGE=ko LANG=C.UTF-8", "ko", "출처"},
    {"LANG=fr_FR.UTF-8", "en", "Sources"},
    {"LANG=kok_IN.UTF-8", "en", "Sources"},
};

TEST(i18n_language_from_environment)
{
    const char *mechanisms[] = {"embedded", "glibc"};
    for (size_t m = 0; m < 2; m++)
        for (size_t i = 0; i < sizeof env_cases / sizeof env_cases[0]; i++) {
            char args[64], want[128];
            snprintf(args, sizeof args, "--mechanism %s Sources", mechanisms[m]);
            snprintf(want, sizeof want, "lang=%s\n%s\n", env_cases[i].lang, env_cases[i].findings);
            CHECK_INT(proto(env_cases[i].env, args), 0);
            CHECK_MSG(strcmp(out, want) == 0, "[%s] %s: got \"%s\", want \"%s\"", env_cases[i].env,
                      mechanisms[m], out, want);
        }
}

TEST(i18n_lang_flag_wins_and_unknown_warns)
{
    CHECK_INT(proto("LANG=zh_CN.UTF-8", "--lang ko Sources"), 0);
    CHECK_STR(out, "lang=ko\n출처\n");
    CHECK_INT(proto("LANG=ko_KR.UTF-8", "--lang en Sources"), 0);
    CHECK_STR(out, "lang=en\nSources\n");
    CHECK_INT(proto("LANG=ko_KR.UTF-8", "--lang klingon Sources"), 0);
    CHECK_STR(out, "lang=en\nSources\n");
    CHECK(strstr(err, "unknown language \"klingon\": using English") != NULL);
    CHECK_INT(proto("", "--lang zh-CN --context severity error"), 0);
    CHECK_STR(out, "lang=zh\n错误\n");
    CHECK_INT(proto("", "--lang ko \"a message no catalogue holds\""), 0);
    CHECK_STR(out, "lang=ko\na message no catalogue holds\n");
}

/* The embedded reader and glibc's gettext give the same text for every catalogue entry. */
TEST(i18n_embedded_matches_glibc)
{
    const char *langs[] = {"zh", "ko"};
    static char embedded[1 << 16];
    for (size_t l = 0; l < 2; l++) {
        char args[64];
        snprintf(args, sizeof args, "--lang %s --list", langs[l]);
        CHECK_INT(proto("", args), 0);
        memcpy(embedded, out, sizeof embedded);
        snprintf(args, sizeof args, "--lang %s --mechanism glibc --list", langs[l]);
        CHECK_INT(proto("", args), 0);
        CHECK_MSG(strcmp(embedded, out) == 0, "%s differs:\n%s\nvs\n%s", langs[l], embedded, out);
        CHECK(strlen(out) > 200);
    }
}

static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

/* A .mo file that is short, foreign, points outside itself or lacks the plural rule is
 * refused with a reason; a good one is accepted. */
TEST(i18n_bad_catalogue_refused)
{
    CHECK_INT(bont_test_run("build/i18n-tool --check-mo build/po/ko.mo", out, sizeof out, err,
                            sizeof err),
              0);
    static unsigned char mo[1 << 16];
    FILE *f = fopen("build/po/ko.mo", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    size_t n = fread(mo, 1, sizeof mo, f);
    fclose(f);
    CHECK(n > 28);
    CHECK_INT(write_file("/tmp/bont-i18n-short.mo", mo, 20), 0);
    CHECK_INT(write_file("/tmp/bont-i18n-magic.mo", "not a catalogue at all, not one", 31), 0);
    mo[16] = 0x40; /* the translations table now starts past the end of the file */
    mo[17] = 0x42;
    mo[18] = 0x0f;
    CHECK_INT(write_file("/tmp/bont-i18n-far.mo", mo, n), 0);
    const char *po = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n";
    CHECK_INT(write_file("/tmp/bont-i18n-noplural.po", po, strlen(po)), 0);
    CHECK_INT(bont_test_run("msgfmt -o /tmp/bont-i18n-noplural.mo /tmp/bont-i18n-noplural.po", out,
                            sizeof out, err, sizeof err),
              0);
    const struct {
        const char *file, *why;
    } bad[] = {{"short", "shorter than the 28-byte header"},
               {"magic", "wrong magic number"},
               {"far", "outside the file"},
               {"noplural", "plural rule"},
               {"missing", "No such file"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "build/i18n-tool --check-mo /tmp/bont-i18n-%s.mo", bad[i].file);
        CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
        CHECK_MSG(strstr(err, bad[i].why) != NULL, "%s: %s", bad[i].file, err);
    }
}

#define GLOSSARY_ARGS                                                                              \
    "data/glossary.json --mo zh build/po/zh_CN.mo --mo ko build/po/ko.mo "                         \
    "data/handout-text.json data/aftercare.json data/pathways.json"

/* Every catalogue entry and every three-language text in data/ uses the glossary's words. */
TEST(i18n_glossary_terms_consistent)
{
    int rc = bont_test_run("build/glossary-check " GLOSSARY_ARGS, out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0, "glossary-check exit %d:\n%s%s", rc, out, err);
    CHECK(strstr(out, " 0 inconsistent") != NULL);
}

/* The check catches the mistranslation on record and a missing term. */
TEST(i18n_glossary_catches_mistranslation)
{
    const char *bad = "/tmp/bont-i18n-glossary-bad.json";
    FILE *f = fopen(bad, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"t\": [{\"en\": \"Botulinum toxin for cervical dystonia\", \"zh\": "
          "\"肉毒毒素治疗颈部肌张力障碍\", \"ko\": \"자궁 경부 근긴장이상에 보툴리눔 독소\"},"
          "{\"en\": \"trouble swallowing\", \"zh\": \"说话困难\", \"ko\": \"삼키기 어려움\"},"
          "{\"en\": \"day {peak}\", \"zh\": \"第 {peak} 天\", \"ko\": \"{top}일째\"},"
          "{\"en\": \"brow ptosis\", \"zh\": \"眉下垂\", \"ko\": \"눈썹 처짐\"},"
          "{\"en\": \"a score on facial_wrinkle_scale\", \"zh\": \"量表评分\", \"ko\": \"척도 "
          "점수\"}]}",
          f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "build/glossary-check data/glossary.json %s", bad);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 1);
    CHECK_MSG(strstr(out, "refused for cervical_dystonia") != NULL, "%s", out);
    CHECK_MSG(strstr(out, "names dysphagia in English but its zh text") != NULL, "%s", out);
    CHECK_MSG(strstr(out, "ko text has other {placeholders}") != NULL, "%s", out);
    CHECK_MSG(strstr(out, "zh text has other {placeholders}") == NULL, "%s", out);
    /* The longest term wins ("brow ptosis" is no eyelid ptosis), and an identifier inside a
     * sentence is a name, not words. */
    CHECK_MSG(strstr(out, "眉下垂") == NULL, "%s", out);
    CHECK_MSG(strstr(out, "量表") == NULL, "%s", out);
    remove(bad);
}
