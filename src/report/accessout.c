/* accessout.c: the users of the web app and the append-only audit log, as text and JSON. */
#include <stdlib.h>

#include "bont/report.h"
#include "report/internal.h"
#include "util/table.h"

int bont_report_users_text(FILE *f, const bont_user_t *users, size_t n)
{
    if (n == 0) {
        fputs(BONT_TR("no users yet: bont user add NAME --role admin\n"), f);
        return bont__stream_rc(f, 0);
    }
    bont__table_t *t = bont__table_new(4, "llll");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("user\trole\tstatus\tcreated (UTC)"));
    for (size_t i = 0; i < n; i++)
        bont__table_rowf(t, "%s\t%s\t%s\t%s", bont__tx(&sc, users[i].name),
                         bont_role_name(users[i].role),
                         users[i].disabled ? BONT_TR("disabled") : BONT_TR("active"),
                         bont__tx(&sc, users[i].created_at));
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_users_json(const bont_user_t *users, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr,
                      json_pack("{s:o, s:s, s:b, s:o}", "name", bont__jstr(users[i].name), "role",
                                bont_role_name(users[i].role), "disabled", users[i].disabled,
                                "created_at", bont__jstr(users[i].created_at)),
                      &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

int bont_report_audit_text(FILE *f, const bont_audit_t *e, size_t n, bool one_patient)
{
    if (n == 0) {
        fputs(one_patient ? BONT_TR("the audit log is empty for this patient\n")
                          : BONT_TR("the audit log is empty\n"),
              f);
        return bont__stream_rc(f, 0);
    }
    bont__table_t *t = bont__table_new(8, "rlllllrl");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("id\twhen (UTC)\tuser\tfrom\twhat\trequest\tpatient\tdetail"));
    for (size_t i = 0; i < n; i++) {
        char pid[24] = "", status[24] = "";
        if (e[i].patient_id > 0)
            snprintf(pid, sizeof pid, "%lld", e[i].patient_id);
        if (e[i].status)
            snprintf(status, sizeof status, " -> %d", e[i].status);
        bont__table_rowf(t, "%lld\t%s\t%s\t%s\t%s\t%s %s%s\t%s\t%s", e[i].id,
                         bont__tx(&sc, e[i].at), e[i].user[0] ? bont__tx(&sc, e[i].user) : "-",
                         bont__tx(&sc, e[i].remote), bont__tx(&sc, e[i].kind),
                         bont__tx(&sc, e[i].method), bont__tx(&sc, e[i].path), status, pid,
                         bont__tx(&sc, e[i].detail));
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_audit_json(const bont_audit_t *e, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr,
                      json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o}", "id",
                                (json_int_t)e[i].id, "at", bont__jstr(e[i].at), "user",
                                bont__jstr(e[i].user), "remote", bont__jstr(e[i].remote), "kind",
                                bont__jstr(e[i].kind), "method", bont__jstr(e[i].method), "path",
                                bont__jstr(e[i].path), "status", e[i].status, "patient",
                                e[i].patient_id > 0 ? json_integer(e[i].patient_id) : json_null(),
                                "detail", bont__jstr(e[i].detail)),
                      &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}
