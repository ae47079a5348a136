# SPDX-License-Identifier: GPL-2.0
#
# isolens: one build for the kernel module, the eBPF programs and the CLI.
#
#   make            build everything this machine can build
#   make deps       install the Debian/Ubuntu packages (root), or print how
#   make check      unit + host + lab-VM test suites
#   make demo       the side-by-side showcase in the lab VM
#   make screenshot a picture of demo-out's compare report, for the docs
#   make install    honours DESTDIR and PREFIX
#
# Generated files (vmlinux.h, skeletons, objects) are built, never committed.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
MODDIR ?= $(PREFIX)/lib/isolens

CC ?= cc
CLANG ?= clang
IASL ?= iasl
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
V ?= 0

ifeq ($(V),0)
Q := @
quiet = @printf '  %-8s %s\n' $(1) $(2);
else
Q :=
quiet =
endif

# The module is built against KDIR: the running kernel's headers when they
# exist, else the newest installed ones (the lab VM's Debian kernel).
KREL := $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(wildcard /lib/modules/$(KREL)/build) \
	$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1))
endif

UAPI_DIR := module/include/uapi
UAPI := $(UAPI_DIR)/linux/isolens.h

# --- eBPF -----------------------------------------------------------------
BTF_VMLINUX ?= /sys/kernel/btf/vmlinux
BPF_SRCS := $(wildcard ebpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:.bpf.c=.bpf.o)
BPF_SKELS := $(BPF_SRCS:.bpf.c=.skel.h)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall \
	-Iebpf -I$(UAPI_DIR)

# --- userland ---------------------------------------------------------------
PKGS := libbpf libelf libdw libseccomp json-c libcrypto
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers \
	-D_GNU_SOURCE -DISOLENS_VERSION='"$(VERSION)"' \
	-I$(UAPI_DIR) -Itools/lib -Iebpf $(PKG_CFLAGS) -MMD -MP
LDLIBS += $(PKG_LIBS) -llzma -lz -lzstd -llz4

