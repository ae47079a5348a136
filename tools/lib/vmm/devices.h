/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small legacy devices a PC guest expects besides the UART: the i8042
 * keyboard controller (only so that "reboot=k" can reset the machine),
 * the CMOS real-time clock, and the POST/delay port 0x80.
 */
#ifndef ISOLENS_VMM_DEVICES_H
#define ISOLENS_VMM_DEVICES_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define CMOS_PORT 0x70
#define POST_PORT 0x80

struct i8042 {
	pthread_mutex_t lock;
	uint8_t ctr; /* controller command byte */
	uint8_t outbuf[4];
	unsigned int out_len;
	uint8_t pending_cmd; /* command waiting for its data byte */
	void (*reset)(void *ctx); /* the guest asked for a CPU reset */
	void *ctx;
};

void i8042_init(struct i8042 *k, void (*reset)(void *ctx), void *ctx);
void i8042_data_access(void *opaque, uint64_t offset, bool is_write,
		       uint8_t *data, unsigned int size);
void i8042_cmd_access(void *opaque, uint64_t offset, bool is_write,
		      uint8_t *data, unsigned int size);

struct cmos {
	pthread_mutex_t lock;
	uint8_t index;
};

void cmos_init(struct cmos *c);
void cmos_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		 unsigned int size);

/* Writes ignored, reads 0: Linux uses port 0x80 as an I/O delay. */
void post_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		 unsigned int size);

#endif
