// SPDX-License-Identifier: GPL-2.0
/*
 * The console writer (see console.h).  The buffer is a ring: producers (the
 * UART, under its own lock) append at head + len, the writer takes a
 * contiguous run from head and writes it without the lock held, then
 * consumes what the write took.  Lock order: UART, then this one; the
 * writer calls ready() (which takes the UART lock) with this one released.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm/console.h"
#include "vmm/vm.h"

#define CONSOLE_KICK_MS 5 /* between kicks of a writer stuck in write() */
/* at most this much per write(), so that ready() comes as room does */
#define CONSOLE_WRITE_MAX 4096

void console_out_init(struct console_out *c, int fd, void (*ready)(void *ctx),
		      void *ctx)
{
	pthread_condattr_t attr;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->ready = ready;
	c->ctx = ctx;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->more, &attr);
	pthread_cond_init(&c->drained, &attr);
	pthread_condattr_destroy(&attr);
}

void console_out_destroy(struct console_out *c)
{
	pthread_cond_destroy(&c->drained);
	pthread_cond_destroy(&c->more);
	pthread_mutex_destroy(&c->lock);
}

bool console_out_put(struct console_out *c, uint8_t byte)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = c->len < sizeof(c->buf);
	if (ok) {
		c->buf[(c->head + c->len) % sizeof(c->buf)] = byte;
		if (!c->len++)
			pthread_cond_signal(&c->more);
	} else {
		c->refused = true;
	}
	pthread_mutex_unlock(&c->lock);
	return ok;
}

/* One write of what is queued, c->lock held on entry and on return. */
static void console_write_some(struct console_out *c)
{
	size_t n = c->len, room = sizeof(c->buf) - c->head;
	const uint8_t *p = c->buf + c->head;
	bool call_ready = false;
	ssize_t w;
	int err;

	if (n > room)
		n = room;
	if (n > CONSOLE_WRITE_MAX)
		n = CONSOLE_WRITE_MAX;
	pthread_mutex_unlock(&c->lock);
	w = write(c->fd, p, n);
	err = errno;
	if (w < 0 && err == EAGAIN) {
		/* a non-blocking fd: wait for room, but not forever */
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

		poll(&pfd, 1, 100);
	}
	pthread_mutex_lock(&c->lock);
	if (w < 0 && (err == EINTR || err == EAGAIN))
		return; /* kicked, or no room yet: the caller re-checks */
	if (w <= 0) {
		/* a closed console loses output, as a serial cable would */
		c->dropped += n;
		w = n;
	} else {
		c->written += w;
	}
	c->head = (c->head + w) % sizeof(c->buf);
	c->len -= w;
	if (c->refused) {
		c->refused = false;
		call_ready = true;
	}
	if (call_ready && c->ready) {
		pthread_mutex_unlock(&c->lock);
		c->ready(c->ctx);
		pthread_mutex_lock(&c->lock);
	}
}

static void *console_thread(void *arg)
{
	struct console_out *c = arg;
	sigset_t pipe;

	/* a reader that went away is EPIPE here, not the end of the VMM */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	pthread_mutex_lock(&c->lock);
	while (!c->abort) {
		if (c->len)
			console_write_some(c);
		else if (c->closing)
			break;
		else
			pthread_cond_wait(&c->more, &c->lock);
	}
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&c->drained);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int console_out_start(struct console_out *c, struct errbuf *eb)
{
	int err;

	vm_kick_init();
	err = pthread_create(&c->thread, NULL, console_thread, c);
	if (err)
		return errbuf_errno(eb, err, "cannot start the console thread");
	pthread_setname_np(c->thread, "isolens-console");
	c->started = true;
	return 0;
}

void console_out_stop(struct console_out *c, unsigned int grace_ms)
{
	struct timespec until, kick = { 0, CONSOLE_KICK_MS * 1000000L };

	if (!c->started)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += grace_ms / 1000;
	until.tv_nsec += (grace_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	c->closing = true;
	pthread_cond_signal(&c->more);
	while (!c->done && pthread_cond_timedwait(&c->drained, &c->lock,
						  &until) != ETIMEDOUT)
		;
	c->abort = true;
	pthread_mutex_unlock(&c->lock);
	/* a kick that lands just before write() is lost: kick until it ends */
	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		pthread_kill(c->thread, VM_KICK_SIGNAL);
		nanosleep(&kick, NULL);
	}
	pthread_join(c->thread, NULL);
	c->started = false;
	c->dropped += c->len;
	c->len = 0;
}
