# Makefile: compiles every program and library; called by ./Build.
#
#   make [O=dir] [SAN=1] all      programs into $(O)/bin
#   make [O=dir] [SAN=1] units    unit test binaries into $(O)/test
#   make fuzz                     libFuzzer targets (clang) into build/fuzz
#   make install DESTDIR= PREFIX= [MTA_USER=smmta MSP_USER=smmsp]
O ?= build
CC ?= cc
PREFIX ?= /usr
DESTDIR ?=
MTA_USER ?= smmta
MSP_USER ?= smmsp

# an empty O would put objects and programs under / (O= on a command line)
ifeq ($(strip $(O)),)
$(error O (the build directory) must not be empty)
endif

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -g $(WARN) -Ilibsm -Isendmail
ifeq ($(SAN),1)
CFLAGS_ALL += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS_ALL = -fsanitize=address,undefined
else
CFLAGS_ALL += -O2
LDFLAGS_ALL =
endif
LIBS = -lgdbm -lresolv -lsasl2 -lssl -lcrypto

LIBSM_SRC := $(sort $(wildcard libsm/*.c))
CORE_SRC := $(sort $(filter-out sendmail/main.c,$(wildcard sendmail/*.c)))
MAKEMAP_SRC := $(sort $(wildcard makemap/*.c))
UNIT_SRC := $(sort $(wildcard test/unit/*.c))

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))

LIBSM_A := $(O)/lib/libsm.a
CORE_A := $(O)/lib/libsendmail.a
LINKS := mailq newaliases hoststat purgestat
PROGS := $(O)/bin/sendmail $(O)/bin/makemap $(addprefix $(O)/bin/,$(LINKS))
UNITS := $(patsubst test/unit/%.c,$(O)/test/%,$(filter-out test/unit/unit.c,$(UNIT_SRC)))

.PHONY: all units fuzz install clean
all: $(PROGS)
units: $(UNITS)

$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBSM_A): $(call obj,$(LIBSM_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(CORE_A): $(call obj,$(CORE_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(O)/bin/sendmail: $(call obj,sendmail/main.c) $(CORE_A) $(LIBSM_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LIBS)

$(addprefix $(O)/bin/,$(LINKS)): $(O)/bin/sendmail
	ln -sf sendmail $@

$(O)/bin/makemap: $(call obj,$(MAKEMAP_SRC)) $(CORE_A) $(LIBSM_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LIBS)

# The helper programs: one directory each, every .c file in it linked with
# the core library (mail.local/ gives build/bin/mail.local and so on).
TOOLS := mail.local smrsh praliases mailstats
define tool_rule
$(O)/bin/$(1): $$(call obj,$$(sort $$(wildcard $(1)/*.c))) $$(CORE_A) $$(LIBSM_A)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_ALL) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))
all: $(addprefix $(O)/bin/,$(TOOLS))

$(O)/test/%: $(call obj,test/unit/%.c test/unit/unit.c) $(CORE_A) $(LIBSM_A)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LIBS)

# Fuzz targets: clang's libFuzzer with ASan/UBSan, one binary per test/fuzz/*.c.
# The sources they test are compiled once (coverage-instrumented) into
# one library that every target links.
FUZZ_SRC := $(sort $(wildcard test/fuzz/*.c))
FUZZ_BASE = -std=c11 -D_GNU_SOURCE -g -O1 -Ilibsm -Isendmail -pthread
FUZZ_CFLAGS = $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined
FUZZ_OBJ_CFLAGS = $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_LIB := build/fuzz/lib/libfuzzcore.a
fuzz_obj = $(patsubst %.c,build/fuzz/obj/%.o,$(1))
fuzz: $(patsubst test/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_OBJ_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_LIB): $(call fuzz_obj,$(LIBSM_SRC) $(CORE_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
build/fuzz/%: test/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) $(LIBS)

# the layout, owners and modes: dist/install.sh (doc/install.md)
install: all
	O='$(O)' DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' MTA_USER='$(MTA_USER)' MSP_USER='$(MSP_USER)' sh dist/install.sh

clean:
	rm -rf build

-include $(shell find $(O)/obj build/fuzz/obj -name '*.d' 2>/dev/null)
