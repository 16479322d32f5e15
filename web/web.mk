# web.mk: the web app's part of the build: vendored npm files, embedded web assets, the HTTP
# fuzz target and `make serve` (included by the Makefile).

WEB_SRC    := $(sort $(wildcard web/templates/*.html web/charts/*.svg web/static/*.css \
                web/static/*.js web/static/*.svg))
# The npm packages' dist files the pages load, from web/package-lock.json.
WEB_VENDOR := web/node_modules/htmx.org/dist/htmx.min.js \
              web/node_modules/uplot/dist/uPlot.iife.min.js \
              web/node_modules/uplot/dist/uPlot.min.css
WEB_VENDOR_OUT := $(addprefix $(BUILD)/web/static/vendor/,$(notdir $(WEB_VENDOR))) \
                  $(BUILD)/web/static/vendor/uPlot.LICENSE.txt

.PHONY: serve fuzz-http-run bench-web

# One npm ci for all of them (the stamp keeps parallel make from running it twice).
$(BUILD)/web/npm.stamp: web/package.json web/package-lock.json
	@mkdir -p $(@D)
	@echo "  NPM   web (npm ci)"
	@cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# uPlot's MIT licence travels with the copy of it in the binary.
$(BUILD)/web/static/vendor/uPlot.LICENSE.txt: $(BUILD)/web/npm.stamp
	@mkdir -p $(@D)
	@cp web/node_modules/uplot/LICENSE $@

$(BUILD)/web/static/vendor/%: $(BUILD)/web/npm.stamp
	@mkdir -p $(@D)
	@cp $(filter %/$*,$(WEB_VENDOR)) $@

$(GEN_WEB): $(EMBED) $(WEB_SRC) $(WEB_VENDOR_OUT)
	@mkdir -p $(@D)
	@echo "  EMBED web/"
	@$(EMBED) --symbol bont__web_assets --type bont__asset_t --include server/internal.h \
	    --strip web/ --strip $(BUILD)/web/ $@ $(WEB_SRC) $(WEB_VENDOR_OUT)

$(BUILD)/rel/gen/web_assets.o: $(GEN_WEB) src/server/internal.h
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -c -o $@ $<

$(BUILD)/tst/gen/web_assets.o: $(GEN_WEB) src/server/internal.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(FUZZ_HTTP): tests/fuzz/fuzz_http.c $(LIB_SRC) $(GEN) $(GEN_WEB) $(HDRS)
	@mkdir -p $(@D)
	@echo "  FUZZ  $@"
	@$(CLANG) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined -o $@ \
	    tests/fuzz/fuzz_http.c $(LIB_SRC) $(GEN) $(GEN_WEB) $(LIBS)

fuzz-http-run: $(FUZZ_HTTP)
	@mkdir -p $(BUILD)/fuzz-corpus-http
	@$(FUZZ_HTTP) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=0 \
	    $(BUILD)/fuzz-corpus-http tests/fuzz/corpus-http 2>$(BUILD)/fuzz-http.log \
	  && echo "fuzz: HTTP parsing and routing ran $(FUZZ_SECONDS) s clean" \
	  || { tail -40 $(BUILD)/fuzz-http.log; echo "fuzz: HTTP parsing and routing FAILED"; exit 1; }

serve: build
	@bash scripts/serve.sh $(BONT)

# Load on the server with wrk (bench/web/run.sh): figures for docs/performance.md.
BENCH_WEB_SECONDS ?= 20
BENCH_WEB_SOAK    ?= 60
bench-web: build
	@bash scripts/deps.sh bench
	@bash bench/web/run.sh $(BONT) $(BENCH_WEB_SECONDS) $(BENCH_WEB_SOAK)
