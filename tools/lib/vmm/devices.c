// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <time.h>

#include "vmm/devices.h"

/* i8042 status bits and the few commands Linux sends to a controller. */
#define I8042_STR_OBF 0x01
#define I8042_STR_SYSFLAG 0x04
#define I8042_CMD_READ_CTR 0x20
#define I8042_CMD_WRITE_CTR 0x60
#define I8042_CMD_SELF_TEST 0xaa
#define I8042_CMD_READ_OUTP 0xd0
#define I8042_CMD_WRITE_OUTP 0xd1
#define I8042_CMD_RESET_CPU 0xfe

void i8042_init(struct i8042 *k, void (*reset)(void *ctx), void *ctx)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	k->ctr = 0x45; /* kbd interrupt on, system flag, translate */
	k->reset = reset;
	k->ctx = ctx;
}

static void i8042_push(struct i8042 *k, uint8_t v)
{
	if (k->out_len < sizeof(k->outbuf))
		k->outbuf[k->out_len++] = v;
}

/* Port 0x60, the k->lock held. */
static void i8042_data(struct i8042 *k, bool is_write, uint8_t *data)
{
	if (!is_write) {
		data[0] = k->out_len ? k->outbuf[0] : 0;
		if (k->out_len)
			memmove(k->outbuf, k->outbuf + 1, --k->out_len);
	} else if (k->pending_cmd == I8042_CMD_WRITE_CTR) {
		k->ctr = data[0];
		k->pending_cmd = 0;
	} else if (k->pending_cmd == I8042_CMD_WRITE_OUTP) {
		k->pending_cmd = 0;
		/* bit 0 low is the reset line */
		if (!(data[0] & 1) && k->reset)
			k->reset(k->ctx);
	}
	/* bytes for the keyboard itself: there is no keyboard */
}

/* Port 0x64, the k->lock held. */
static void i8042_cmd(struct i8042 *k, bool is_write, uint8_t *data)
{
	if (!is_write) {
		data[0] = I8042_STR_SYSFLAG | (k->out_len ? I8042_STR_OBF : 0);
		return;
	}
	switch (data[0]) {
	case I8042_CMD_READ_CTR:
		i8042_push(k, k->ctr);
		break;
	case I8042_CMD_WRITE_CTR:
	case I8042_CMD_WRITE_OUTP:
		k->pending_cmd = data[0];
		break;
	case I8042_CMD_SELF_TEST:
		i8042_push(k, 0x55);
		break;
	case I8042_CMD_READ_OUTP:
		i8042_push(k, 0x01);
		break;
	case I8042_CMD_RESET_CPU:
		if (k->reset)
			k->reset(k->ctx);
		break;
	}
}

/* A one-byte port of the controller: @port under its lock. */
static void i8042_locked(void *opaque, bool is_write, uint8_t *data,
			 void (*port)(struct i8042 *k, bool is_write,
				      uint8_t *data))
{
	struct i8042 *k = opaque;

	pthread_mutex_lock(&k->lock);
	port(k, is_write, data);
	pthread_mutex_unlock(&k->lock);
}

void i8042_data_access(void *opaque, uint64_t offset, bool is_write,
		       uint8_t *data, unsigned int size)
{
	(void)offset;
	(void)size;
	i8042_locked(opaque, is_write, data, i8042_data);
}

void i8042_cmd_access(void *opaque, uint64_t offset, bool is_write,
		      uint8_t *data, unsigned int size)
{
	(void)offset;
	(void)size;
	i8042_locked(opaque, is_write, data, i8042_cmd);
}

void cmos_init(struct cmos *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/*
 * UTC calendar date from the Unix time, without libc: gmtime_r() may open
 * /etc/localtime, which the VMM's seccomp filter forbids (days-to-civil
 * algorithm by Howard Hinnant).
 */
static void utc_date(int64_t t, struct tm *tm)
{
	int64_t days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tm->tm_hour = secs / 3600;
	tm->tm_min = secs / 60 % 60;
	tm->tm_sec = secs % 60;
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was Thursday */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10); /* 0-based */
	tm->tm_year = (int)(yoe + era * 400 + (tm->tm_mon <= 1)) - 1900;
}

/* The RTC registers from the host's UTC clock, BCD, 24-hour mode. */
static uint8_t cmos_read(uint8_t index)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	utc_date(ts.tv_sec, &tm);
	switch (index) {
	case 0x00:
		return bcd(tm.tm_sec);
	case 0x02:
		return bcd(tm.tm_min);
	case 0x04:
		return bcd(tm.tm_hour);
	case 0x06:
		return bcd(tm.tm_wday + 1);
	case 0x07:
		return bcd(tm.tm_mday);
	case 0x08:
		return bcd(tm.tm_mon + 1);
	case 0x09:
		return bcd(tm.tm_year % 100);
	case 0x0a:
		return 0x26; /* UIP clear, 32.768 kHz, 1024 Hz */
	case 0x0b:
		return 0x02; /* 24-hour, BCD */
	case 0x0d:
		return 0x80; /* battery good */
	case 0x32:
		return bcd(19 + tm.tm_year / 100);
	default:
		return 0;
	}
}

void cmos_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		 unsigned int size)
{
	struct cmos *c = opaque;

	(void)size;
	pthread_mutex_lock(&c->lock);
	if (offset == 0) {
		if (is_write)
			c->index = data[0] & 0x7f; /* bit 7 masks NMI */
	} else if (!is_write) {
		data[0] = cmos_read(c->index);
	}
	pthread_mutex_unlock(&c->lock);
}

void post_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		 unsigned int size)
{
	(void)opaque;
	(void)offset;
	(void)is_write;
	(void)data;
	(void)size;
}
