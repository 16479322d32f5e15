# bont: build, run and test. `make run` and `make test` install missing Debian packages first.
.SUFFIXES:

CC      ?= cc
CLANG   ?= clang
BUILD   ?= build
JOBS    ?= 2
FUZZ_SECONDS ?= 20
FUZZ_DATA_SECONDS ?= 10

WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
          -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
BASEFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc $(WARN) \
          $(shell pkg-config --cflags jansson sqlite3 libmicrohttpd libsodium libpq 2>/dev/null)
LIBS    = $(shell pkg-config --libs jansson sqlite3 libmicrohttpd libsodium libpq 2>/dev/null || \
            echo -ljansson -lsqlite3 -lmicrohttpd -lsodium -lpq) -lpthread -lm

REL_CFLAGS  = $(BASEFLAGS) -O2 -g
TEST_CFLAGS = $(BASEFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -DBONT_TEST_BUILD
TEST_LDFLAGS = -fsanitize=address,undefined
# The test runner counts every allocation, to fail the n-th on purpose (tests/main.c).
WRAP_ALLOC   = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup

LIB_SRC  := $(sort $(wildcard src/util/*.c src/kb/*.c src/plan/*.c src/model/*.c src/store/*.c src/report/*.c src/server/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
DATA     := $(sort $(wildcard data/*.json))
HDRS     := $(wildcard include/bont/*.h src/*/*.h tests/*.h)

GEN      = $(BUILD)/gen/kb_data.c
GEN_WEB  = $(BUILD)/gen/web_assets.c
EMBED    = $(BUILD)/tools/embed

REL_OBJ  = $(patsubst %.c,$(BUILD)/rel/%.o,$(LIB_SRC)) $(BUILD)/rel/gen/kb_data.o $(BUILD)/rel/gen/web_assets.o
TST_OBJ  = $(patsubst %.c,$(BUILD)/tst/%.o,$(LIB_SRC)) $(BUILD)/tst/gen/kb_data.o $(BUILD)/tst/gen/web_assets.o

BONT      = $(BUILD)/bont
BONT_TEST = $(BUILD)/bont-asan
TESTS     = $(BUILD)/run-tests
FUZZERS   = $(BUILD)/fuzz-plan $(BUILD)/fuzz-data
FUZZ_HTTP = $(BUILD)/fuzz-http

.PHONY: all deps build run test check-format format fuzz clean bench

all: $(BONT)

deps:
	@bash scripts/deps.sh

build: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BONT)

run: build
	@bash scripts/run.sh $(BONT)

test:
	@bash scripts/deps.sh test
	@$(MAKE) --no-print-directory -j$(JOBS) $(BONT) $(BONT_TEST) $(TESTS) $(FUZZERS) $(FUZZ_HTTP) \
	    $(BUILD)/libbont.a
	@bash scripts/check-format.sh
	@bash scripts/checksrc.sh $(BUILD)/libbont.a
	@mkdir -p $(BUILD)/fuzz-corpus
	@$(BUILD)/fuzz-plan -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=0 \
	    $(BUILD)/fuzz-corpus tests/fuzz/corpus-plan examples tests/check 2>$(BUILD)/fuzz-plan.log \
	  && echo "fuzz: plan parser ran $(FUZZ_SECONDS) s clean" \
	  || { tail -40 $(BUILD)/fuzz-plan.log; echo "fuzz: plan parser FAILED"; exit 1; }
	@mkdir -p $(BUILD)/fuzz-corpus-data
	@$(BUILD)/fuzz-data -max_total_time=$(FUZZ_DATA_SECONDS) -rss_limit_mb=2048 -print_final_stats=0 \
	    $(BUILD)/fuzz-corpus-data data 2>$(BUILD)/fuzz-data.log \
	  && echo "fuzz: data-file readers ran $(FUZZ_DATA_SECONDS) s clean" \
	  || { tail -40 $(BUILD)/fuzz-data.log; echo "fuzz: data-file readers FAILED"; exit 1; }
	@$(MAKE) --no-print-directory fuzz-http-run
	@BONT=$(BONT_TEST) BONT_REL=$(BONT) bash scripts/pgtest.sh $(TESTS)

fuzz:
	@bash scripts/deps.sh test
	@$(MAKE) --no-print-directory $(FUZZERS)
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz-plan -max_total_time=600 $(BUILD)/fuzz-corpus tests/fuzz/corpus-plan examples tests/check
	@mkdir -p $(BUILD)/fuzz-corpus-data
	$(BUILD)/fuzz-data -max_total_time=300 $(BUILD)/fuzz-corpus-data data

check-format:
	@bash scripts/check-format.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(wildcard include/bont/*.h src/*/*.h tests/*.h tests/fuzz/*.c tools/*.c bench/*.c)

bench: build
	@$(MAKE) --no-print-directory $(BUILD)/libbont.a
	@bash bench/run.sh
	@BUILD=$(BUILD) bash bench/run_scale.sh $(BONT)
	@BUILD=$(BUILD) bash bench/run_population.sh $(BONT)
	@BUILD=$(BUILD) bash bench/run_store.sh

$(EMBED): tools/embed.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(GEN): $(EMBED) $(DATA)
	@mkdir -p $(@D)
	@echo "  EMBED data/*.json"
	@$(EMBED) $@ $(DATA)

$(BUILD)/rel/gen/kb_data.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -c -o $@ $<

$(BUILD)/tst/gen/kb_data.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/rel/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC    $<  (rel)"
	@$(CC) $(REL_CFLAGS) -c -o $@ $<

$(BUILD)/tst/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC    $<  (tst)"
	@$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/libbont.a: $(REL_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/libbont-asan.a: $(TST_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BONT): $(patsubst %.c,$(BUILD)/rel/%.o,$(CLI_SRC)) $(BUILD)/libbont.a
	@echo "  LD    $@"
	@$(CC) -o $@ $^ $(LIBS)

$(BONT_TEST): $(patsubst %.c,$(BUILD)/tst/%.o,$(CLI_SRC)) $(BUILD)/libbont-asan.a
	@echo "  LD    $@"
	@$(CC) $(TEST_LDFLAGS) -o $@ $^ $(LIBS)

$(TESTS): $(patsubst %.c,$(BUILD)/tst/%.o,$(TEST_SRC)) $(BUILD)/libbont-asan.a
	@echo "  LD    $@"
	@$(CC) $(TEST_LDFLAGS) $(WRAP_ALLOC) -o $@ $^ $(LIBS)

$(BUILD)/fuzz-%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(GEN) $(GEN_WEB) $(HDRS)
	@mkdir -p $(@D)
	@echo "  FUZZ  $@"
	@$(CLANG) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined -o $@ \
	    $< $(LIB_SRC) $(GEN) $(GEN_WEB) $(LIBS)

include web/web.mk

clean:
	rm -rf $(BUILD)
