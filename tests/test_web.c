/* test_web.c: the browser walk (Playwright on Debian's Chromium, web/tests) and the OpenAPI
 * contract's lint (docs/openapi.yaml, @redocly/cli), both from npm packages in web/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

TEST_TIMEOUT(web_browser_walk, 300)
{
    char cmd[512], out[16384], err[4096];
    snprintf(cmd, sizeof cmd, "bash tests/web/run.sh %s",
             getenv("BONT_REL") ? getenv("BONT_REL") : "build/bont");
    int rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0, "browser walk failed (%d):\n%s\n%s", rc, out, err);
    CHECK(strstr(out, "1 passed"));
}

TEST_TIMEOUT(web_openapi_lints_clean, 180)
{
    char out[16384], err[8192];
    int rc = bont_test_run("cd web && REDOCLY_TELEMETRY=off npx --no-install redocly lint "
                           "--config redocly.yaml ../docs/openapi.yaml",
                           out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0, "redocly lint failed (%d):\n%s\n%s", rc, out, err);
    CHECK_MSG(strstr(err, "Your API description is valid") || strstr(out, "is valid"), "%s%s", out,
              err);
    CHECK_MSG(!strstr(err, "You have ") && !strstr(out, "You have "), "lint warnings:\n%s%s", out,
              err);
}
