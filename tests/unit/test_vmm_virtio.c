// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-mmio transport, split virtqueue and virtio-blk, driven through
 * the registers as Linux's virtio_mmio and virtio_blk drivers drive them,
 * with requests placed in a ring in a fake guest RAM and a memfd disk.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "vmm/blk.h"
#include "vmm/platform.h"
#include "vmm/virtio.h"

#define MEM_SIZE (1 << 20)
#define QSZ 256
#define DESC_GPA 0x1000
#define AVAIL_GPA 0x2000
#define USED_GPA 0x3000
#define HDR_GPA 0x8000
#define STATUS_GPA 0x8100
#define ID_GPA 0x8200
#define DATA_GPA 0x10000
#define DISK_SECTORS 64

struct guest {
	struct guest_mem mem;
	struct virtio_blk blk;
	struct vmm_disk_stats stats;
	int fd;
	unsigned int irqs, logs;
	char log[256];
	/* the driver's side of queue 0 */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, next_desc;
};

static void irq(void *ctx)
{
	struct guest *g = ctx;

	g->irqs++;
}

static void logline(void *ctx, const char *msg)
{
	struct guest *g = ctx;

	g->logs++;
	snprintf(g->log, sizeof(g->log), "%s", msg);
}

static uint32_t rd32(struct guest *g, uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(&g->blk.dev, off, false, (uint8_t *)&v, 4);
	return le32toh(v);
}

static void wr32(struct guest *g, uint64_t off, uint32_t v)
{
	v = htole32(v);
	virtio_mmio_access(&g->blk.dev, off, true, (uint8_t *)&v, 4);
}

/* Fake RAM and a virtio-blk device on @disk (a memfd if disk->fd < 0
 * and no path). */
static int guest_open_disk(struct guest *g, struct vmm_disk *disk)
{
	struct errbuf eb = { 0 };
	int ret;

	memset(g, 0, sizeof(*g));
	g->mem.size = MEM_SIZE;
	g->mem.hva = aligned_alloc(4096, MEM_SIZE);
	memset(g->mem.hva, 0, MEM_SIZE);
	g->fd = -1;
	if (disk->fd < 0 && !disk->path) {
		g->fd = memfd_create("disk", 0);
		if (ftruncate(g->fd, DISK_SECTORS * 512))
			return -errno;
		disk->fd = g->fd;
		disk->path = "test.img";
	}
	ret = virtio_blk_open(&g->blk, disk, 0, &g->mem, &eb);
	if (ret) {
		printf("# %s\n", eb.msg);
		return ret;
	}
	g->blk.stats = &g->stats;
	g->blk.dev.irq = irq;
	g->blk.dev.log = logline;
	g->blk.dev.ctx = g;
	g->desc = (void *)(g->mem.hva + DESC_GPA);
	g->avail = (void *)(g->mem.hva + AVAIL_GPA);
	g->used = (void *)(g->mem.hva + USED_GPA);
	return 0;
}

static int guest_open(struct guest *g, bool read_only)
{
	struct vmm_disk disk = { .fd = -1, .read_only = read_only };

	return guest_open_disk(g, &disk);
}

static void guest_close(struct guest *g)
{
	virtio_blk_close(&g->blk);
	if (g->fd >= 0)
		close(g->fd);
	free(g->mem.hva);
}

