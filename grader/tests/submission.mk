# submission.mk — the Makefile of a submission the grader's tests assemble
# from a reference directory's sources (the reference "submitted as a student
# would"): <prog>.c holds main(), every other .c is a module of every program.
# PROGS is given on the command line or by the including Makefile.
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
MODS     := $(filter-out $(PROGS:=.c),$(wildcard *.c))

all: $(PROGS)

$(PROGS): %: %.c $(MODS) $(wildcard *.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(MODS) $(LDLIBS)
