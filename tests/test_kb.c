/* test_kb.c: knowledge-base loading, look-ups in three languages, data integrity, the data-file
 * reader and the index. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bont/kb.h"
#include "kb/datafile.h"
#include "test.h"
#include "util/file.h"
#include "util/index.h"
#include "util/text.h"

TEST(kb_loads_embedded_and_counts)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    CHECK_INT(bont_kb_n_products(kb), 8);
    CHECK(bont_kb_n_muscles(kb) >= 60);
    CHECK_INT(bont_kb_n_indications(kb), 27); /* 20 in indications.json, 7 off-label */
    CHECK(bont_kb_n_rules(kb) >= 100);
    CHECK(bont_kb_n_contras(kb) >= 10);
    bont_kb_free(&kb);
    CHECK(kb == NULL);
}

TEST(kb_aliases_in_three_languages)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    const char *ona[] = {"Botox", "botox cosmetic", "保妥适", "보톡스", "onabotulinumtoxinA"};
    for (size_t i = 0; i < 5; i++)
        CHECK_STR(bont_kb_product(kb, ona[i]) ? bont_kb_product(kb, ona[i])->id : NULL,
                  "onabotulinumtoxinA");
    CHECK_STR(bont_kb_product(kb, "Nabota")->id, "prabotulinumtoxinA");
    CHECK_STR(bont_kb_product(kb, "衡力")->id, "lanbotulinumtoxinA");
    CHECK_STR(bont_kb_product(kb, "NeuroBloc")->id, "rimabotulinumtoxinB");
    CHECK(bont_kb_product(kb, "Botax") == NULL);
    /* Korean native and Sino-Korean anatomy terms name the same muscle. */
    CHECK_STR(bont_kb_muscle(kb, "깨물근")->id, "masseter");
    CHECK_STR(bont_kb_muscle(kb, "교근")->id, "masseter");
    CHECK_STR(bont_kb_muscle(kb, "咬肌")->id, "masseter");
    CHECK_STR(bont_kb_muscle(kb, "SCM")->id, "sternocleidomastoid");
    CHECK_STR(bont_kb_muscle(kb, "Corrugator-Supercilii")->id, "corrugator_supercilii");
    CHECK_STR(bont_kb_indication(kb, "眉间纹")->id, "glabellar_lines");
    CHECK_STR(bont_kb_indication(kb, "사각턱")->id, "masseter_hypertrophy");
    CHECK_STR(bont_kb_term(kb, "중증근무력증")->id, "myasthenia_gravis");
    CHECK_STR(bont_kb_term(kb, "庆大霉素")->group, "aminoglycoside");
    bont_kb_free(&kb);
}

TEST(kb_suggests_close_names)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    const char *out[4];
    size_t n = bont_kb_suggest(kb, "muscle", "corugator", out, 4);
    CHECK(n >= 1);
    CHECK_STR(n ? out[0] : NULL, "corrugator_supercilii");
    n = bont_kb_suggest(kb, "product", "dysprot", out, 4);
    CHECK_STR(n ? out[0] : NULL, "abobotulinumtoxinA");
    n = bont_kb_suggest(kb, "indication", "zzzzzzzzzzzzzz", out, 4);
    CHECK_INT(n, 0);
    bont_kb_free(&kb);
}

/* Every number in data/ names a source: rules, vials, ratios, volumes. */
TEST(kb_every_number_has_a_source)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    for (size_t i = 0; i < bont_kb_n_rules(kb); i++) {
        const bont_rule_t *r = bont_kb_rule_at(kb, i);
        CHECK_MSG(r->source && *r->source, "rule %s has no source", r->id);
        CHECK_MSG(r->note && strlen(r->note) > 10, "rule %s has no words", r->id);
    }
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        CHECK_MSG(p->ratio_source && *p->ratio_source, "%s ratio has no source", p->id);
        for (size_t k = 0; k < p->n_vials; k++)
            CHECK_MSG(p->vials[k].source && *p->vials[k].source, "%s vial has no source", p->id);
    }
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        if (m->volume_ml >= 0)
            CHECK_MSG(m->volume_source && *m->volume_source, "%s volume has no source", m->id);
        for (size_t k = 0; k < m->n_neighbours; k++) {
            const bont_muscle_t *nb = bont_kb_muscle(kb, m->neighbours[k].id);
            CHECK_MSG(nb != NULL, "%s: neighbour %s missing", m->id, m->neighbours[k].id);
            /* The neighbour relation is symmetric, with the same distance both ways. */
            int back = 0;
            for (size_t j = 0; nb && j < nb->n_neighbours; j++)
                if (!strcmp(nb->neighbours[j].id, m->id))
                    back = nb->neighbours[j].distance_mm == m->neighbours[k].distance_mm;
            CHECK_MSG(back, "%s -> %s is not symmetric", m->id, m->neighbours[k].id);
        }
    }
    bont_kb_free(&kb);
}

