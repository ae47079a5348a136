// SPDX-License-Identifier: GPL-2.0
/*
 * outb PORT VALUE: one byte to an I/O port, for the init of isolens vm's
 * initramfs (the boot marker and the exit status, docs/microvm.md).
 *
 * Not every kernel has /dev/port (Debian's cloud kernel has no
 * CONFIG_DEVPORT), so the write is an OUT instruction after ioperm() (or
 * iopl() where only that exists), and /dev/port is the last resort.
 * Numbers are decimal or 0x hex.  Exit status 0, or 1 when no way worked.
 *
 * Freestanding (no libc) so that it is a few hundred bytes in the initramfs.
 */
#include <fcntl.h>

#include "base/nolibc.h"

/* -1 unless the whole string is a number in 0..max */
static long number(const char *s, long max)
{
	long v = 0, base = 10, d;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		v = v * base + d;
		if (v > max)
			return -1;
	}
	return v;
}

static int outb(long port, long value)
{
	unsigned char byte = value;
	long fd, n;

	if (sys3(__NR_ioperm, port, 1, 1) == 0 ||
	    sys3(__NR_iopl, 3, 0, 0) == 0) {
		asm volatile("outb %b0, %w1" : : "a"(byte), "Nd"(port));
		return 0;
	}
	fd = sys3(__NR_open, (long)"/dev/port", O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	n = sys4(__NR_pwrite64, fd, (long)&byte, 1, port);
	sys3(__NR_close, fd, 0, 0);
	return n == 1 ? 0 : 1;
}

void __attribute__((noreturn, used)) outb_main(long argc, char **argv)
{
	long port = argc == 3 ? number(argv[1], 0xffff) : -1;
	long value = argc == 3 ? number(argv[2], 0xff) : -1;
	int ret;

	if (port < 0 || value < 0) {
		say("usage: outb PORT VALUE (PORT 0..0xffff, VALUE 0..0xff)\n");
		sys3(__NR_exit, 2, 0, 0);
	}
	ret = outb(port, value);
	if (ret)
		say("outb: no ioperm, iopl or /dev/port: the VMM cannot be told\n");
	sys3(__NR_exit, ret, 0, 0);
	__builtin_unreachable();
}

/* argc at (%rsp), argv after it; a call keeps the ABI's stack alignment. */
asm(".globl _start\n"
    "_start:\n"
    "	xor %ebp, %ebp\n"
    "	mov (%rsp), %rdi\n"
    "	lea 8(%rsp), %rsi\n"
    "	call outb_main\n"
    "	hlt\n");