/* What virtio_mmio's probe, virtio_dev_probe and vm_find_vqs do. */
static bool driver_init(struct guest *g, uint64_t want)
{
	uint64_t f;

	if (rd32(g, VIRTIO_MMIO_MAGIC_VALUE) != 0x74726976 ||
	    rd32(g, VIRTIO_MMIO_VERSION) != 2 ||
	    rd32(g, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
		return false;
	wr32(g, VIRTIO_MMIO_STATUS, 0);
	wr32(g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr32(g, VIRTIO_MMIO_STATUS,
	     VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr32(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)rd32(g, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr32(g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f |= rd32(g, VIRTIO_MMIO_DEVICE_FEATURES);
	f &= want;
	wr32(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(g, VIRTIO_MMIO_DRIVER_FEATURES, f >> 32);
	wr32(g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(g, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
	wr32(g, VIRTIO_MMIO_STATUS,
	     VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		     VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(rd32(g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
		return false;

	memset(g->mem.hva + DESC_GPA, 0, USED_GPA + 0x1000 - DESC_GPA);
	g->avail_idx = 0;
	g->next_desc = 0;
	wr32(g, VIRTIO_MMIO_QUEUE_SEL, 0);
	if (rd32(g, VIRTIO_MMIO_QUEUE_READY) ||
	    rd32(g, VIRTIO_MMIO_QUEUE_NUM_MAX) < QSZ)
		return false;
	wr32(g, VIRTIO_MMIO_QUEUE_NUM, QSZ);
	wr32(g, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC_GPA);
	wr32(g, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr32(g, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL_GPA);
	wr32(g, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr32(g, VIRTIO_MMIO_QUEUE_USED_LOW, USED_GPA);
	wr32(g, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr32(g, VIRTIO_MMIO_QUEUE_READY, 1);
	if (rd32(g, VIRTIO_MMIO_QUEUE_READY) != 1)
		return false;
	wr32(g, VIRTIO_MMIO_STATUS,
	     VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	return true;
}

#define ALL_FEATURES (~0ULL & ~(1ULL << VIRTIO_RING_F_EVENT_IDX))

struct buf {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

/* Put a chain in free descriptors and make it available (no kick). */
static uint16_t add_chain(struct guest *g, const struct buf *b, unsigned int n)
{
	uint16_t head = g->next_desc % QSZ, i, d = head;

	for (i = 0; i < n; i++) {
		uint16_t next = (d + 1) % QSZ;

		g->desc[d].addr = htole64(b[i].gpa);
		g->desc[d].len = htole32(b[i].len);
		g->desc[d].flags =
			htole16((b[i].write ? VRING_DESC_F_WRITE : 0) |
				(i + 1U < n ? VRING_DESC_F_NEXT : 0));
		g->desc[d].next = htole16(next);
		d = next;
	}
	g->next_desc += n;
	g->avail->ring[g->avail_idx % QSZ] = htole16(head);
	g->avail_idx++;
	__atomic_store_n(&g->avail->idx, htole16(g->avail_idx),
			 __ATOMIC_RELEASE);
	return head;
}

static void kick(struct guest *g)
{
	wr32(g, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* The interrupt handler: read and acknowledge InterruptStatus. */
static uint32_t ack(struct guest *g)
{
	uint32_t isr = rd32(g, VIRTIO_MMIO_INTERRUPT_STATUS);

	wr32(g, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}

static void set_hdr(struct guest *g, uint32_t type, uint64_t sector)
{
	struct virtio_blk_outhdr h = { .type = htole32(type),
				       .sector = htole64(sector) };

	memcpy(g->mem.hva + HDR_GPA, &h, sizeof(h));
	g->mem.hva[STATUS_GPA] = 0xee;
}

/* One request: header, data at @gpa (len 0: none), status; kick; the
 * used len. */
static int64_t request_at(struct guest *g, uint32_t type, uint64_t sector,
			  uint64_t gpa, uint32_t len)
{
	struct buf b[3] = { { HDR_GPA, 16, false } };
	uint16_t used0 = le16toh(g->used->idx), head;
	unsigned int n = 1;

	set_hdr(g, type, sector);
	if (len)
		b[n++] = (struct buf){ gpa, len, type != VIRTIO_BLK_T_OUT };
	b[n++] = (struct buf){ STATUS_GPA, 1, true };
	head = add_chain(g, b, n);
	kick(g);
	if (le16toh(g->used->idx) != (uint16_t)(used0 + 1))
		return -1;
	if (le32toh(g->used->ring[used0 % QSZ].id) != head)
		return -2;
	return le32toh(g->used->ring[used0 % QSZ].len);
}

static int64_t request(struct guest *g, uint32_t type, uint64_t sector,
		       uint32_t len)
{
	return request_at(g, type, sector,
			  type == VIRTIO_BLK_T_GET_ID ? ID_GPA : DATA_GPA, len);
}

static uint8_t status(struct guest *g)
{
	return g->mem.hva[STATUS_GPA];
}

static void test_probe(void)
{
	struct guest g;
	uint64_t f;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_VENDOR_ID), VIRTIO_VENDOR_ISOLENS);
	wr32(&g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)rd32(&g, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	wr32(&g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f |= rd32(&g, VIRTIO_MMIO_DEVICE_FEATURES);
	CHECK(f & (1ULL << VIRTIO_F_VERSION_1));
	CHECK(f & (1ULL << VIRTIO_BLK_F_FLUSH));
	CHECK(f & (1ULL << VIRTIO_BLK_F_SEG_MAX));
	CHECK(f & (1ULL << VIRTIO_BLK_F_BLK_SIZE));
	CHECK(!(f & (1ULL << VIRTIO_BLK_F_RO)));
	CHECK(!(f & (1ULL << VIRTIO_RING_F_INDIRECT_DESC)));
	wr32(&g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	/* config: capacity as two 32-bit halves, seg_max, blk_size */
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG), DISK_SECTORS);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG + 4), 0);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG + 12), VIRTIO_BLK_SEG_MAX);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG + 20), 512);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG + 0xf0), 0);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_CONFIG_GENERATION), 0);
	/* queue 1 does not exist */
	wr32(&g, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	wr32(&g, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_SIZE);
	CHECK(driver_init(&g, ALL_FEATURES));
	CHECK(!virtio_dev_needs_reset(&g.blk.dev));
	guest_close(&g);
}

static void test_register_access_width(void)
{
	struct guest g;
	uint8_t b[8];
	uint16_t w;

	CHECK_EQ(guest_open(&g, false), 0);
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_MAGIC_VALUE, false, b, 1);
	CHECK_EQ(b[0], 0xff);
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_MAGIC_VALUE + 2, false,
			   (uint8_t *)&w, 2);
	CHECK_EQ(w, 0xffff);
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_VERSION, false, b, 8);
	CHECK_EQ(b[7], 0xff);
	/* a 16-bit write of Status is ignored */
	w = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_STATUS, true, (uint8_t *)&w,
			   2);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_STATUS), 0);
	/* config space: byte reads; past the end of the slot: nothing */
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_CONFIG, false, b, 1);
	CHECK_EQ(b[0], DISK_SECTORS);
	virtio_mmio_access(&g.blk.dev, VIRTIO_MMIO_SIZE - 2, false, b, 4);
	CHECK_EQ(b[0], 0xff);
	guest_close(&g);
}

static void test_features_refused(void)
{
	struct guest g;

	CHECK_EQ(guest_open(&g, false), 0);
	/* a legacy driver: no VERSION_1 */
	CHECK(!driver_init(&g, ~(1ULL << VIRTIO_F_VERSION_1)));
	CHECK(!(rd32(&g, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));
	/* a bit we did not offer */
	wr32(&g, VIRTIO_MMIO_STATUS, 0);
	wr32(&g, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	wr32(&g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr32(&g, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr32(&g, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr32(&g, VIRTIO_MMIO_DRIVER_FEATURES,
	     1U << VIRTIO_RING_F_INDIRECT_DESC);
	wr32(&g, VIRTIO_MMIO_STATUS,
	     VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_FEATURES_OK);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_STATUS), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	/* the accepted set works */
	CHECK(driver_init(&g, ALL_FEATURES));
	guest_close(&g);
}

static void test_read_write(void)
{
	uint8_t pat[4096], back[4096];
	struct guest g;
	unsigned int i;

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = i * 7 + 3;
	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	memcpy(g.mem.hva + DATA_GPA, pat, sizeof(pat));
	CHECK_EQ(request(&g, VIRTIO_BLK_T_OUT, 8, 4096), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_EQ(g.irqs, 1);
	CHECK_EQ(ack(&g), VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(rd32(&g, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	CHECK_EQ(pread(g.fd, back, sizeof(back), 8 * 512), sizeof(back));
	CHECK(!memcmp(back, pat, sizeof(pat)));

	memset(g.mem.hva + DATA_GPA, 0, sizeof(pat));
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 8, 4096), 4097);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(g.mem.hva + DATA_GPA, pat, sizeof(pat)));
	CHECK_EQ(g.irqs, 2);
	CHECK_EQ(g.stats.requests, 2);
	CHECK_EQ(g.stats.written_bytes, 4096);
	CHECK_EQ(g.stats.read_bytes, 4096);
	CHECK_EQ(g.stats.errors, 0);
	CHECK_EQ(g.blk.dev.notifies, 2);
	CHECK_EQ(g.blk.dev.irqs, 2);
	CHECK_EQ(g.logs, 0);
	guest_close(&g);
}

/* VERSION_1 means any layout: header split, status inside the data. */
static void test_any_layout(void)
{
	struct guest g;
	struct buf b[3];
	uint8_t *data;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	CHECK_EQ(pwrite(g.fd, "0123456789", 10, 3 * 512), 10);
	set_hdr(&g, VIRTIO_BLK_T_IN, 3);
	b[0] = (struct buf){ HDR_GPA, 5, false };
	b[1] = (struct buf){ HDR_GPA + 5, 11, false };
	b[2] = (struct buf){ DATA_GPA, 513, true };
	add_chain(&g, b, 3);
	kick(&g);
	data = g.mem.hva + DATA_GPA;
	CHECK_EQ(le16toh(g.used->idx), 1);
	CHECK_EQ(le32toh(g.used->ring[0].len), 513);
	CHECK(!memcmp(data, "0123456789", 10));
	CHECK_EQ(data[512], VIRTIO_BLK_S_OK);
	guest_close(&g);
}

static void test_read_only(void)
{
	struct guest g;

	CHECK_EQ(guest_open(&g, true), 0);
	wr32(&g, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK(rd32(&g, VIRTIO_MMIO_DEVICE_FEATURES) & (1U << VIRTIO_BLK_F_RO));
	CHECK(driver_init(&g, ALL_FEATURES));
	memset(g.mem.hva + DATA_GPA, 0x5a, 512);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_OUT, 0, 512), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 512), 513);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_EQ(g.mem.hva[DATA_GPA], 0);
	CHECK_EQ(g.stats.errors, 1);
	CHECK_EQ(g.stats.written_bytes, 0);
	CHECK(!virtio_dev_needs_reset(&g.blk.dev));
	guest_close(&g);
}

static void test_bad_requests(void)
{
	struct guest g;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	/* past the end, straddling it, a huge sector, an odd length */
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, DISK_SECTORS, 512), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_OUT, DISK_SECTORS - 1, 1024), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, ~0ULL, 512), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 100), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_DISCARD, 0, 16), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_UNSUPP);
	/* the last sector is fine */
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, DISK_SECTORS - 1, 512), 513);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_EQ(g.stats.errors, 5);
	CHECK_EQ(g.stats.requests, 6);
	/* the image shrank under us: end of file is an I/O error */
	CHECK_EQ(ftruncate(g.fd, 4 * 512), 0);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 3, 1024), 513);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(g.stats.errors, 6);
	CHECK(!virtio_dev_needs_reset(&g.blk.dev));
	CHECK_EQ(g.logs, 0);
	guest_close(&g);
}

