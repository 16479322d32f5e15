/* api_plan.c: the plan's JSON routes: POST /api/v1/check (`bont check --format json`) and
 * POST /api/v1/simulate (`bont simulate --format json`), on the same library calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/report.h"
#include "server/internal.h"

enum { SIM_MAX_DAYS = 730, SIM_MAX_PATIENTS = 2000, SIM_DEFAULT_PATIENTS = 200 };

/* What a plan from a request is called in messages and in the answer's plan.file (the command
 * line names the file, or "<stdin>"). */
#define PLAN_NAME "<request>"

int bont__h_check(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_check_t *chk = NULL;
    bont_risk_list_t risks;
    memset(&risks, 0, sizeof risks);
    int rc = bont_plan_parse(c->srv->kb, c->req->body, c->req->body_len, PLAN_NAME, &plan, &err);
    if (rc == 0)
        rc = bont_check_run(c->srv->kb, plan, NULL, &chk, &err);
    if (rc == 0)
        rc = bont__risk_check_cached(c->srv, plan, &risks, &err);
    if (rc != 0) {
        bont__resp_plan_error(c->resp, rc, &err);
    } else {
        bont_check_report_t report = {.kb = c->srv->kb,
                                      .plan = plan,
                                      .check = chk,
                                      .risks = risks.risks,
                                      .n_risks = risks.n,
                                      .n_risk_patients = risks.n_patients,
                                      .risks_not_computed = risks.why_none};
        /* A plan that breaks a rule is an answer, not a failed request: 200 with the verdict. */
        bont__resp_report(c->resp, 200, bont_report_check_json(&report));
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%s, %zu finding(s)",
                 chk->n_errors ? "violations" : "ok", chk->n_findings);
    }
    bont_risk_list_clear(&risks);
    bont_check_free(&chk);
    bont_plan_free(&plan);
    return 0;
}

/* Runs the population (patients > 0) or the typical patient and writes its JSON into f. */
static int simulate(bont__ctx_t *c, const bont_plan_t *plan, long days, long patients, long seed,
                    FILE *f, bont_error_t *err)
{
    int rc;
    if (patients > 0) {
        bont_pop_t *pop = NULL;
        bont_pop_opts_t opts = {.n_patients = (size_t)patients,
                                .seed = (uint64_t)seed,
                                .threads = 1,
                                .days = (int)days,
                                .params = &c->srv->params,
                                .spread = c->srv->spread};
        if ((rc = bont_pop_run(c->srv->kb, plan, &opts, &pop, err)) == 0)
            rc = bont_report_pop_json_write(f, pop);
        bont_pop_free(&pop);
        return rc;
    }
    bont_sim_t *sim = NULL;
    if ((rc = bont_sim_new(&sim, bont_model_bont, &c->srv->params, err)) == 0 &&
        (rc = bont_sim_add_plan(sim, plan, false, err)) == 0 &&
        (rc = bont_sim_run(sim, (int)days, 10, err)) == 0)
        rc = bont_report_sim_json_write(f, sim);
    bont_sim_free(&sim);
    return rc;
}

int bont__h_simulate(bont__ctx_t *c)
{
    long days = 0, patients = 0, seed = 0;
    if (!bont__query_int(c, "days", 1, SIM_MAX_DAYS, 180, &days) ||
        !bont__query_int(c, "patients", 0, SIM_MAX_PATIENTS, SIM_DEFAULT_PATIENTS, &patients) ||
        !bont__query_int(c, "seed", 0, 2147483647L, 1, &seed)) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "days must be 1-%d, patients 0-%d and seed a number >= 0 (query string)",
                 SIM_MAX_DAYS, SIM_MAX_PATIENTS);
        bont__resp_error(c->resp, 400, "bad_request", msg);
        return 0;
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = bont_plan_parse(c->srv->kb, c->req->body, c->req->body_len, PLAN_NAME, &plan, &err);
    if (rc == 0) {
        FILE *f = open_memstream(&text, &len);
        rc = f ? simulate(c, plan, days, patients, seed, f, &err) : BONT_ENOMEM;
        if (f && fclose(f) != 0 && rc == 0)
            rc = BONT_ENOMEM;
    }
    if (rc == 0)
        bont__resp_text(c->resp, 200, "application/json", text);
    else
        bont__resp_plan_error(c->resp, rc, &err);
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail,
             "%ld days, %ld virtual patients, seed %ld", days, patients, seed);
    free(text);
    bont_plan_free(&plan);
    return 0;
}
