// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the virtio-mmio transport, the split virtqueue walk
 * and virtio-blk, on a memfd disk.  The input is
 *   byte 0      flags: bit 0 read-only disk, bit 1 the O_DIRECT bounce path
 *   byte 1      n, the number of 8-byte operations that follow
 *   n * 8       operations (below)
 *   the rest    the guest RAM image (64 KiB, zero-filled past the input)
 * An operation is { op, a, b (le16), v (le32) }:
 *   0  32-bit register write: offset (a * 4) & 0xff, value v
 *   1  any access: offset b & 0x1ff, size 1 << (a & 3), write if a & 4,
 *      to an empty slot if a & 8
 *   2  kick queue a & 1: the ioeventfd path, or QueueNotify if a & 2
 *   3  what Linux's driver does to start: features v (and VERSION_1 if
 *      a & 1), queue size 1 << (a >> 1 & 15), rings at b * 16, v & 0xffff
 *      times 2 and v >> 16 times 4 (modulo RAM)
 *   4  the guest stores v at RAM offset b (as it would between kicks)
 *   5  reset (Status 0)
 *   6  the driver adds a request to the rings op 3 set up: type a & 15
 *      (IN, OUT, FLUSH, GET_ID, ...), sector b, v & 0x3fff data bytes in
 *      (v >> 14 & 3) + 1 pieces, then v >> 16 flips descriptor bits
 *      (v >> 16 & 0xf: which descriptor, v >> 20: flags, v >> 24: next)
 */
#include <endian.h>
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/blk.h"
#include "vmm/platform.h"
#include "vmm/virtio.h"

#define MEM_SIZE GUEST_MEM_MIN
#define DISK_SIZE (64 * 512)

static unsigned int irqs, logs;

static void irq(void *ctx)
{
	(void)ctx;
	irqs++;
}

static void logline(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	logs++;
}

/* The driver's view of queue 0, from the last op 3. */
static struct {
	uint64_t desc, avail;
	uint16_t num, avail_idx, next;
} drv;

static void gput(struct guest_mem *mem, uint64_t gpa, const void *p, size_t len)
{
	void *h = guest_ptr(mem, gpa, len);

	if (h)
		memcpy(h, p, len);
}

static const uint32_t req_types[16] = {
	VIRTIO_BLK_T_IN,	   VIRTIO_BLK_T_OUT,	  VIRTIO_BLK_T_FLUSH,
	VIRTIO_BLK_T_GET_ID,	   VIRTIO_BLK_T_IN,	  VIRTIO_BLK_T_OUT,
	VIRTIO_BLK_T_IN,	   VIRTIO_BLK_T_OUT,	  VIRTIO_BLK_T_DISCARD,
	VIRTIO_BLK_T_WRITE_ZEROES, VIRTIO_BLK_T_SCSI_CMD, 0xffffffff,
	VIRTIO_BLK_T_IN,	   VIRTIO_BLK_T_OUT,	  VIRTIO_BLK_T_GET_ID,
	VIRTIO_BLK_T_FLUSH,
};

/* Header at 0xc000, data from 0x8000 (below it), status at 0xc100. */
static void driver_add(struct guest_mem *mem, uint8_t a, uint16_t b, uint32_t v)
{
	struct virtio_blk_outhdr h = { .type = htole32(req_types[a & 15]),
				       .sector = htole64(b) };
	uint32_t len = v & 0x3fff, pieces = (v >> 14 & 3) + 1, i, n = 0;
	bool in = h.type != htole32(VIRTIO_BLK_T_OUT);
	struct vring_desc d[6];
	uint16_t head, idx, flip = v >> 16;

	if (!drv.num || drv.num > VIRTIO_BLK_QUEUE_SIZE)
		return;
	gput(mem, 0xc000, &h, sizeof(h));
	d[n++] = (struct vring_desc){ htole64(0xc000), htole32(16), 0, 0 };
	for (i = 0; len && i < pieces; i++) {
		uint32_t l = len / pieces;

		if (i + 1 == pieces)
			l = len - l * (pieces - 1);
		d[n++] = (struct vring_desc){
			htole64(0x8000 + i * (len / pieces)), htole32(l),
			htole16(in ? VRING_DESC_F_WRITE : 0), 0
		};
	}
	d[n++] = (struct vring_desc){ htole64(0xc100), htole32(1),
				      htole16(VRING_DESC_F_WRITE), 0 };
	head = drv.next % drv.num;
	for (i = 0; i < n; i++) {
		uint16_t at = (drv.next + i) % drv.num;

		if (i + 1 < n) {
			d[i].flags |= htole16(VRING_DESC_F_NEXT);
			d[i].next = htole16((drv.next + i + 1) % drv.num);
		}
		if (flip && (flip & 0xf) == i) {
			d[i].flags ^= htole16(flip >> 4 & 0xf);
			d[i].next ^= htole16(flip >> 8);
		}
		gput(mem, drv.desc + at * sizeof(d[0]), &d[i], sizeof(d[0]));
	}
	drv.next += n;
	idx = htole16(head);
	gput(mem, drv.avail + 4 + (drv.avail_idx % drv.num) * 2, &idx, 2);
	drv.avail_idx++;
	idx = htole16(drv.avail_idx);
	gput(mem, drv.avail + 2, &idx, 2);
}

