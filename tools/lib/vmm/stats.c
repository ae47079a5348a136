// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/stats.h"

void kvm_stat_open(struct kvm_stat *st, int kvm_obj_fd, const char *name)
{
	struct kvm_stats_header hdr;
	size_t desc_size;
	uint8_t *descs = NULL;
	uint32_t i;
	int fd;

	st->fd = -1;
	st->off = 0;
	fd = ioctl(kvm_obj_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return;
	if (pread(fd, &hdr, sizeof(hdr), 0) != sizeof(hdr) ||
	    hdr.name_size == 0 || hdr.name_size > 4096 ||
	    hdr.num_desc == 0 || hdr.num_desc > 4096)
		goto fail;
	desc_size = sizeof(struct kvm_stats_desc) + hdr.name_size;
	descs = calloc(hdr.num_desc, desc_size);
	if (!descs)
		goto fail;
	if (pread(fd, descs, desc_size * hdr.num_desc, hdr.desc_offset) !=
	    (ssize_t)(desc_size * hdr.num_desc))
		goto fail;
	for (i = 0; i < hdr.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * desc_size);

		d->name[hdr.name_size - 1] = '\0';
		if (!strcmp(d->name, name) && d->size >= 1) {
			st->fd = fd;
			st->off = (uint64_t)hdr.data_offset + d->offset;
			free(descs);
			return;
		}
	}
fail:
	free(descs);
	close(fd);
}

void kvm_stat_close(struct kvm_stat *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

int64_t kvm_stat_read(const struct kvm_stat *st)
{
	uint64_t v;

	if (st->fd < 0 || pread(st->fd, &v, sizeof(v), st->off) != sizeof(v))
		return -1;
	return (int64_t)v;
}