/* A broken data file is refused with the file and the field named. */
TEST(kb_refuses_broken_data_with_location)
{
    char dir[] = "/tmp/bont-kb-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cp data/*.json %s/ && sed -i 's/\"serotype\": \"B\"/\"serotype\": "
             "\"Q\"/' %s/products.json",
             dir, dir);
    CHECK_INT(system(cmd), 0);
    bont_kb_t *kb = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    int rc = bont_kb_load_dir(&kb, dir, &err);
    CHECK_INT(rc, BONT_EKB);
    CHECK(kb == NULL);
    char msg[1400];
    bont_error_format(&err, msg, sizeof msg);
    CHECK_MSG(strstr(msg, "products.json") && strstr(msg, "serotype"), "message: %s", msg);
    snprintf(cmd, sizeof cmd,
             "cp data/*.json %s/ && sed -i 's/\"source\": \"S2 S15\"/\"source\": "
             "\"S2 NOPE\"/' %s/rules.json",
             dir, dir);
    CHECK_INT(system(cmd), 0);
    bont_error_clear(&err);
    CHECK_INT(bont_kb_load_dir(&kb, dir, &err), BONT_EKB);
    bont_error_format(&err, msg, sizeof msg);
    CHECK_MSG(strstr(msg, "NOPE") != NULL, "message: %s", msg);
    /* One name for two muscles (found by fuzz_data: the error path freed names twice). */
    snprintf(cmd, sizeof cmd,
             "cp data/*.json %s/ && sed -i 's/\"corrugator\",/\"procerus\",/' %s/muscles.json", dir,
             dir);
    CHECK_INT(system(cmd), 0);
    bont_error_clear(&err);
    CHECK_INT(bont_kb_load_dir(&kb, dir, &err), BONT_EKB);
    CHECK(kb == NULL);
    bont_error_format(&err, msg, sizeof msg);
    CHECK_MSG(strstr(msg, "muscles.json") && strstr(msg, "\"procerus\" names two entries"),
              "message: %s", msg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

/* Each broken label fact is refused at load, naming the file, the entry and what is wrong. */
TEST(kb_refuses_broken_label_data)
{
    static const struct {
        const char *file, *from, *to, *want;
    } cases[] = {
        {"rules.json", "\"cn\"\n", "\"xx\"\n", "jurisdiction \"xx\" is not in jurisdictions.json"},
        {"contraindications.json", "\"jurisdictions\": [\"cn\"]", "\"jurisdictions\": []",
         "jurisdictions whose label"},
        {"rules.json", "\"over\": \"contraindicated\"", "\"over\": \"sleepy\"",
         "expected contraindicated"},
        {"rules.json", "\"kg_max\": 15,", "\"kg_max\": 11,", "kg_max > kg_min"},
        {"products.json", "{\"term\": \"gelatin\"", "{\"term\": \"gelatine_x\"",
         "excipient \"gelatine_x\" is no allergy term"},
        {"products.json", "\"jurisdiction\": \"cn\", \"name\"",
         "\"jurisdiction\": \"mars\", \"name\"", "jurisdiction \"mars\""},
        {"adverse-reactions.json", "\"effect\": \"headache\"", "\"effect\": \"nope\"",
         "effect \"nope\" is no effect id"},
        {"adverse-reactions.json", "\"rate_pct\": 19,", "\"rate_pct\": 190,",
         "rate_pct must be a percentage"},
        {"guidance.json", "\"other\": \"warning\"", "\"other\": \"loud\"",
         "error, warning, note or none"},
        {"contraindications.json", "\"differs_from\": \"warn.pregnancy\"",
         "\"differs_from\": \"warn.nope\"", "differs_from \"warn.nope\" names no entry"},
        {"jurisdictions.json", "\"near\": [\"uk\"]", "\"near\": [\"zz\"]", "jurisdiction \"zz\""},
        {"indications-offlabel.json", "\"source\": \"SJ2018\"", "\"source\": \"NOPE1\"", "NOPE1"},
    };
    char dir[] = "/tmp/bont-kb-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmd[1024], path[512];
        snprintf(cmd, sizeof cmd, "cp data/*.json %s/", dir);
        CHECK_INT(system(cmd), 0);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].file);
        char *text = NULL;
        size_t len = 0;
        CHECK(bont__read_file(path, 1 << 22, &text, &len, NULL) == 0);
        char *at = text ? strstr(text, cases[i].from) : NULL;
        CHECK_MSG(at != NULL, "case %zu: \"%s\" not in %s", i, cases[i].from, cases[i].file);
        FILE *f = at ? fopen(path, "w") : NULL;
        if (f) {
            fwrite(text, 1, (size_t)(at - text), f);
            fputs(cases[i].to, f);
            fputs(at + strlen(cases[i].from), f);
            fclose(f);
        }
        free(text);
        bont_kb_t *kb = NULL;
        bont_error_t err;
        bont_error_clear(&err);
        CHECK_INT(bont_kb_load_dir(&kb, dir, &err), BONT_EKB);
        CHECK(kb == NULL);
        char msg[1400];
        bont_error_format(&err, msg, sizeof msg);
        char file[64]; /* indications*.json share one array: the message names the pattern */
        snprintf(file, sizeof file, "%.11s", cases[i].file);
        CHECK_MSG(strstr(msg, cases[i].want) && strstr(msg, file), "case %zu: message: %s", i, msg);
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

