/* test_kb.c: knowledge-base loading, look-ups in three languages, and data integrity. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bont/kb.h"
#include "test.h"
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
    CHECK_INT(bont_kb_n_indications(kb), 20);
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
