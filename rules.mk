# rules.mk — the build rules every program directory shares.
#
# A directory's Makefile names its programs and includes this file:
#
#     PROGS = udp_server udp_client
#     include ../rules.mk
#
# Conventions the rules rely on, so that adding a module never means editing a
# Makefile:
#   <prog>.c          holds main() for each program in PROGS;
#   every other *.c   is a module, linked into every program and every test,
#                     unless the Makefile names a program's own modules:
#                     <prog>_MODS = segment demux   (without .c);
#   tests/test_*.c    one Criterion binary each; other tests/*.c are test helpers;
#   fuzz/fuzz_*.c     one libFuzzer harness each (make fuzz).
# Tests run from this directory with BIN_DIR set to where the programs are, so a
# test starts a program as "$BIN_DIR/udp_server".

HERE := $(dir $(lastword $(MAKEFILE_LIST)))
include $(HERE)config.mk
SHELL := /bin/bash

# Criterion 2.4's runner itself leaks a few bytes when tests run in parallel
# (upstream: Snaipe/Criterion PR 515), which fails `make SAN=1 test`.  Silence
# LeakSanitizer for leaks made by the Criterion runner only (full unwinding, so
# the suppression can see its frames); leaks in our code still fail.
export LSAN_OPTIONS := suppressions=$(abspath $(HERE)lsan.supp):print_suppressions=0:fast_unwind_on_malloc=0

PROGS       := $(foreach p,$(PROGS),$(if $(wildcard $(p).c),$(p)))
MOD_SRCS    := $(filter-out $(PROGS:=.c),$(wildcard *.c))
MOD_OBJS    := $(MOD_SRCS:%.c=$(BUILD)/%.o)
TEST_SRCS   := $(wildcard tests/test_*.c)
THELP_SRCS  := $(filter-out $(TEST_SRCS),$(wildcard tests/*.c))
THELP_OBJS  := $(THELP_SRCS:%.c=$(BUILD)/%.o)
TESTS       := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRCS   := $(wildcard fuzz/fuzz_*.c)
FUZZERS     := $(FUZZ_SRCS:fuzz/%.c=build-fuzz/%)
BIN_PAT     := $(if $(filter .,$(OUT)),%,$(OUT)/%)
BINS        := $(PROGS:%=$(BIN_PAT))
TEST_TIMEOUT_CMD ?= timeout 600

.PHONY: all test fuzz interop clean check-criterion
.SECONDARY:
.DEFAULT_GOAL := all

all: $(BINS)

$(BUILD)/%.o: %.c $(wildcard *.h) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c $(wildcard *.h tests/*.h) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -I. $(CRITERION_CFLAGS) -c -o $@ $<

# A program's objects: its own module list if its Makefile gives one, else all.
# The directory's Makefile is a prerequisite too, so a changed list relinks.
prog_objs = $(if $($(1)_MODS),$(patsubst %,$(BUILD)/%.o,$($(1)_MODS)),$(MOD_OBJS))
DIR_MAKEFILE := $(firstword $(MAKEFILE_LIST))

.SECONDEXPANSION:
$(BINS): $(BIN_PAT): $(BUILD)/%.o $$(call prog_objs,$$*) $(DIR_MAKEFILE)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(THELP_OBJS) $(MOD_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CRITERION_LIBS)

$(BUILD)/tests:
	mkdir -p $@

check-criterion:
	@pkg-config --exists criterion || { echo "$(CURDIR): Criterion is missing: install it with 'apt-get install libcriterion-dev pkg-config' (or run 'bash .ci/run')" >&2; exit 1; }

# Each test binary runs with a hard outer deadline: a hung test fails, it never
# stalls CI.
test: check-criterion $(BINS) $(TESTS)
	@set -e; for t in $(TESTS); do \
	  echo "== $$t"; \
	  BIN_DIR=$(abspath $(OUT)) $(TEST_TIMEOUT_CMD) ./$$t --jobs=2 $(TESTFLAGS); \
	done

build-fuzz/fuzz_%: fuzz/fuzz_%.c $(MOD_SRCS) $(wildcard *.h)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(CPPFLAGS) $(CSTD) -I. $(FUZZ_FLAGS) -o $@ $< $(MOD_SRCS) $(LIBS)

# make fuzz: every harness for FUZZ_SECONDS, starting from fuzz/corpus_<name>/.
fuzz: $(FUZZERS)
	@set -e -o pipefail; for f in $(FUZZERS); do \
	  n=$${f#build-fuzz/}; mkdir -p build-fuzz/corpus_$$n; \
	  seeds=; [ -d fuzz/corpus_$$n ] && seeds=fuzz/corpus_$$n; \
	  echo "== $$n for $(FUZZ_SECONDS)s"; \
	  ./$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=2048 \
	    -print_final_stats=1 build-fuzz/corpus_$$n $$seeds 2>&1 | tail -n 12; \
	done

# make interop: every interop/*.sh against real third-party programs (slow tier).
interop: all
	@set -e; for s in $(wildcard interop/*.sh); do \
	  echo "== $$s"; BIN_DIR=$(abspath $(OUT)) timeout 900 bash $$s; \
	done

clean:
	rm -rf build build-san build-fuzz $(PROGS)
