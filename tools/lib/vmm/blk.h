/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-blk (virtio 1.x, 5.2) on a raw image file: one request queue,
 * IN/OUT/FLUSH/GET_ID, everything else answered UNSUPP.
 */
#ifndef ISOLENS_VMM_BLK_H
#define ISOLENS_VMM_BLK_H

#include <linux/virtio_blk.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/errbuf.h"
#include "vmm/memory.h"
#include "vmm/virtio.h"
#include "vmm/vmm.h"

#define VIRTIO_BLK_QUEUE_SIZE 256
/* data segments per request: a chain is header + data + status */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_MAX_IOV - 2)
/* O_DIRECT: guest buffers not aligned to this go through a bounce buffer */
#define VIRTIO_BLK_DIRECT_ALIGN 4096
#define VIRTIO_BLK_BOUNCE_SIZE (1U << 20)

struct virtio_blk {
	struct virtio_dev dev;
	int fd;
	bool read_only, own_fd;
	bool direct; /* fd has O_DIRECT */
	uint8_t *bounce; /* VIRTIO_BLK_BOUNCE_SIZE bytes, when direct */
	uint64_t capacity; /* 512-byte sectors */
	char serial[VIRTIO_BLK_ID_BYTES];
	struct vmm_disk_stats *stats; /* vmm.h; may point into vmm_result */
};

/*
 * disk->fd >= 0: use it (not owned); else open disk->path read-write, or
 * read-only, O_DIRECT if disk->direct.  The image must be a non-empty
 * regular file whose size is a multiple of 512.  @index names the serial
 * ("isolens-vda" for 0).  Then set b->stats and the device's irq/log/ctx.
 */
int virtio_blk_open(struct virtio_blk *b, const struct vmm_disk *disk,
		    unsigned int index, const struct guest_mem *mem,
		    struct errbuf *eb);
void virtio_blk_close(struct virtio_blk *b);

#endif