static void test_get_id_flush(void)
{
	struct guest g;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	memset(g.mem.hva + ID_GPA, 0x77, VIRTIO_BLK_ID_BYTES);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES),
		 VIRTIO_BLK_ID_BYTES + 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_STR((char *)g.mem.hva + ID_GPA, "isolens-vda");
	CHECK_EQ(g.mem.hva[ID_GPA + VIRTIO_BLK_ID_BYTES - 1], 0);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_FLUSH, 0, 0), 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_EQ(g.stats.flushes, 1);
	guest_close(&g);
}

/* Interrupt suppression: NO_INTERRUPT, then the used event. */
static void test_suppression(void)
{
	struct guest g;
	uint16_t ev;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	g.avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 512), 513);
	CHECK_EQ(g.irqs, 0);
	g.avail->flags = 0;
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 512), 513);
	CHECK_EQ(g.irqs, 1);

	CHECK(driver_init(&g, ~0ULL));
	/* used event 1: no interrupt for the first completion, one for
	 * the second (used idx goes 1 -> 2, past the event) */
	g.avail->ring[QSZ] = htole16(1);
	g.irqs = 0;
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 512), 513);
	CHECK_EQ(g.irqs, 0);
	/* the device says where it stopped: the avail event */
	memcpy(&ev, &g.used->ring[QSZ], sizeof(ev));
	CHECK_EQ(le16toh(ev), 1);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_IN, 0, 512), 513);
	CHECK_EQ(g.irqs, 1);
	/* two requests in one kick, event at the first: one interrupt */
	g.avail->ring[QSZ] = htole16(2);
	set_hdr(&g, VIRTIO_BLK_T_FLUSH, 0);
	add_chain(&g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { STATUS_GPA, 1, true } },
		  2);
	add_chain(&g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { STATUS_GPA, 1, true } },
		  2);
	kick(&g);
	CHECK_EQ(le16toh(g.used->idx), 4);
	CHECK_EQ(g.irqs, 2);
	guest_close(&g);
}