TEST(util_name_normalize_and_width)
{
    char *n = bont__name_normalize("  Corrugator -- Supercilii ");
    CHECK_STR(n, "corrugator_supercilii");
    free(n);
    n = bont__name_normalize("Botox\xe3\x80\x80"
                             "Cosmetic"); /* full-width space */
    CHECK_STR(n, "botox_cosmetic");
    free(n);
    CHECK_INT(bont__utf8_width("procerus"), 8);
    CHECK_INT(bont__utf8_width("降眉间肌"), 8);
    CHECK_INT(bont__utf8_width("눈살근"), 6);
    CHECK_INT(bont__edit_distance("kitten", "sitting", 10), 3);
    CHECK_INT(bont__edit_distance("abc", "abc", 10), 0);
}

/* The history checks' facts live in data/history-rules.json, each with its source. */
TEST(kb_history_rules_from_data)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    const bont_history_rule_t *op = bont_kb_history_rule(kb, "history.other_product");
    CHECK(op != NULL);
    if (op) {
        CHECK_REL(op->window_days, 84.0, 0);
        CHECK_STR(op->source, "S1 D1 X1");
    }
    const bont_history_rule_t *oi = bont_kb_history_rule(kb, "history.interval_other_indication");
    CHECK(oi != NULL);
    if (oi) {
        CHECK_STR(oi->evidence, "paper");
        CHECK(oi->window_days < 0);
        CHECK(oi->note && strlen(oi->note) > 20);
    }
    CHECK(bont_kb_history_rule(kb, "history.nope") == NULL);
    /* Every neighbour is resolved to its atlas entry when the kb loads. */
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        for (size_t k = 0; k < m->n_neighbours; k++)
            CHECK_MSG(m->neighbours[k].muscle == bont_kb_muscle(kb, m->neighbours[k].id),
                      "%s -> %s", m->id, m->neighbours[k].id);
    }
    bont_kb_free(&kb);
}

/* The one data-file reader: where a file is broken, and why one cannot be read. */
TEST(data_reader_names_file_line_and_reason)
{
    json_t *root = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    const char *dup = "{\n  \"a\": 1,\n  \"a\": 2\n}";
    CHECK_INT(bont__data_parse(dup, strlen(dup), "data/x.json", &root, &err), BONT_EPARSE);
    CHECK(root == NULL);
    CHECK_STR(err.file, "data/x.json");
    CHECK_INT(err.line, 3);
    CHECK_MSG(strstr(err.message, "duplicate") != NULL, "%s", err.message);
    bont_error_clear(&err);
    CHECK_INT(bont__data_parse("[1]", 3, "data/y.json", &root, &err), BONT_EPARSE);
    CHECK_MSG(strstr(err.message, "object") != NULL, "%s", err.message);
    bont_error_clear(&err);
    CHECK_INT(bont__data_file("/nonexistent/z.json", &root, &err), BONT_EIO);
    CHECK_MSG(strstr(err.message, "no such file") != NULL, "%s", err.message);
    bont_error_clear(&err);
    CHECK_INT(bont__data_embedded("nope.json", &root, &err), BONT_ENOTFOUND);
    CHECK_STR(err.file, "data/nope.json");
    CHECK_INT(bont__data_embedded("muscles.json", &root, &err), 0);
    CHECK(json_is_array(json_object_get(root, "muscles")));
    json_decref(root);
    /* A successful read leaves err alone. */
    bont_error_clear(&err);
    CHECK_INT(bont__data_load("data", "rules.json", &root, &err), 0);
    CHECK_STR(err.file, "");
    json_decref(root);
}

TEST(util_index_groups_pointers_and_tags)
{
    static int things[5000];
    bont__index_t ix = {0};
    for (size_t i = 0; i < 5000; i++)
        for (int tag = 0; tag < 3; tag++) {
            size_t v = i * 3 + (size_t)tag;
            CHECK_INT(bont__index_put(&ix, &things[i], tag, &v), 1);
        }
    CHECK_INT(ix.n, 15000);
    for (size_t i = 0; i < 5000; i += 7)
        for (int tag = 0; tag < 3; tag++) {
            CHECK_INT(bont__index_get(&ix, &things[i], tag), i * 3 + (size_t)tag);
            size_t v = 99;
            CHECK_INT(bont__index_put(&ix, &things[i], tag, &v), 0); /* present: kept */
            CHECK_INT(v, i * 3 + (size_t)tag);
        }
    CHECK(bont__index_get(&ix, &things[0], 3) == BONT__INDEX_NONE);
    CHECK(bont__index_get(&ix, NULL, 0) == BONT__INDEX_NONE);
    bont__index_free(&ix);
    CHECK(bont__index_get(&ix, &things[0], 0) == BONT__INDEX_NONE);
}
