# bfplan - GNU make 4.3 or later (grouped targets).
#
#   make            build build/bfplan
#   make check      unit and golden tests, then the same again under ASan+UBSan
#   make demo       install missing Debian packages, build, compile the seed example
#   make bench      check and build beside xmllint reading their output, scaling, peak memory,
#                   and the address space every command needs at 1x, 4x and 16x (tests/memory)
#                   (BENCH_QUICK=1: a tenth of the sizes; BENCH_RUNS=N: runs per median, 3)
#   make fuzz       each libFuzzer harness of tests/fuzz for FUZZ_SECONDS (60), with clang
#   make fuzz-corpus  minimise the seeds and what make fuzz found into tests/fuzz/corpus
#   make fuzz-coverage  which lines of the compiler the fuzz inputs reach
#   make confusables  regenerate compiler/base/confusables.def from ICU (libicu-dev)
#   make install    PREFIX=/usr/local DESTDIR= (also BASHCOMPDIR=, VIMDIR=, NVIMDIR=)
#   make uninstall  the same variables: removes what make install put there
#   make clean
#
# `make check`, `make demo` and `make bench` first install any missing Debian packages
# with apt-get when run as root; otherwise they print the apt-get line.

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/bfplan
DOCDIR = $(PREFIX)/share/doc/bfplan
MANDIR = $(PREFIX)/share/man
# Where bash-completion looks (it searches XDG_DATA_DIRS, /usr/local/share by default).
# Debian's Vim reads site files from /usr/share/vim/vimfiles only, whatever the prefix
# (its 'runtimepath' has no /usr/local), so the Vim files go there; Neovim searches
# XDG_DATA_DIRS (/usr/local/share:/usr/share), so its copy follows the prefix.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
VIMDIR ?= /usr/share/vim/vimfiles
NVIMDIR ?= $(PREFIX)/share/nvim/site
VIM_FILES = syntax/bfplan.vim ftdetect/bfplan.vim ftplugin/bfplan.vim compiler/bfplan.vim autoload/bfplan.vim
DOC_FILES = $(notdir $(wildcard docs/*.md docs/*.schema.json)) graph-exch2008.svg github-workflow.yml
SCHEMA_FILES = $(patsubst docs/%,%,$(wildcard docs/schemas/*.json))

BUILD ?= build
CC ?= cc
FLEX ?= flex
BISON ?= bison
PKG_CONFIG ?= pkg-config

# Debian 12 packages the build and the tests need.  KEEP IN SYNC with README.md.
DEBIAN_PACKAGES = gcc make flex bison pkg-config libxml2-dev libcmocka-dev libjansson-dev libinih-dev python3 graphviz \
	python3-jsonschema python3-yaml vim libonig5 pre-commit bash-completion git patch \
	chromium poppler-utils neovim vim-ale nodejs libxml2-utils time strace python3-lxml libcurl4-openssl-dev

# Warnings hold for generated code too (the lexer and parser compile clean
# with all of them); -Werror keeps it that way.
WARNINGS = -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wundef -Wcast-qual -Wwrite-strings -Wvla \
	-Wold-style-definition
# Stricter still for hand-written files only: these fire inside the flex and bison
# skeletons (gcc 12 -O2 sees a "potential null pointer dereference" in yy_init_buffer).
HAND_WARNINGS = -Wswitch-enum -Wmissing-declarations -Wnull-dereference

SANITIZE_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
EXTRA_FLAGS = $(SANITIZE_FLAGS)
endif
# The libFuzzer build (make fuzz): coverage for libFuzzer on every object, sanitizers, -O1.
ifeq ($(FUZZ),1)
EXTRA_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS ?= -g -O1
endif

CFLAGS ?= -g -O2
XML_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)
XML_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null || echo -lxml2)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARNINGS) $(CFLAGS) $(EXTRA_FLAGS) \
	-I$(BUILD)/gen -I. -Icompiler -Igrammar $(XML_CFLAGS) $(CURL_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_FLAGS)
JANSSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
# libcurl (libcurl4-openssl-dev) carries the BigFix driver's HTTPS (runtime/bigfix).
CURL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
INIH_LIBS := $(shell $(PKG_CONFIG) --libs inih 2>/dev/null || echo -linih)
LIBS = $(XML_LIBS) $(JANSSON_LIBS) $(CURL_LIBS) $(INIH_LIBS)

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q =
else
Q = @
endif

GEN = $(BUILD)/gen
OBJ = $(BUILD)/obj

HAND_SOURCES = $(wildcard compiler/*/*.c) $(wildcard grammar/*.c) \
	$(wildcard runtime/*.c) $(wildcard runtime/bigfix/*.c)
GEN_SOURCES = $(GEN)/parser.c $(GEN)/lexer.c $(GEN)/explain.c
LIB_OBJECTS = $(HAND_SOURCES:%.c=$(OBJ)/%.o) $(GEN_SOURCES:$(GEN)/%.c=$(OBJ)/gen/%.o)

# The BES schema the tests validate emitted content against.  BigFix servers
# ship it; it is third-party and not part of this tree.  Tests that need it
# say plainly that they skipped when it is absent.
BFPLAN_BES_XSD ?= $(abspath ../shared/reference/BES.xsd)
export BFPLAN_BES_XSD
# The SARIF 2.1.0 schema, also third-party: --format=sarif is validated against it.
BFPLAN_SARIF_SCHEMA ?= $(abspath ../shared/reference/sarif-schema-2.1.0.json)
export BFPLAN_SARIF_SCHEMA
# BigFix's REST API answer schema: the stand-in BigFix server of tests/bigfix validates every
# answer it sends against it (with the corrections its provenance note gives, made in memory).
BFPLAN_BESAPI_XSD ?= $(abspath ../shared/reference/BESAPI.xsd)
export BFPLAN_BESAPI_XSD

UNIT_SOURCES = $(wildcard tests/unit/test_*.c)
UNIT_TESTS = $(UNIT_SOURCES:tests/unit/%.c=$(BUILD)/tests/%)

# A fuzz harness is tests/fuzz/NAME.c (tests/fuzz/README.md).  make check replays its corpus
# and crash inputs through build/tests/replay-NAME (the normal compiler, a plain main());
# make fuzz runs build/fuzz/fuzz-NAME (clang, libFuzzer).  Only make fuzz needs clang.
FUZZ_HARNESSES = $(basename $(notdir $(wildcard tests/fuzz/*.c)))
FUZZ_SUPPORT = tests/fuzz/support/fuzz.c
FUZZ_CFLAGS = -Itests/fuzz/support -DFUZZ_STDLIB_DIR='"$(CURDIR)/stdlib"'
REPLAYS = $(FUZZ_HARNESSES:%=$(BUILD)/tests/replay-%)
FUZZERS = $(FUZZ_HARNESSES:%=$(BUILD)/fuzz-%)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_BUILD = build/fuzz
FUZZ_PACKAGES = clang libclang-rt-14-dev

.PHONY: all check test unit golden demo install uninstall clean deps bench fuzz fuzzers fuzz-build fuzz-corpus \
	fuzz-coverage confusables
.DELETE_ON_ERROR:

all: $(BUILD)/bfplan

$(BUILD)/bfplan: $(OBJ)/compiler/main.o $(BUILD)/libbfplan.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libbfplan.a: $(LIB_OBJECTS)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# bison and flex: warnings are errors (flex has no -Werror, so any output fails the rule).
$(GEN)/parser.c $(GEN)/parser.h &: grammar/parser.y
	@mkdir -p $(GEN)
	@echo "  BISON   $<"
	$(Q)$(BISON) -Wall -Werror -Wcounterexamples --header=$(GEN)/parser.h -o $(GEN)/parser.c $<

$(GEN)/lexer.c $(GEN)/lexer.h &: grammar/lexer.l
	@mkdir -p $(GEN)
	@echo "  FLEX    $<"
	$(Q)cd $(GEN) && $(FLEX) -o lexer.c $(CURDIR)/$< 2> flex.log; rc=$$?; cat flex.log >&2; \
		test $$rc -eq 0 && test ! -s flex.log

$(GEN)/explain.c: docs/diagnostics.md compiler/diag/explain_gen.awk
	@mkdir -p $(GEN)
	@echo "  GEN     $@"
	$(Q)awk -f compiler/diag/explain_gen.awk docs/diagnostics.md > $@

$(OBJ)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(HAND_WARNINGS) -c -o $@ $<

# Everything that includes the generated headers waits for them.
$(OBJ)/grammar/frontend.o $(OBJ)/gen/lexer.o $(OBJ)/gen/parser.o: $(GEN)/parser.h $(GEN)/lexer.h

# ---- tests ----------------------------------------------------------------------

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libbfplan.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-missing-declarations -o $@ $< \
		$(BUILD)/libbfplan.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

# Tests that read a hand-built lowered plan (tests/unit/fixture_plan.c) link it in as well.
FIXTURE_TESTS = $(BUILD)/tests/test_emit
$(FIXTURE_TESTS): $(BUILD)/tests/%: tests/unit/%.c tests/unit/fixture_plan.c $(BUILD)/libbfplan.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Wno-missing-declarations -o $@ $< \
		tests/unit/fixture_plan.c $(BUILD)/libbfplan.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(LIBS)

# One call of the BigFix client (runtime/bigfix) from the command line: tests/bigfix drives it
# against the stand-in BigFix server.
BIGFIX_PROBE = $(BUILD)/tests/bigfix-probe
$(BIGFIX_PROBE): tests/bigfix/probe.c $(BUILD)/libbfplan.a
	@mkdir -p $(dir $@)
	@echo "  PROBE   $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libbfplan.a $(ALL_LDFLAGS) $(LIBS)

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

golden: $(BUILD)/bfplan
	sh tests/golden/run.sh $(BUILD)/bfplan

test: all unit golden $(REPLAYS) $(BIGFIX_PROBE)
	sh tests/layers.sh --self-test
	sh tests/golden/fixes.sh $(BUILD)/bfplan
	sh tests/schemas.sh $(BUILD)/bfplan
	sh tests/cli/run.sh $(BUILD)/bfplan
	sh tests/import/run.sh $(BUILD)/bfplan
	sh tests/build/run.sh $(BUILD)/bfplan
	sh tests/formats/run.sh $(BUILD)/bfplan
	sh tests/fmt/run.sh $(BUILD)/bfplan
	sh tests/simulate/run.sh $(BUILD)/bfplan
	sh tests/simulate/agree.sh $(BUILD)/bfplan
	sh tests/editors/run.sh $(BUILD)/bfplan
	sh tests/memory/run.sh $(BUILD)/bfplan
	sh tests/lsp/run.sh $(BUILD)/bfplan
	sh tests/run/run.sh $(BUILD)/bfplan
	sh tests/bigfix/run.sh $(BUILD)/bfplan $(BIGFIX_PROBE)
	sh tests/fuzz/replay.sh $(BUILD)/tests $(FUZZ_HARNESSES)
	sh tests/docs_codes.sh
	python3 tests/docs_examples.py $(BUILD)/bfplan docs/diagnostics.md docs/output.md docs/guide.md

check: deps
	$(MAKE) test
	$(MAKE) BUILD=build/san SANITIZE=1 test
	@echo "make check: all suites passed, plain and under ASan+UBSan"

# ---- fuzzing ---------------------------------------------------------------------------------
# (FUZZ_HARNESSES, REPLAYS and the other variables are above, with the tests'.)

$(REPLAYS): $(BUILD)/tests/replay-%: tests/fuzz/%.c $(FUZZ_SUPPORT) tests/fuzz/support/replay_main.c \
		$(BUILD)/libbfplan.a
	@mkdir -p $(dir $@)
	@echo "  REPLAY  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SUPPORT) tests/fuzz/support/replay_main.c \
		$(BUILD)/libbfplan.a $(ALL_LDFLAGS) $(LIBS)

$(FUZZERS): $(BUILD)/fuzz-%: tests/fuzz/%.c $(FUZZ_SUPPORT) $(BUILD)/libbfplan.a
	@echo "  FUZZER  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_SUPPORT) \
		$(BUILD)/libbfplan.a $(ALL_LDFLAGS) $(LIBS)

fuzzers: $(FUZZERS)

# The harnesses built with clang and libFuzzer; clang and its libFuzzer runtime are
# installed for this (and so for make fuzz and make fuzz-corpus) only.
fuzz-build:
	$(MAKE) deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(FUZZ_PACKAGES)"
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) FUZZ=1 fuzzers

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-corpus: fuzz-build
	sh tests/fuzz/corpus.sh merge $(FUZZ_BUILD) $(FUZZ_HARNESSES)

# Line coverage of compiler/ and grammar/ by the corpus and what make fuzz found.
FUZZ_COV_BUILD = build/cov
fuzz-coverage:
	$(MAKE) deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(FUZZ_PACKAGES) llvm-14"
	$(MAKE) BUILD=$(FUZZ_COV_BUILD) CC=$(FUZZ_CC) CFLAGS="-g -O1" \
		EXTRA_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
		$(FUZZ_HARNESSES:%=$(FUZZ_COV_BUILD)/tests/replay-%)
	sh tests/fuzz/coverage.sh $(FUZZ_COV_BUILD) $(FUZZ_HARNESSES)

# Speed as ratios within one invocation: against xmllint reading the .bes files back, against
# a run on a tenth of the input, and peak memory against check's (tests/bench/run.sh).
# xmllint (libxml2-utils) is the reference, GNU time (time) reads the peaks.
bench: deps
	$(MAKE) all $(BIGFIX_PROBE)
	sh tests/bench/run.sh $(BUILD)/bfplan
	sh tests/memory/run.sh $(BUILD)/bfplan --figures

# The look-alikes a `use` path is compared with (compiler/base/confusables.h): Unicode's
# confusables as ICU compiles them, read through ICU's API by tools/confusables.c.  The
# table is committed, so only this target needs ICU.
CONFUSABLES_PACKAGES = libicu-dev
confusables:
	$(MAKE) deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(CONFUSABLES_PACKAGES)"
	@mkdir -p $(BUILD)/tools
	$(CC) -std=c11 -O1 -Wall -Wextra -o $(BUILD)/tools/confusables tools/confusables.c \
		$$($(PKG_CONFIG) --cflags --libs icu-uc icu-i18n)
	$(BUILD)/tools/confusables > compiler/base/confusables.def.new
	mv compiler/base/confusables.def.new compiler/base/confusables.def

# ---- the two commands of the README ---------------------------------------------------

deps:
	@missing=; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "bfplan needs these Debian packages:$$missing"; \
		echo "run as root:  apt-get install -y$$missing"; \
		exit 1; \
	fi

# The Server Automation site's gather URL is not published (each BigFix
# server has its own), so the demo passes an obviously made-up one; a real
# build passes the URL its server shows.
DEMO_SA_URL = http://bigfix.example.invalid:52311/cgi-bin/bfgather.exe/serverautomation

# Each command is printed as it is run, so that the line can be copied.
demo: deps
	$(MAKE) all
	@run() { echo "$$*"; "$$@"; }; \
	for os in 2003 2008; do \
		plan=examples/exchange2007-windows$$os.plan; out=$(BUILD)/demo/windows$$os; \
		run $(BUILD)/bfplan check $$plan || exit 1; \
		run $(BUILD)/bfplan build $$plan -o $$out --site-url server-automation=$(DEMO_SA_URL) || exit 1; \
	done
	@echo
	@echo "demo: the seed example compiled; the output went to:"
	@for f in $(BUILD)/demo/*/*; do echo "  $$f"; done
	@echo "Open $(BUILD)/demo/windows2008/patch-exch2008.checklist.html in a browser for the operator's checklist."

# ---- install --------------------------------------------------------------------------------

install: all
	install -D -m 755 $(BUILD)/bfplan $(DESTDIR)$(BINDIR)/bfplan
	cd stdlib && find . -name '*.plan' -exec install -D -m 644 {} $(DESTDIR)$(DATADIR)/stdlib/{} \;
	for f in $(DOC_FILES) $(SCHEMA_FILES); do install -D -m 644 docs/$$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done
	install -D -m 644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE
	install -D -m 644 NOTICE $(DESTDIR)$(DOCDIR)/NOTICE
	install -D -m 644 docs/bfplan.1 $(DESTDIR)$(MANDIR)/man1/bfplan.1
	install -D -m 644 completion/bfplan $(DESTDIR)$(BASHCOMPDIR)/bfplan
	for f in $(VIM_FILES); do \
		install -D -m 644 editors/vim/$$f $(DESTDIR)$(VIMDIR)/$$f || exit 1; \
		install -D -m 644 editors/vim/$$f $(DESTDIR)$(NVIMDIR)/$$f || exit 1; \
	done
	cd editors/vscode && find . -type f -exec install -D -m 644 {} $(DESTDIR)$(DATADIR)/vscode/{} \;

# What install put in place, and the directories of bfplan's own (DATADIR, DOCDIR); the
# shared directories (bin, man1, vimfiles/syntax...) stay, even when empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bfplan $(DESTDIR)$(MANDIR)/man1/bfplan.1 $(DESTDIR)$(BASHCOMPDIR)/bfplan
	rm -f $(VIM_FILES:%=$(DESTDIR)$(VIMDIR)/%) $(VIM_FILES:%=$(DESTDIR)$(NVIMDIR)/%)
	rm -f $(DOC_FILES:%=$(DESTDIR)$(DOCDIR)/%) $(SCHEMA_FILES:%=$(DESTDIR)$(DOCDIR)/%)
	rm -f $(DESTDIR)$(DOCDIR)/LICENSE $(DESTDIR)$(DOCDIR)/NOTICE
	-rmdir $(DESTDIR)$(DOCDIR)/schemas $(DESTDIR)$(DOCDIR)
	rm -rf $(DESTDIR)$(DATADIR)/stdlib $(DESTDIR)$(DATADIR)/vscode
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