struct bad_case {
	const char *name;
	const char *log; /* expected in the log line */
	void (*build)(struct guest *g);
};

static void bad_loop(struct guest *g)
{
	set_hdr(g, VIRTIO_BLK_T_IN, 0);
	g->desc[7] = (struct vring_desc){ htole64(HDR_GPA), htole32(16),
					  htole16(VRING_DESC_F_NEXT),
					  htole16(8) };
	g->desc[8] = (struct vring_desc){ htole64(DATA_GPA), htole32(512),
					  htole16(VRING_DESC_F_NEXT),
					  htole16(7) };
	g->avail->ring[0] = htole16(7);
	g->avail->idx = htole16(++g->avail_idx);
}

static void bad_head(struct guest *g)
{
	g->avail->ring[0] = htole16(QSZ + 3);
	g->avail->idx = htole16(++g->avail_idx);
}

static void bad_next(struct guest *g)
{
	set_hdr(g, VIRTIO_BLK_T_IN, 0);
	g->desc[0] = (struct vring_desc){ htole64(HDR_GPA), htole32(16),
					  htole16(VRING_DESC_F_NEXT),
					  htole16(QSZ) };
	g->avail->ring[0] = 0;
	g->avail->idx = htole16(++g->avail_idx);
}

static void bad_addr(struct guest *g)
{
	add_chain(g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { MEM_SIZE - 256, 512, true },
				  { STATUS_GPA, 1, true } },
		  3);
}

