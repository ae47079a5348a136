// SPDX-License-Identifier: GPL-2.0
/*
 * --tty: the payload's terminal is a pty of the container's own devpts
 * instance, and the runtime relays its master side, as `runc run -t` does
 * with a console socket.
 *
 *   child (inside the container)          runtime (host side)
 *   setsid()
 *   open /dev/ptmx, unlockpt, open slave
 *   send the master over a socketpair ──▶ ctr_console_recv()
 *   TIOCSCTTY on the slave, dup2 0/1/2      ctr_console_relay(): stdin → master,
 *   execve                                   master → stdout, SIGWINCH
 *
 * The host's own terminal is never handed to the payload: it sees only the
 * pty, so TIOCSTI or any other terminal ioctl reaches nothing of the host's.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "base/fileio.h"
#include "ctr.h"

/* One byte of data and room for one SCM_RIGHTS fd: the pty's message. */
struct fd_msg {
	char data;
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr msg;
};

static struct msghdr *fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->data = 't';
	m->iov = (struct iovec){ .iov_base = &m->data, .iov_len = 1 };
	m->msg = (struct msghdr){
		.msg_iov = &m->iov,
		.msg_iovlen = 1,
		.msg_control = m->control,
		.msg_controllen = sizeof(m->control),
	};
	return &m->msg;
}

int ctr_console_setup_child(int sock, struct errbuf *eb)
{
	struct fd_msg m;
	struct msghdr *msg = fd_msg_init(&m);
	struct cmsghdr *cm;
	int master, slave, i, unlock = 0, ptn;

	/* /dev/ptmx links to the container's devpts instance (mounts.c) */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return errbuf_errno(eb, errno, "--tty: opening /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) ||
	    ioctl(master, TIOCGPTN, &ptn)) {
		errbuf_errno(eb, errno, "--tty: unlocking the pty");
		goto err_master;
	}
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		errbuf_errno(eb, errno, "--tty: opening /dev/pts/%d", ptn);
		goto err_master;
	}
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(sock, msg, MSG_NOSIGNAL) != 1) {
		errbuf_errno(eb, errno,
			     "--tty: handing the pty to the runtime");
		goto err_slave;
	}
	close(master);
	/* the caller made us a session leader: the slave becomes our ctty */
	if (ioctl(slave, TIOCSCTTY, 0)) {
		errbuf_errno(eb, errno, "--tty: TIOCSCTTY");
		close(slave);
		return -eb->err;
	}
	for (i = 0; i < 3; i++)
		if (dup2(slave, i) < 0) {
			errbuf_errno(eb, errno, "--tty: dup2");
			close(slave);
			return -eb->err;
		}
	close(slave);
	return 0;

err_slave:
	close(slave);
err_master:
	close(master);
	return -eb->err;
}

int ctr_console_recv(int sock, int *master, struct errbuf *eb)
{
	struct fd_msg m;
	struct msghdr *msg = fd_msg_init(&m);
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(sock, msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errbuf_errno(eb, errno, "--tty: receiving the pty");
	if (n == 0)
		return -ENODATA; /* the child failed before; it says why */
	cm = CMSG_FIRSTHDR(msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return errbuf_set(eb, EPROTO,
				  "--tty: no pty from the container");
	memcpy(master, CMSG_DATA(cm), sizeof(int));
	return 0;
}

int ctr_console_raw(int fd, struct termios *saved)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, saved))
		return -ENOTTY;
	t = *saved;
	cfmakeraw(&t);
	/* keep output post-processing: the pty already did it */
	t.c_oflag = saved->c_oflag;
	if (tcsetattr(fd, TCSADRAIN, &t))
		return -errno;
	return 0;
}

void ctr_console_restore(int fd, const struct termios *saved)
{
	tcsetattr(fd, TCSADRAIN, saved);
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (!ioctl(from, TIOCGWINSZ, &ws))
		ioctl(to, TIOCSWINSZ, &ws);
}

/*
 * Relay until the payload (pidfd) has exited and its output is drained.
 * EOF on stdin is passed on as the terminal's EOF character, so `echo x |
 * isolens container run --tty -- cat` ends like it does on a terminal.
 */
int ctr_console_relay(int master, int in, int out, int pidfd)
{
	struct sigaction sa = { .sa_handler = on_winch }, old;
	struct pollfd p[3];
	bool in_open = in >= 0, done = false;
	char buf[16384];
	ssize_t n;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, &old);
	if (in_open)
		copy_winsize(in, master);
	while (!done) {
		if (winch) {
			winch = 0;
			if (in_open)
				copy_winsize(in, master);
		}
		p[0] = (struct pollfd){ .fd = master, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = in_open ? in : -1,
					.events = POLLIN };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			n = read(master, buf, sizeof(buf));
			if (n > 0 && fd_write_all(out, buf, (size_t)n))
				out = -1;
			if (n <= 0 && errno != EINTR && errno != EAGAIN)
				break; /* EIO: every slave is closed */
		} else if (p[0].revents & (POLLHUP | POLLERR)) {
			break;
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			n = read(in, buf, sizeof(buf));
			if (n > 0) {
				fd_write_all(master, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				struct termios t;

				in_open = false;
				if (!tcgetattr(master, &t))
					fd_write_all(master, &t.c_cc[VEOF], 1);
			}
		}
		if (p[1].revents & POLLIN) {
			/* the payload is gone: drain what it wrote */
			fcntl(master, F_SETFL, O_NONBLOCK);
			while ((n = read(master, buf, sizeof(buf))) > 0)
				if (fd_write_all(out, buf, (size_t)n))
					break;
			done = true;
		}
	}
	sigaction(SIGWINCH, &old, NULL);
	return 0;
}

/*
 * The runtime's side once the payload runs: the host terminal (when stdin
 * is one) goes raw, so every key, ^C included, reaches the container's
 * line discipline; the relay runs until @pid exits.
 */
int ctr_console_attach(int master, pid_t pid)
{
	struct termios saved;
	bool raw;
	int pidfd;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	raw = !ctr_console_raw(STDIN_FILENO, &saved);
	ctr_console_relay(master, STDIN_FILENO, STDOUT_FILENO, pidfd);
	if (raw)
		ctr_console_restore(STDIN_FILENO, &saved);
	close(pidfd);
	return 0;
}
