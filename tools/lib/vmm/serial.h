/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART as a PC has at 0x3f8, IRQ 4: enough for Linux's 8250
 * driver (console out, line input in) and for teaching guests that just
 * OUT bytes to the transmit register.  Transmission is instantaneous, so
 * the transmitter is always empty.
 */
#ifndef ISOLENS_VMM_SERIAL_H
#define ISOLENS_VMM_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ 4
#define SERIAL_NR_REGS 8
#define SERIAL_FIFO 64
#define SERIAL_TX_FIFO 16 /* a 16550A's transmit FIFO */

struct serial {
	pthread_mutex_t lock; /* vCPU threads and the console input thread */
	uint8_t ier, iir, fcr, lcr, mcr, lsr, msr, scr, dll, dlm;
	bool thr_ipending; /* THR-empty interrupt not yet acknowledged */
	uint8_t rx[SERIAL_FIFO];
	unsigned int rx_head, rx_len;
	uint8_t txq[SERIAL_TX_FIFO]; /* bytes the sink has not taken yet */
	unsigned int tx_head, tx_len;
	int irq_level; /* last level driven onto the irq line */
	/* output sink (false: full, try again later) and interrupt line */
	bool (*tx)(void *ctx, uint8_t byte);
	void (*irq)(void *ctx, int level);
	void *ctx;
	uint64_t tx_bytes, tx_dropped, rx_bytes, rx_dropped;
};

void serial_init(struct serial *s, bool (*tx)(void *ctx, uint8_t byte),
		 void (*irq)(void *ctx, int level), void *ctx);
void serial_destroy(struct serial *s);

/* bus_access_fn for the 8 registers (offset 0..7). */
void serial_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		   unsigned int size);

/* The sink has room again: hand it the waiting bytes (any thread). */
void serial_tx_ready(struct serial *s);

/* Free space in the receive FIFO. */
unsigned int serial_rx_room(struct serial *s);

/* Queue received bytes; returns how many fit (the rest is the caller's). */
unsigned int serial_receive(struct serial *s, const uint8_t *buf,
			    unsigned int len);

#endif
