# SPDX-License-Identifier: GPL-2.0-or-later
#
# leaktriage: one non-recursive GNU Makefile.
#
#   make              build libleaktriage.a and leaktriage (-O2 -g)
#   make deps         install the missing Debian packages (idempotent)
#   make check        deps + build with DEVELOPER=1 + every test
#   make check-asan   the same tests under AddressSanitizer + UBSan
#   make check-long   tests on the large third-party images as well
#   make demo         deps + build + the main job on the bundled samples
#   make bench        performance figures against the reference commands
#   make fuzz CC=clang  libFuzzer binaries in build-fuzz/
#   make install PREFIX=/usr/local DESTDIR=
#
# Local overrides go in config.mak.  V=1 shows the commands.

-include config.mak

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BUILD      ?= build
CC         ?= cc
PKG_CONFIG ?= pkg-config

ifneq ($(SANITIZE),)
BUILD      := build-san
SAN_FLAGS  := -fsanitize=$(SANITIZE) -fno-sanitize-recover=$(SANITIZE) \
              -fno-omit-frame-pointer
endif

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wdeclaration-after-statement -Wno-unused-parameter \
            -Wno-sign-compare -Wimplicit-fallthrough -Wno-format-truncation
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif

PKGS := tsk libewf sqlite3 libcrypto libutf8proc uchardet libmagic yara \
        libarchive libxml-2.0 freexl zlib
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 $(CFLAGS) $(WARNINGS) $(SAN_FLAGS) -Iinclude -I. \
              $(PKG_CFLAGS) -DLT_VERSION='"$(VERSION)"' -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)
LIBS := $(PKG_LIBS) -lpthread -lm

ifneq ($(V),1)
Q = @
QUIET_CC = @echo '   ' CC $@;
QUIET_AR = @echo '   ' AR $@;
QUIET_LINK = @echo '   ' LINK $@;
endif

# Everything but the front end goes into the library (STYLE.md 1).
LIB_SRC := $(wildcard triage/core/*.c triage/evidence/*.c triage/casedb/*.c \
             triage/proxy/*.c scanners/*.c scanners/*/*.c reports/*.c)
CLI_SRC := $(wildcard triage/*.c)
UNIT_SRC := $(wildcard tests/unit/t-*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)

# Data files compiled in (scanners/data/*.txt -> a C string each).
DATA_TXT := $(wildcard scanners/data/*.txt)
DATA_SRC := $(DATA_TXT:scanners/data/%.txt=$(BUILD)/gen/data-%.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(DATA_SRC:%.c=%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libleaktriage.a
BIN      := $(BUILD)/leaktriage

all: leaktriage

leaktriage: $(BIN)
	$(Q)ln -sf $(BIN) leaktriage

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# scanners/data/NAME.txt becomes `const char lt_data_NAME[]` (NAME with
# '-' as '_'), declared by the module that reads it.
$(BUILD)/gen/data-%.c: scanners/data/%.txt
	@mkdir -p $(dir $@)
	$(Q){ printf 'const char lt_data_%s[] =\n' "$$(echo $* | tr - _)"; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  printf ';\n'; } > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/check.h tests/unit/memin.h
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Fuzz targets: replayed over their corpus by `make check` (regression.c
# supplies main()); `make fuzz CC=clang` builds real libFuzzer binaries.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/regression.c $(LIB)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		tests/fuzz/regression.c $(LIB) $(LIBS)

fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz \
		SAN_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/libleaktriage.a
	$(Q)for f in $(FUZZ_SRC); do \
		t=build-fuzz/$$(basename $$f .c); echo "    FUZZ $$t"; \
		$(CC) -std=c11 -O1 -g -Iinclude -I. $(PKG_CFLAGS) \
			-fsanitize=fuzzer,address,undefined -o $$t $$f \
			build-fuzz/libleaktriage.a $(LIBS) || exit 1; \
	done
	@echo "run e.g.: ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=1024 build-fuzz/fuzz-walk -rss_limit_mb=4096 -max_total_time=300 NEW_CORPUS_DIR tests/fuzz/corpus/walk"

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# --- Debian packages --------------------------------------------------------
# Libraries the build links, and the tools the tests use as oracles or to
# make images.  `make deps` installs only what is missing and says nothing
# when everything is there.
DEB_PKGS := gcc make pkg-config libtsk-dev sleuthkit libewf-dev ewf-tools \
            libmagic-dev libyara-dev libpcre2-dev libsqlite3-dev sqlite3 \
            libarchive-dev libxml2-dev libfreexl-dev libuchardet-dev \
            libutf8proc-dev libssl-dev libbde-dev libbde-utils \
            xz-utils mtools dosfstools ntfs-3g e2fsprogs gdisk fdisk \
            jq hyperfine time python3 bsdextrautils faketime openssl yara \
            zlib1g-dev zip p7zip-full lhasa gcab qpdf python3-jsonschema \
            chromium fonts-ipafont-gothic
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null || exit 1; \
	fi

# --- samples: committed compressed, unpacked for the tests ------------------
SAMPLE_XZ  := $(wildcard samples/images/*.xz)
SAMPLE_IMG := $(SAMPLE_XZ:samples/images/%.xz=build/samples/%)
SAMPLE_CP  := $(filter-out %.xz %.md,$(wildcard samples/images/*))
SAMPLE_CPD := $(SAMPLE_CP:samples/images/%=build/samples/%)

build/samples/%: samples/images/%.xz
	@mkdir -p $(dir $@)
	$(Q)xz -dc $< > $@.tmp && mv $@.tmp $@

build/samples/%: samples/images/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

PII_XZ  := $(wildcard samples/pii/images/*.xz)
PII_IMG := $(PII_XZ:samples/pii/images/%.xz=build/samples/pii/%)

build/samples/pii/%: samples/pii/images/%.xz
	@mkdir -p $(dir $@)
	$(Q)xz -dc $< > $@.tmp && mv $@.tmp $@

samples: $(SAMPLE_IMG) $(SAMPLE_CPD) $(PII_IMG)

# --- tests ------------------------------------------------------------------
unit: $(UNIT_BIN) $(FUZZ_REPLAY)

check: deps
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 all unit samples
	$(Q)BUILD=$(BUILD) tests/run-tests.sh

check-long: deps
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 all unit samples
	$(Q)BUILD=$(BUILD) LT_LONG=1 tests/run-tests.sh

check-asan: deps
	$(Q)ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	$(MAKE) --no-print-directory SANITIZE=address,undefined check

demo: deps
	$(Q)$(MAKE) --no-print-directory all samples
	$(Q)BUILD=$(BUILD) samples/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) bench/run-bench.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard include/leaktriage/*.h)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/leaktriage
	install -m 0644 doc/leaktriage.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san build-fuzz leaktriage

.PHONY: all leaktriage deps unit check check-long check-asan demo bench \
	format install clean samples fuzz
.DELETE_ON_ERROR:
.SECONDARY: $(DATA_SRC)