static void bad_addr_wrap(struct guest *g)
{
	add_chain(g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { ~0ULL - 15, 512, true },
				  { STATUS_GPA, 1, true } },
		  3);
}

static void bad_order(struct guest *g)
{
	set_hdr(g, VIRTIO_BLK_T_OUT, 0);
	add_chain(g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { STATUS_GPA, 1, true },
				  { DATA_GPA, 512, false } },
		  3);
}

static void bad_long(struct guest *g)
{
	struct buf b[VIRTQ_MAX_IOV + 1];
	unsigned int i;

	set_hdr(g, VIRTIO_BLK_T_IN, 0);
	b[0] = (struct buf){ HDR_GPA, 16, false };
	for (i = 1; i < VIRTQ_MAX_IOV; i++)
		b[i] = (struct buf){ DATA_GPA + i * 512, 512, true };
	b[i] = (struct buf){ STATUS_GPA, 1, true };
	add_chain(g, b, VIRTQ_MAX_IOV + 1);
}

static void bad_jump(struct guest *g)
{
	g->avail_idx += QSZ + 1;
	g->avail->idx = htole16(g->avail_idx);
}

static void bad_header(struct guest *g)
{
	add_chain(g,
		  (struct buf[]){ { HDR_GPA, 8, false },
				  { STATUS_GPA, 1, true } },
		  2);
}

