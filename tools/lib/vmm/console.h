/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest console's way out: a bounded buffer between the UART, which the
 * vCPU threads drive, and the VMM's output fd, which a thread of its own
 * (isolens-console) writes.  A slow or stuck reader of that fd (`isolens vm
 * run | less`, a pipe nobody reads) stalls only that thread and, once the
 * buffer is full, the guest's serial driver, as a slow line would: never a
 * vCPU thread holding the UART lock, never the main loop that enforces
 * --timeout and handles signals.
 */
#ifndef ISOLENS_VMM_CONSOLE_H
#define ISOLENS_VMM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errbuf.h"

#define CONSOLE_OUT_SIZE (16u << 10)
/* how long the end of a run waits for the reader to take what is left */
#define CONSOLE_OUT_GRACE_MS 1000

struct console_out {
	int fd;
	pthread_mutex_t lock;
	pthread_cond_t more; /* the writer waits for bytes */
	pthread_cond_t drained; /* console_out_stop() waits for the writer */
	uint8_t buf[CONSOLE_OUT_SIZE];
	size_t head, len;
	bool refused; /* console_out_put() said full: call ready() */
	bool closing; /* write what is left, then end */
	bool abort; /* end now */
	bool done; /* the writer has ended */
	bool started;
	pthread_t thread;
	void (*ready)(void *ctx); /* room again after a refusal */
	void *ctx;
	uint64_t written, dropped;
};

void console_out_init(struct console_out *c, int fd, void (*ready)(void *ctx),
		      void *ctx);
void console_out_destroy(struct console_out *c);

/* Start the writer thread (isolens-console). */
int console_out_start(struct console_out *c, struct errbuf *eb);

/* Queue one byte; false when the buffer is full (ready() follows). */
bool console_out_put(struct console_out *c, uint8_t byte);

/*
 * Give the writer up to @grace_ms to write what is queued, then stop it
 * (interrupting a write the reader does not take) and join it.  What was
 * not written is counted in ->dropped.
 */
void console_out_stop(struct console_out *c, unsigned int grace_ms);

#endif