static void wr32(struct virtio_dev *d, uint64_t off, uint32_t v)
{
	v = htole32(v);
	virtio_mmio_access(d, off, true, (uint8_t *)&v, 4);
}

static void driver_start(struct virtio_dev *d, uint8_t a, uint16_t b,
			 uint32_t v)
{
	uint64_t f = v | ((a & 1) ? 1ULL << VIRTIO_F_VERSION_1 : 0);
	uint32_t s = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	wr32(d, VIRTIO_MMIO_STATUS, 0);
	wr32(d, VIRTIO_MMIO_STATUS, s);
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES, f >> 32);
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	s |= VIRTIO_CONFIG_S_FEATURES_OK;
	wr32(d, VIRTIO_MMIO_STATUS, s);
	wr32(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	drv.num = 1U << (a >> 1 & 15);
	drv.desc = (b * 16U) % MEM_SIZE;
	drv.avail = ((v & 0xffff) * 2U) % MEM_SIZE;
	drv.avail_idx = 0;
	drv.next = 0;
	wr32(d, VIRTIO_MMIO_QUEUE_NUM, drv.num);
	wr32(d, VIRTIO_MMIO_QUEUE_DESC_LOW, drv.desc);
	wr32(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, drv.avail);
	wr32(d, VIRTIO_MMIO_QUEUE_USED_LOW, ((v >> 16) * 4U) % MEM_SIZE);
	wr32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	wr32(d, VIRTIO_MMIO_STATUS, s | VIRTIO_CONFIG_S_DRIVER_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_mem mem;
	static int fd = -1;
	struct vmm_disk disk = { .path = "fuzz.img" };
	struct vmm_disk_stats stats;
	struct virtio_blk blk;
	struct virtio_dev *d = &blk.dev;
	size_t nops, i, img;
	uint8_t buf[8];

	if (size < 2)
		return 0;
	if (!mem.hva) {
		mem.hva = aligned_alloc(4096, MEM_SIZE);
		mem.size = MEM_SIZE;
		fd = memfd_create("fuzz-disk", 0);
		if (!mem.hva || fd < 0 || ftruncate(fd, DISK_SIZE))
			abort();
	}
	nops = data[1];
	if (2 + nops * 8 > size)
		nops = (size - 2) / 8;
	img = 2 + nops * 8;
	memset(mem.hva, 0, MEM_SIZE);
	memcpy(mem.hva, data + img,
	       size - img < MEM_SIZE ? size - img : MEM_SIZE);

	/* the same zeroed disk for every input */
	if (ftruncate(fd, 0) || ftruncate(fd, DISK_SIZE))
		abort();
	disk.fd = fd;
	disk.read_only = data[0] & 1;
	if (virtio_blk_open(&blk, &disk, 0, &mem, NULL))
		abort();
	if (data[0] & 2) {
		/* the O_DIRECT bounce path, on a file without O_DIRECT */
		blk.direct = true;
		blk.bounce = aligned_alloc(VIRTIO_BLK_DIRECT_ALIGN,
					   VIRTIO_BLK_BOUNCE_SIZE);
	}
	memset(&stats, 0, sizeof(stats));
	blk.stats = &stats;
	memset(&drv, 0, sizeof(drv));
	d->irq = irq;
	d->log = logline;

	for (i = 0; i < nops; i++) {
		const uint8_t *r = data + 2 + i * 8;
		uint8_t op = r[0], a = r[1];
		uint16_t b = r[2] | r[3] << 8;
		uint32_t v = r[4] | r[5] << 8 | r[6] << 16 |
			     (uint32_t)r[7] << 24;

		switch (op % 7) {
		case 0:
			wr32(d, (a * 4U) & 0xff, v);
			break;
		case 1:
			memcpy(buf, r + 4, 4);
			memcpy(buf + 4, r + 4, 4);
			(a & 8 ? virtio_mmio_empty_access : virtio_mmio_access)(
				d, b & 0x1ff, a & 4, buf, 1U << (a & 3));
			break;
		case 2:
			if (a & 2)
				wr32(d, VIRTIO_MMIO_QUEUE_NOTIFY, a & 1);
			else
				virtio_dev_kick(d, a & 1);
			break;
		case 3:
			driver_start(d, a, b, v);
			break;
		case 4:
			if (b <= MEM_SIZE - 4)
				memcpy(mem.hva + b, r + 4, 4);
			break;
		case 5:
			wr32(d, VIRTIO_MMIO_STATUS, 0);
			break;
		case 6:
			driver_add(&mem, a, b, v);
			break;
		}
	}
	/* what the VMM reads at the end of a run */
	(void)virtio_dev_needs_reset(d);
	virtio_blk_close(&blk);
	return 0;
}
