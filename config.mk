# config.mk — the one place for compiler, flags and test libraries.
#
# Every program directory includes this file (through rules.mk), so a change here
# changes the whole kit.  Override on the command line: `make CC=clang`,
# `make SAN=1 test` (AddressSanitizer + UndefinedBehaviorSanitizer build, kept in
# build-san/ so it never mixes with the normal objects).

CC       ?= cc
CSTD     := -std=c11
WARNINGS := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
OPT      ?= -O2 -g

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT      := -O1 -g
BUILD    := build-san
OUT      := build-san
else
SANFLAGS :=
BUILD    := build
OUT      := .
endif

CFLAGS   += $(CSTD) $(OPT) $(WARNINGS) $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)

# Criterion, found through pkg-config (Debian: libcriterion-dev).
CRITERION_CFLAGS := $(shell pkg-config --cflags criterion 2>/dev/null)
CRITERION_LIBS   := $(shell pkg-config --libs criterion 2>/dev/null)

# Fuzzing: libFuzzer through clang (Debian: clang, libclang-rt-14-dev).
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_SECONDS ?= 20
