// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk requests (virtio 1.x, 5.2.6): a 16-byte struct
 * virtio_blk_outhdr the device reads, data, and a status byte the device
 * writes last.  VIRTIO_F_VERSION_1 implies any framing (2.6.4), so the
 * header, the data and the status may share or split descriptors: the
 * request is cut out of the chain by byte offsets, never by descriptor.
 *
 * A request the device cannot serve (out of range, unaligned length, a
 * write to a read-only disk, a host I/O error) is answered IOERR; one that
 * is malformed (no room for the header or the status) breaks the queue.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_ids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/blk.h"

#define SECTOR 512

static struct vmm_disk_stats blk_no_stats; /* when b->stats is NULL */

static struct vmm_disk_stats *blk_stats(struct virtio_blk *b)
{
	return b->stats ? b->stats : &blk_no_stats;
}

/* The [skip, skip + len) bytes of @iov as a new array, without empty entries. */
static unsigned int iov_slice(const struct iovec *iov, unsigned int nr,
			      uint64_t skip, uint64_t len, struct iovec *out)
{
	unsigned int i, o = 0;

	for (i = 0; i < nr && len; i++) {
		uint64_t n = iov[i].iov_len;

		if (skip >= n) {
			skip -= n;
			continue;
		}
		n -= skip;
		if (n > len)
			n = len;
		out[o].iov_base = (uint8_t *)iov[i].iov_base + skip;
		out[o].iov_len = n;
		o++;
		len -= n;
		skip = 0;
	}
	return o;
}

/* Copy @len bytes at offset @skip of an iovec array to or from @buf. */
static void iov_copy(const struct iovec *iov, unsigned int nr, uint64_t skip,
		     void *buf, uint64_t len, bool to_iov)
{
	struct iovec part[VIRTQ_MAX_IOV];
	uint8_t *p = buf;
	unsigned int i, n;

	n = iov_slice(iov, nr < VIRTQ_MAX_IOV ? nr : VIRTQ_MAX_IOV, skip, len,
		      part);
	for (i = 0; i < n; i++) {
		if (to_iov)
			memcpy(part[i].iov_base, p, part[i].iov_len);
		else
			memcpy(p, part[i].iov_base, part[i].iov_len);
		p += part[i].iov_len;
	}
}

/* pread/pwrite all of @iov at @off; -errno, -EIO at end of file. */
static int blk_xfer(int fd, bool write, struct iovec *iov, unsigned int nr,
		    uint64_t off, uint64_t *done)
{
	while (nr) {
		ssize_t r = write ? pwritev(fd, iov, nr, off) :
				    preadv(fd, iov, nr, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -EIO; /* the image shrank under us */
		*done += r;
		off += r;
		/* a short transfer: go on from where it stopped */
		while (nr && (size_t)r >= iov->iov_len) {
			r -= iov->iov_len;
			iov++;
			nr--;
		}
		if (nr) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= r;
		}
	}
	return 0;
}

static bool iov_aligned(const struct iovec *iov, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if ((uintptr_t)iov[i].iov_base % VIRTIO_BLK_DIRECT_ALIGN ||
		    iov[i].iov_len % VIRTIO_BLK_DIRECT_ALIGN)
			return false;
	return true;
}

/*
 * O_DIRECT with guest buffers the host cannot DMA into directly: through
 * the aligned bounce buffer, a piece at a time.
 */
static int blk_xfer_bounce(struct virtio_blk *b, bool write,
			   const struct iovec *iov, unsigned int nr,
			   uint64_t len, uint64_t off, uint64_t *done)
{
	uint64_t pos = 0;
	int ret;

	while (pos < len) {
		uint64_t n = len - pos, got = 0;
		struct iovec one;

		if (n > VIRTIO_BLK_BOUNCE_SIZE)
			n = VIRTIO_BLK_BOUNCE_SIZE;
		one.iov_base = b->bounce;
		one.iov_len = n;
		if (write)
			iov_copy(iov, nr, pos, b->bounce, n, false);
		ret = blk_xfer(b->fd, write, &one, 1, off + pos, &got);
		if (!write)
			iov_copy(iov, nr, pos, b->bounce, got, true);
		*done += got;
		if (ret)
			return ret;
		pos += n;
	}
	return 0;
}

