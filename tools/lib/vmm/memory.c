// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/memory.h"

int guest_mem_alloc(struct guest_mem *mem, uint64_t size, struct errbuf *eb)
{
	void *p;

	mem->hva = NULL;
	mem->size = 0;
	if (size < GUEST_MEM_MIN || size > GUEST_MEM_MAX || (size & 0xfff))
		return errbuf_set(
			eb, EINVAL,
			"guest memory %llu bytes: must be a multiple of 4 KiB in [64 KiB, 3 GiB]",
			(unsigned long long)size);
	/* NORESERVE: the guest's untouched RAM costs the host nothing */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return errbuf_errno(eb, errno,
				    "cannot map %llu bytes of guest RAM",
				    (unsigned long long)size);
	mem->hva = p;
	mem->size = size;
	return 0;
}

void guest_mem_free(struct guest_mem *mem)
{
	if (mem->hva)
		munmap(mem->hva, mem->size);
	mem->hva = NULL;
	mem->size = 0;
}

void *guest_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	/* written so that no sum can overflow */
	if (!mem->hva || gpa >= mem->size || len > mem->size - gpa)
		return NULL;
	return mem->hva + gpa;
}

int guest_write(const struct guest_mem *mem, uint64_t gpa, const void *src,
		uint64_t len, struct errbuf *eb)
{
	void *dst = guest_ptr(mem, gpa, len);

	if (!dst)
		return errbuf_set(
			eb, EFAULT,
			"[0x%llx, +%llu) is outside guest RAM (%llu bytes)",
			(unsigned long long)gpa, (unsigned long long)len,
			(unsigned long long)mem->size);
	memcpy(dst, src, len);
	return 0;
}