static void bad_status(struct guest *g)
{
	set_hdr(g, VIRTIO_BLK_T_OUT, 0);
	add_chain(g,
		  (struct buf[]){ { HDR_GPA, 16, false },
				  { DATA_GPA, 512, false } },
		  2);
}

static void bad_indirect(struct guest *g)
{
	add_chain(g, (struct buf[]){ { HDR_GPA, 16, false } }, 1);
	g->desc[0].flags = htole16(VRING_DESC_F_INDIRECT);
}

static const struct bad_case bad_cases[] = {
	{ "loop", "virtio-blk: queue 0: descriptor 7 loops", bad_loop },
	{ "head", "head 259 is not below 256", bad_head },
	{ "next", "descriptor 0: next 256 is not below 256", bad_next },
	{ "addr", "descriptor 1: [0xfff00, +512) is outside RAM", bad_addr },
	{ "wrap", "is outside RAM", bad_addr_wrap },
	{ "order", "descriptor 2 is readable after a writable one", bad_order },
	{ "long", "longer than 128 descriptors", bad_long },
	{ "jump", "available index 257 is 257 entries past 0", bad_jump },
	{ "header", "request 0: a 8-byte header, not 16", bad_header },
	{ "status", "no writable status byte", bad_status },
	{ "indirect", "descriptor 0 is indirect", bad_indirect },
};

static void test_broken_queue(void)
{
	unsigned int i;
	struct guest g;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];

		printf("# %s\n", bc->name);
		CHECK_EQ(guest_open(&g, false), 0);
		CHECK(driver_init(&g, ALL_FEATURES));
		bc->build(&g);
		kick(&g);
		CHECK(virtio_dev_needs_reset(&g.blk.dev));
		CHECK(rd32(&g, VIRTIO_MMIO_STATUS) &
		      VIRTIO_CONFIG_S_NEEDS_RESET);
		CHECK_EQ(g.logs, 1);
		CHECK(strstr(g.log, bc->log) != NULL);
		if (!strstr(g.log, bc->log))
			printf("#   log: %s\n", g.log);
		CHECK_EQ(g.irqs, 1);
		CHECK_EQ(ack(&g), VIRTIO_MMIO_INT_CONFIG);
		CHECK_EQ(le16toh(g.used->idx), 0);
		/* stopped: a good request now is not taken */
		g.next_desc = 16;
		g.avail_idx = le16toh(g.avail->idx);
		request(&g, VIRTIO_BLK_T_FLUSH, 0, 0);
		CHECK_EQ(le16toh(g.used->idx), 0);
		CHECK_EQ(g.logs, 1);
		CHECK_EQ(g.irqs, 1);
		/* the driver resets: all is well again */
		CHECK(driver_init(&g, ALL_FEATURES));
		CHECK(!virtio_dev_needs_reset(&g.blk.dev));
		CHECK_EQ(rd32(&g, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
		CHECK_EQ(request(&g, VIRTIO_BLK_T_GET_ID, 0,
				 VIRTIO_BLK_ID_BYTES),
			 VIRTIO_BLK_ID_BYTES + 1);
		CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
		guest_close(&g);
	}
}

/* Bad rings at QueueReady: the queue is refused, the device needs reset. */
static void test_bad_rings(void)
{
	static const uint64_t bad[][4] = {
		{ QSZ, DESC_GPA + 8, AVAIL_GPA, USED_GPA },
		{ QSZ, DESC_GPA, AVAIL_GPA + 1, USED_GPA },
		{ QSZ, DESC_GPA, AVAIL_GPA, USED_GPA + 2 },
		{ QSZ, MEM_SIZE - 16, AVAIL_GPA, USED_GPA },
		{ QSZ, DESC_GPA, AVAIL_GPA, MEM_SIZE - 8 },
		{ QSZ, DESC_GPA, AVAIL_GPA, 0x100000000ULL + USED_GPA },
		{ 100, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ 0, DESC_GPA, AVAIL_GPA, USED_GPA },
		{ 512, DESC_GPA, AVAIL_GPA, USED_GPA },
	};
	unsigned int i;
	struct guest g;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(guest_open(&g, false), 0);
		wr32(&g, VIRTIO_MMIO_QUEUE_SEL, 0);
		wr32(&g, VIRTIO_MMIO_QUEUE_NUM, bad[i][0]);
		wr32(&g, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)bad[i][1]);
		wr32(&g, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)bad[i][2]);
		wr32(&g, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)bad[i][3]);
		wr32(&g, VIRTIO_MMIO_QUEUE_USED_HIGH, bad[i][3] >> 32);
		wr32(&g, VIRTIO_MMIO_QUEUE_READY, 1);
		CHECK_EQ(rd32(&g, VIRTIO_MMIO_QUEUE_READY), 0);
		CHECK(virtio_dev_needs_reset(&g.blk.dev));
		CHECK_EQ(g.logs, 1);
		CHECK_EQ(g.irqs, 0); /* no DRIVER_OK yet */
		CHECK(driver_init(&g, ALL_FEATURES));
		CHECK(!virtio_dev_needs_reset(&g.blk.dev));
		guest_close(&g);
	}
}

