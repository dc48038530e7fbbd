# socklab — top-level Makefile.
#
#   make            build every program
#   make demo       a guided run of the kit (builds first)
#   make test       build and run every test (sets up what it can, or says what is missing)
#   make SAN=1 test the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz       run every fuzz harness for FUZZ_SECONDS (default 20)
#   make starters   regenerate labs/*/ from the references' SOLUTION markers
#   make test-labs  the starters are up to date, build cleanly, and grade as they should;
#                   every bundle works outside the kit and leaks no answer
#   make bundle LAB=05-torrent-peer   dist/05-torrent-peer.tar.gz, what a class receives
#   make bundles    every lab's bundle
#   make test-handouts  run every runnable block of the handouts; check the coverage table
#   make audit      grade the reference with one TODO left open at a time, and write
#                   each handout's "which test stands for each TODO" table (minutes)
#   make interop    our programs against real clients and trackers (slow)
#   make test-browser   the tracker's page in headless Chromium
#   make test-grader-slow   the grader's slow tier (peer-lab mutants, 20 gradings, Gradescope zip)
#   make gradescope LAB=01-udp-uppercase   the Gradescope autograder zip of a lab
#   make figures    regenerate handouts/figures/ from real runs (minutes)
#   make figures-cc only the two-flow sawtooth (handouts/figures/sawtooth.*, 30 s)
#   make bench      run the benchmarks in bench/ (slow; prints ratios)
#   make clean

DIRS := $(foreach d,udp_uppercase tcp_uppercase mux_demux mini_torrent grader,$(if $(wildcard $(d)/Makefile),$(d)))

.PHONY: all test demo fuzz interop starters audit bundle bundles test-labs test-handouts test-browser test-grader-slow gradescope figures figures-cc clean bench check-copies check-tools check-cc $(DIRS)

all: $(DIRS)

$(DIRS):
	$(MAKE) -C $@

# Tools the tests need.  When one is missing and this user may install
# (root, or sudo without a password, on Debian), `make test` installs them
# with .ci/setup --test; otherwise it stops with one line saying what to run.
TEST_TOOLS_CHECK = missing=; \
	for t in cc make pkg-config socat nc python3 zip unzip bzip2 xz chromium; do \
	  command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	pkg-config --exists criterion 2>/dev/null || missing="$$missing libcriterion-dev"
check-tools:
	@$(TEST_TOOLS_CHECK); \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=no; fi; \
	  if [ "$$sudo" != no ]; then \
	    echo "make test: missing$$missing: installing them (.ci/setup --test)"; \
	    $$sudo bash .ci/setup --test >&2 || exit 1; \
	    $(TEST_TOOLS_CHECK); \
	  fi; \
	fi; \
	if [ -n "$$missing" ]; then \
	  echo "missing:$$missing — run 'sudo bash .ci/setup --test' (or apt-get install build-essential pkg-config libcriterion-dev socat netcat-openbsd python3 zip unzip bzip2 xz-utils chromium)" >&2; \
	  exit 1; \
	fi

test: check-tools check-copies all
	@set -e; for d in $(DIRS); do $(MAKE) -C $$d test; done
	@bash labs/mkstarters.sh --check
	@$(MAKE) -C labs/tests test
	@echo "make test: all passed (the slower tiers: make test-labs test-handouts interop)"

# The lab workspaces, and the handouts' grader tables (made from each lab.conf).
starters:
	@bash labs/mkstarters.sh
	@$(MAKE) -s -C grader
	@bash handouts/grader-tables.sh

# A lab as a class receives it (handouts/instructors.md): dist/LAB.tar.gz.
bundle: all
	@test -n "$(LAB)" || { echo "make bundle LAB=<lab>, e.g. LAB=05-torrent-peer (or make bundles)" >&2; exit 2; }
	@bash labs/mkbundle.sh $(LAB)

bundles: all
	@bash labs/mkbundle.sh $$(sed -n 's/^\[\([^]]*\)\].*/\1/p' labs/manifest.txt)

test-labs: all
	@bash labs/test-labs.sh

test-handouts: all
	@bash handouts/test-handouts.sh

# Which test stands for each TODO: one grading per TODO (labs/audit.sh).
audit: all
	@bash labs/audit.sh --write $(LAB)

test-browser:
	@$(MAKE) -C mini_torrent test-browser

# The grader's slow tier: the peer labs' mutants on whole labs, lab 1 graded
# 20 times, and the Gradescope zip unpacked, set up and run (CI runs it).
test-grader-slow:
	@$(MAKE) -C grader test-slow

# The Gradescope autograder zip of one lab: make gradescope LAB=01-udp-uppercase
gradescope:
	@$(MAKE) -C grader gradescope LAB=$(LAB)

# handouts/figures/ from real runs: swarms (about 5 minutes) and the
# two-flow sawtooth through mux_router (about 30 s).
figures: figures-cc
	@$(MAKE) -C mini_torrent figures

figures-cc:
	@bash handouts/figures/sawtooth.sh

# The demo needs only a C compiler and make (README's first command).
check-cc:
	@command -v $(or $(CC),cc) >/dev/null || { echo "missing: a C compiler — run 'sudo apt-get install build-essential'" >&2; exit 1; }

demo: check-cc
	@$(MAKE) -s --no-print-directory all
	@./demo.sh

fuzz:
	@set -e; for d in $(DIRS); do $(MAKE) -C $$d fuzz; done

interop: all
	@set -e; for d in $(DIRS); do $(MAKE) -C $$d interop; done

bench: all
	@set -e; for b in bench/*.sh; do echo "== $$b"; bash $$b; done

# bench/xfer_floor: the loopback floor under bench/torrent_bulk.sh (bench/xfer_floor.sh).
bench/xfer_floor: bench/xfer_floor.c bench/benchlib.c bench/benchlib.h mini_torrent/sha1.c mini_torrent/sha1.h
	$(or $(CC),cc) -O2 -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -pthread -Imini_torrent \
	  -o $@ bench/xfer_floor.c bench/benchlib.c mini_torrent/sha1.c

# tests/proc.[ch] is vendored into each directory so each builds alone.
check-copies:
	@set -e; ref=udp_uppercase/tests; \
	for d in $(DIRS); do for f in proc.c proc.h; do \
	  if [ -f $$d/tests/$$f ] && ! cmp -s $$ref/$$f $$d/tests/$$f; then \
	    echo "$$d/tests/$$f differs from $$ref/$$f: copy it over" >&2; exit 1; fi; \
	done; done

clean:
	@for d in $(DIRS); do $(MAKE) -C $$d clean; done
	@$(MAKE) -C labs/tests clean
	rm -rf dist bench/xfer_floor
