/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little a freestanding guest helper needs without libc: raw x86-64
 * system calls and a message on stderr.  For the programs embedded in the
 * lab VM's and the micro-VM's initramfs (kvm-hold, outb), which must stay
 * a few hundred bytes.  Each defines its own _start.
 */
#ifndef ISOLENS_BASE_NOLIBC_H
#define ISOLENS_BASE_NOLIBC_H

#include <asm/unistd.h>

static inline long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline long sys4(long nr, long a, long b, long c, long d)
{
	register long r10 asm("r10") = d;
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline void say(const char *msg)
{
	long len = 0;

	while (msg[len])
		len++;
	sys3(__NR_write, 2, (long)msg, len);
}

#endif