/* O_DIRECT: unaligned guest buffers through the bounce buffer. */
static void test_direct(void)
{
	char path[] = "/tmp/isolens-virtio-XXXXXX";
	struct vmm_disk disk = { .path = path, .fd = -1, .direct = true };
	uint8_t pat[1536], back[1536];
	struct guest g;
	unsigned int i;
	int fd = mkstemp(path), ret;

	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, DISK_SECTORS * 512), 0);
	ret = guest_open_disk(&g, &disk);
	unlink(path);
	if (ret) {
		if (ret == -EINVAL)
			printf("# skip: no O_DIRECT on /tmp\n");
		else
			CHECK_EQ(ret, 0);
		free(g.mem.hva);
		close(fd);
		return;
	}
	CHECK(g.blk.direct && g.blk.bounce);
	CHECK(driver_init(&g, ALL_FEATURES));
	for (i = 0; i < sizeof(pat); i++)
		pat[i] = i * 13 + 1;
	memcpy(g.mem.hva + DATA_GPA + 512, pat, sizeof(pat));
	CHECK_EQ(request_at(&g, VIRTIO_BLK_T_OUT, 5, DATA_GPA + 512,
			    sizeof(pat)),
		 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK_EQ(pread(fd, back, sizeof(back), 5 * 512), sizeof(back));
	CHECK(!memcmp(back, pat, sizeof(pat)));
	/* aligned: straight into guest RAM; unaligned: bounced */
	CHECK_EQ(request_at(&g, VIRTIO_BLK_T_IN, 4, DATA_GPA, 4096), 4097);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(g.mem.hva + DATA_GPA + 512, pat, sizeof(pat)));
	memset(g.mem.hva + DATA_GPA, 0, 8192);
	CHECK_EQ(request_at(&g, VIRTIO_BLK_T_IN, 5, DATA_GPA + 100,
			    sizeof(pat)),
		 sizeof(pat) + 1);
	CHECK_EQ(status(&g), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(g.mem.hva + DATA_GPA + 100, pat, sizeof(pat)));
	CHECK_EQ(g.stats.read_bytes, 4096 + sizeof(pat));
	guest_close(&g);
	close(fd);
}

/* After virtio_dev_stop(), kicks take nothing, even after a reset. */
static void test_stop(void)
{
	struct guest g;

	CHECK_EQ(guest_open(&g, false), 0);
	CHECK(driver_init(&g, ALL_FEATURES));
	CHECK_EQ(request(&g, VIRTIO_BLK_T_FLUSH, 0, 0), 1);
	virtio_dev_stop(&g.blk.dev);
	CHECK_EQ(request(&g, VIRTIO_BLK_T_FLUSH, 0, 0), -1);
	CHECK(driver_init(&g, ALL_FEATURES));
	CHECK_EQ(request(&g, VIRTIO_BLK_T_FLUSH, 0, 0), -1);
	CHECK_EQ(g.stats.flushes, 1);
	CHECK(!virtio_dev_needs_reset(&g.blk.dev));
	guest_close(&g);
}

