# submission.mk — the Makefile of a submission the grader's tests assemble
# from a reference directory's sources (the reference "submitted as a student
# would"): <prog>.c holds main(), every other .c is a module of every program.
# PROGS is set by the including Makefile.
CFLAGS   ?= -O1
CFLAGS   += -std=c11 -Wall -Wextra
CPPFLAGS += -D_POSIX_C_SOURCE=200809L
MODS     := $(filter-out $(PROGS:=.c),$(wildcard *.c))

all: $(PROGS)

%.o: %.c $(wildcard *.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(PROGS): %: %.o $(MODS:.c=.o)
	$(CC) -o $@ $^ $(LDLIBS)