static uint8_t blk_rw(struct virtio_blk *b, bool write, struct iovec *iov,
		      unsigned int nr, uint64_t len, uint64_t sector,
		      uint64_t *done)
{
	struct vmm_disk_stats *st = blk_stats(b);
	int ret;

	if (len % SECTOR || sector > b->capacity ||
	    len / SECTOR > b->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	if (write && b->read_only)
		return VIRTIO_BLK_S_IOERR;
	if (b->direct && b->bounce && !iov_aligned(iov, nr))
		ret = blk_xfer_bounce(b, write, iov, nr, len, sector * SECTOR,
				      done);
	else
		ret = blk_xfer(b->fd, write, iov, nr, sector * SECTOR, done);
	if (write)
		st->written_bytes += *done;
	else
		st->read_bytes += *done;
	return ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* The last byte of the writable buffers: where the status goes. */
static uint8_t *blk_status_byte(const struct iovec *wr, unsigned int nr)
{
	while (nr--)
		if (wr[nr].iov_len)
			return (uint8_t *)wr[nr].iov_base + wr[nr].iov_len - 1;
	return NULL;
}

/* Serve one chain; the used length, or -EINVAL if the queue is broken. */
static int64_t blk_request(struct virtio_blk *b, struct virtq *vq,
			   struct virtq_chain *c)
{
	struct vmm_disk_stats *st = blk_stats(b);
	const struct iovec *rd = c->iov, *wr = c->iov + c->nr_readable;
	struct iovec data[VIRTQ_MAX_IOV];
	struct virtio_blk_outhdr hdr;
	uint64_t len, done = 0;
	uint8_t *status, s;
	unsigned int nr;
	uint32_t type;

	if (c->readable_len < sizeof(hdr)) {
		virtq_fault(vq, "request %u: a %llu-byte header, not %zu",
			    c->head, (unsigned long long)c->readable_len,
			    sizeof(hdr));
		return -EINVAL;
	}
	status = blk_status_byte(wr, c->nr_writable);
	if (!status) {
		virtq_fault(vq, "request %u: no writable status byte", c->head);
		return -EINVAL;
	}
	iov_copy(rd, c->nr_readable, 0, &hdr, sizeof(hdr), false);
	type = le32toh(hdr.type);
	st->requests++;
	switch (type) {
	case VIRTIO_BLK_T_IN:
		len = c->writable_len - 1;
		nr = iov_slice(wr, c->nr_writable, 0, len, data);
		s = blk_rw(b, false, data, nr, len, le64toh(hdr.sector), &done);
		break;
	case VIRTIO_BLK_T_OUT:
		len = c->readable_len - sizeof(hdr);
		nr = iov_slice(rd, c->nr_readable, sizeof(hdr), len, data);
		s = blk_rw(b, true, data, nr, len, le64toh(hdr.sector), &done);
		done = 0; /* nothing written into the guest's buffers */
		break;
	case VIRTIO_BLK_T_FLUSH:
		st->flushes++;
		s = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		done = c->writable_len - 1;
		if (done > VIRTIO_BLK_ID_BYTES)
			done = VIRTIO_BLK_ID_BYTES;
		iov_copy(wr, c->nr_writable, 0, b->serial, done, true);
		s = VIRTIO_BLK_S_OK;
		break;
	default:
		s = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (s != VIRTIO_BLK_S_OK)
		st->errors++;
	*status = s;
	return done + 1;
}

static int blk_process(struct virtio_dev *d, unsigned int q)
{
	struct virtio_blk *b = d->priv;
	struct virtq *vq = &d->queues[q];
	struct virtq_chain c;
	int64_t used;
	int ret;

	while ((ret = virtq_pop(vq, &c)) > 0) {
		used = blk_request(b, vq, &c);
		if (used < 0)
			return -EINVAL;
		virtq_push(vq, c.head, used > UINT32_MAX ? UINT32_MAX : used);
	}
	return ret;
}

static void blk_config_access(struct virtio_dev *d, uint64_t offset,
			      bool is_write, uint8_t *data, unsigned int size)
{
	struct virtio_blk *b = d->priv;
	struct virtio_blk_config cfg;
	uint64_t n;

	if (is_write) /* nothing is writable: no VIRTIO_BLK_F_CONFIG_WCE */
		return;
	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = htole64(b->capacity);
	cfg.seg_max = htole32(VIRTIO_BLK_SEG_MAX);
	cfg.blk_size = htole32(SECTOR);
	memset(data, 0, size);
	if (offset >= sizeof(cfg))
		return;
	n = sizeof(cfg) - offset;
	memcpy(data, (uint8_t *)&cfg + offset, n < size ? n : size);
}

#define BLK_FEATURES                                                     \
	((1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_SEG_MAX) | \
	 (1ULL << VIRTIO_BLK_F_BLK_SIZE))

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = BLK_FEATURES,
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_SIZE,
	.config_access = blk_config_access,
	.process = blk_process,
};

static const struct virtio_dev_ops blk_ro_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = BLK_FEATURES | (1ULL << VIRTIO_BLK_F_RO),
	.nr_queues = 1,
	.queue_max = VIRTIO_BLK_QUEUE_SIZE,
	.config_access = blk_config_access,
	.process = blk_process,
};

int virtio_blk_open(struct virtio_blk *b, const struct vmm_disk *disk,
		    unsigned int index, const struct guest_mem *mem,
		    struct errbuf *eb)
{
	const char *path = disk->path ? disk->path : "(open image)";
	struct stat st;
	int fl, ret;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	if (disk->fd >= 0) {
		b->fd = disk->fd;
	} else if (!disk->path) {
		return errbuf_set(eb, EINVAL, "disk %u: no path", index);
	} else {
		fl = (disk->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
		if (disk->direct)
			fl |= O_DIRECT;
		b->fd = open(disk->path, fl);
		if (b->fd < 0)
			return errbuf_errno(eb, errno, "cannot open disk %s",
					    path);
		b->own_fd = true;
	}
	fl = fcntl(b->fd, F_GETFL);
	if (fl < 0) {
		ret = errbuf_errno(eb, errno, "disk %s", path);
		goto err_close;
	}
	b->read_only = disk->read_only || (fl & O_ACCMODE) == O_RDONLY;
	b->direct = fl & O_DIRECT;
	if (fstat(b->fd, &st)) {
		ret = errbuf_errno(eb, errno, "cannot stat disk %s", path);
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = errbuf_set(eb, EINVAL, "disk %s: not a regular file",
				 path);
		goto err_close;
	}
	if (st.st_size <= 0 || st.st_size % SECTOR) {
		ret = errbuf_set(
			eb, EINVAL,
			"disk %s: %lld bytes: an image must be a non-empty multiple of 512 bytes",
			path, (long long)st.st_size);
		goto err_close;
	}
	if (b->direct) {
		b->bounce = aligned_alloc(VIRTIO_BLK_DIRECT_ALIGN,
					  VIRTIO_BLK_BOUNCE_SIZE);
		if (!b->bounce) {
			ret = errbuf_errno(eb, ENOMEM,
					   "disk %s: no bounce buffer", path);
			goto err_close;
		}
	}
	b->capacity = st.st_size / SECTOR;
	snprintf(b->serial, sizeof(b->serial), "isolens-vd%c",
		 'a' + (char)(index % 26));
	virtio_dev_init(&b->dev, b->read_only ? &blk_ro_ops : &blk_ops, b, mem);
	return 0;

err_close:
	if (b->own_fd)
		close(b->fd);
	b->fd = -1;
	b->own_fd = false;
	return ret;
}

void virtio_blk_close(struct virtio_blk *b)
{
	if (b->dev.ops)
		virtio_dev_destroy(&b->dev);
	free(b->bounce);
	b->bounce = NULL;
	if (b->own_fd && b->fd >= 0)
		close(b->fd);
	b->fd = -1;
	b->own_fd = false;
}