static void test_empty_slot(void)
{
	struct virtio_dev d;
	uint32_t v;

	virtio_mmio_empty_access(NULL, VIRTIO_MMIO_MAGIC_VALUE, false,
				 (uint8_t *)&v, 4);
	CHECK_EQ(v, 0x74726976);
	virtio_mmio_empty_access(NULL, VIRTIO_MMIO_VERSION, false,
				 (uint8_t *)&v, 4);
	CHECK_EQ(v, 2);
	virtio_mmio_empty_access(NULL, VIRTIO_MMIO_DEVICE_ID, false,
				 (uint8_t *)&v, 4);
	CHECK_EQ(v, 0);
	v = 1;
	virtio_mmio_empty_access(NULL, VIRTIO_MMIO_STATUS, true, (uint8_t *)&v,
				 4);
	virtio_mmio_empty_access(NULL, VIRTIO_MMIO_STATUS, false, (uint8_t *)&v,
				 4);
	CHECK_EQ(v, 0);
	/* a struct virtio_dev without ops is an empty slot too */
	virtio_dev_init(&d, NULL, NULL, NULL);
	virtio_mmio_access(&d, VIRTIO_MMIO_DEVICE_ID, false, (uint8_t *)&v, 4);
	CHECK_EQ(v, 0);
	virtio_mmio_access(&d, VIRTIO_MMIO_MAGIC_VALUE, false, (uint8_t *)&v,
			   4);
	CHECK_EQ(v, 0x74726976);
	virtio_dev_kick(&d, 0);
	virtio_dev_destroy(&d);
}

static void test_open_errors(void)
{
	char path[] = "/tmp/isolens-virtio-XXXXXX";
	struct vmm_disk disk = { .path = path, .fd = -1 };
	struct errbuf eb = { 0 };
	struct guest_mem mem = { 0 };
	struct virtio_blk b;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(virtio_blk_open(&b, &disk, 0, &mem, &eb), -EINVAL);
	CHECK(strstr(eb.msg, path) && strstr(eb.msg, "0 bytes"));
	CHECK_EQ(ftruncate(fd, 1000), 0);
	CHECK_EQ(virtio_blk_open(&b, &disk, 0, &mem, &eb), -EINVAL);
	CHECK(strstr(eb.msg, "1000 bytes") != NULL);
	CHECK_EQ(ftruncate(fd, 4096), 0);
	CHECK_EQ(virtio_blk_open(&b, &disk, 1, &mem, &eb), 0);
	CHECK(b.own_fd && !b.read_only);
	CHECK_EQ(b.capacity, 8);
	CHECK_STR(b.serial, "isolens-vdb");
	virtio_blk_close(&b);
	/* an image opened read-only by the caller is a read-only disk */
	disk.fd = open(path, O_RDONLY);
	CHECK_EQ(virtio_blk_open(&b, &disk, 0, &mem, &eb), 0);
	CHECK(b.read_only && !b.own_fd);
	virtio_blk_close(&b);
	CHECK(fcntl(disk.fd, F_GETFD) >= 0); /* not ours to close */
	close(disk.fd);
	disk.fd = -1;
	unlink(path);
	CHECK_EQ(virtio_blk_open(&b, &disk, 0, &mem, &eb), -ENOENT);
	CHECK(strstr(eb.msg, path) != NULL);
	disk.path = "/tmp";
	disk.read_only = true;
	CHECK_EQ(virtio_blk_open(&b, &disk, 0, &mem, &eb), -EINVAL);
	CHECK_STR(eb.msg, "disk /tmp: not a regular file");
	close(fd);
}

int main(void)
{
	RUN(test_probe);
	RUN(test_register_access_width);
	RUN(test_features_refused);
	RUN(test_read_write);
	RUN(test_any_layout);
	RUN(test_read_only);
	RUN(test_bad_requests);
	RUN(test_get_id_flush);
	RUN(test_suppression);
	RUN(test_broken_queue);
	RUN(test_bad_rings);
	RUN(test_direct);
	RUN(test_stop);
	RUN(test_empty_slot);
	RUN(test_open_errors);
	UNIT_DONE();
}