LIB_SRCS := $(wildcard tools/lib/*/*.c)
LIB_ASMS := $(wildcard tools/lib/*/*.S)
LIB_OBJS := $(LIB_SRCS:.c=.o) $(LIB_ASMS:.S=.o)
LIB := tools/lib/libisolens.a
CMD_SRCS := $(wildcard tools/isolens/*.c)
CMD_OBJS := $(CMD_SRCS:.c=.o)
ISOLENS := tools/isolens/isolens
KVM_HOLD := tools/lib/lab/guest/kvm-hold
VMM_OUTB := tools/lib/vmm/guest/outb
# programs that run in a guest's initramfs, embedded in isolens with .incbin
GUEST_BINS := $(KVM_HOLD) $(VMM_OUTB)
# the micro-VM's ACPI tables, compiled by iasl, embedded with .incbin
ACPI_ASLS := $(wildcard tools/lib/vmm/acpi/*.asl)
ACPI_AMLS := $(ACPI_ASLS:.asl=.aml)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:.c=)
TEST_HELPER_SRCS := $(wildcard tests/helpers/*.c)
TEST_HELPERS := $(TEST_HELPER_SRCS:.c=)

MAN := docs/isolens.1

.PHONY: all module ebpf tools tests deps format format-check lint check unit demo screenshot install clean \
	lab lab-find lab-check FORCE
.DELETE_ON_ERROR:

all: ebpf tools module

# --- module ---------------------------------------------------------------
module:
ifeq ($(strip $(KDIR)),)
	@echo "  SKIP     module: no kernel headers under /lib/modules (make deps installs them)"
else
	$(call quiet,KBUILD,module/isolens.ko [$(notdir $(patsubst %/build,%,$(KDIR)))])
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules $(if $(filter 0,$(V)),-s,)
endif

# --- eBPF -----------------------------------------------------------------
ebpf: $(BPF_SKELS)

ebpf/vmlinux.h:
	@test -r $(BTF_VMLINUX) || { echo "error: $(BTF_VMLINUX) is missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF), so CO-RE BPF programs cannot be built here" >&2; exit 1; }
	$(call quiet,BTF,$@)
	$(Q)$(BPFTOOL) btf dump file $(BTF_VMLINUX) format c > $@

ebpf/%.bpf.o: ebpf/%.bpf.c ebpf/vmlinux.h $(UAPI) \
		$(filter-out %.skel.h ebpf/vmlinux.h,$(wildcard ebpf/*.h))
	$(call quiet,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

ebpf/%.skel.h: ebpf/%.bpf.o
	$(call quiet,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# --- tools ----------------------------------------------------------------
tools: $(ISOLENS)

# Objects that include a skeleton need it generated first.
$(LIB_OBJS) $(CMD_OBJS): | $(BPF_SKELS)

%.o: %.c
	$(call quiet,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# .incbin paths in .S files are relative to the directory of the .S file.
%.o: %.S
	$(call quiet,AS,$@)
	$(Q)$(CC) $(CFLAGS) -Wa,-I$(dir $<) -c $< -o $@

# .incbin inputs are invisible to -MMD
tools/lib/lab/guest_init.o: tools/lib/lab/guest-init.sh $(KVM_HOLD)
tools/lib/vmm/guest_bin.o: $(VMM_OUTB)
tools/lib/vmm/acpi_bin.o: $(ACPI_AMLS)

# ACPI tables: the DSDT in ASL, the others in iasl's data-table format.
# iasl's own preprocessor takes the addresses from platform.h (#include,
# #define, #if; it has no function-like macros); -we fails on a warning.
tools/lib/vmm/acpi/%.aml: tools/lib/vmm/acpi/%.asl tools/lib/vmm/platform.h
	$(call quiet,IASL,$@)
	$(Q)out=$$($(IASL) -vs -we -Itools/lib/vmm -p $(basename $@) $< 2>&1) || \
		{ printf '%s\n' "$$out" >&2; rm -f $@; exit 1; }

# Run in a guest's initramfs: static, no libc, a few hundred bytes.
$(GUEST_BINS): %: %.c tools/lib/base/nolibc.h
	$(call quiet,CC,$@)
	$(Q)$(CC) -static -nostdlib -nostartfiles -ffreestanding -fno-pie -no-pie \
		-fno-stack-protector -fno-asynchronous-unwind-tables -Os \
		-Itools/lib -Wall -Wextra -Wl,--build-id=none -Wl,-n -s -o $@ $<

# The default seccomp profile, compiled to BPF at build time by this
# machine's libseccomp and embedded (tools/lib/container/seccomp_builtin.S).
SECCOMP_GEN := tools/lib/container/gen/seccomp-gen
SECCOMP_GEN_OBJS := tools/lib/container/seccomp.o \
	tools/lib/container/seccomp_profile.o tools/lib/container/caps.o \
	tools/lib/base/errbuf.o tools/lib/base/fileio.o tools/lib/base/parse.o
SECCOMP_BINS := tools/lib/container/gen/seccomp-default.bin \
	tools/lib/container/gen/seccomp-userns.bin

$(SECCOMP_GEN): $(SECCOMP_GEN).c $(SECCOMP_GEN_OBJS)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

tools/lib/container/gen/seccomp-%.bin: $(SECCOMP_GEN)
	$(call quiet,GEN,$@)
	$(Q)$(SECCOMP_GEN) $(if $(filter userns,$*),1,0) > $@

tools/lib/container/seccomp_builtin.o: $(SECCOMP_BINS)

$(LIB): $(LIB_OBJS)
	$(call quiet,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(ISOLENS): $(CMD_OBJS) $(LIB)
	$(call quiet,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(LDLIBS)

# --- tests ----------------------------------------------------------------
tests: $(UNIT_BINS) $(TEST_HELPERS)

tests/unit/test_%: tests/unit/test_%.c tests/unit/unit.h $(LIB)
	$(call quiet,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB) $(LDLIBS)

tests/helpers/%: tests/helpers/%.c
	$(call quiet,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $<

unit: $(UNIT_BINS)
	$(Q)tests/run-suites.sh unit

deps:
	$(Q)tools/scripts/deps.sh

# Style: clang-format over the tree (format rewrites, format-check fails on
# a difference) and the kernel's checkpatch.pl over module/ and ebpf/.
format:
	$(Q)tools/scripts/format.sh

format-check:
	$(Q)tools/scripts/format.sh --check

lint:
	$(Q)tools/scripts/lint.sh

check: deps
	$(Q)$(MAKE) --no-print-directory all tests
	$(Q)tests/run-suites.sh unit host fuzz vm

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/scripts/demo.sh

# A picture of a real compare report for docs/compare.md (needs chromium).
screenshot:
	$(Q)tools/scripts/screenshot.sh

# make lab N=01: the lab VM's shell in labs/01-*, after its prepare.sh.
# make lab-check N=01: that lab's checker, in the lab VM.
LAB_DIR = $(firstword $(wildcard labs/$(N)-*))

lab-find:
	@test -n "$(N)" || { echo "usage: make lab N=NN (labs: $(notdir $(wildcard labs/[0-9]*)))" >&2; exit 2; }
	@test -n "$(LAB_DIR)" || { echo "no lab $(N) under labs/" >&2; exit 2; }

lab: lab-find all
	$(Q)$(ISOLENS) lab shell --cd $(LAB_DIR) \
		$(if $(wildcard $(LAB_DIR)/prepare.sh),-- ./prepare.sh)

lab-check: lab-find all
	$(Q)$(ISOLENS) lab run --timeout 900 -- bats $(LAB_DIR)/check.bats

# --- install --------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(ISOLENS) $(DESTDIR)$(BINDIR)/isolens
	sed 's/@VERSION@/$(VERSION)/' $(MAN) > $(DESTDIR)$(MANDIR)/man1/isolens.1
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/isolens.1
	if [ -f module/isolens.ko ]; then \
		install -d $(DESTDIR)$(MODDIR) && \
		install -m 0644 module/isolens.ko $(DESTDIR)$(MODDIR)/; fi

clean:
ifneq ($(strip $(KDIR)),)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) clean -s 2>/dev/null || true
endif
	$(Q)rm -f $(LIB_OBJS) $(CMD_OBJS) $(LIB) $(ISOLENS) $(GUEST_BINS) $(UNIT_BINS) \
		$(ACPI_AMLS) \
		$(SECCOMP_GEN) $(SECCOMP_BINS) \
		$(TEST_HELPERS) ebpf/vmlinux.h ebpf/*.bpf.o ebpf/*.skel.h
	$(Q)find . -name '*.d' -not -path './.git/*' -delete
	$(Q)rm -rf tests/.results demo-out

-include $(wildcard tools/lib/*/*.d tools/isolens/*.d tests/unit/*.d)
