// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A register model.  Register meanings follow the datasheet (and
 * include/uapi/linux/serial_reg.h); only what Linux's 8250 driver and the
 * teaching guests use is modelled: DLAB, FIFO identification, loopback,
 * RX-data and THR-empty interrupts.  Every register value the guest writes
 * is masked to the bits that exist, so no guest write can put the model in
 * a state it could not be in on hardware.
 */
#include <linux/serial_reg.h>
#include <string.h>

#include "vmm/serial.h"

static void serial_update_irq(struct serial *s)
{
	uint8_t iir = UART_IIR_NO_INT;
	int level;

	if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR))
		iir = UART_IIR_RDI;
	else if ((s->ier & UART_IER_THRI) && s->thr_ipending)
		iir = UART_IIR_THRI;
	s->iir = iir | ((s->fcr & UART_FCR_ENABLE_FIFO) ? 0xc0 : 0);
	level = iir != UART_IIR_NO_INT;
	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->irq)
			s->irq(s->ctx, level);
	}
}

void serial_init(struct serial *s, bool (*tx)(void *ctx, uint8_t byte),
		 void (*irq)(void *ctx, int level), void *ctx)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->iir = UART_IIR_NO_INT;
	s->lsr = UART_LSR_TEMT | UART_LSR_THRE;
	s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	s->mcr = UART_MCR_OUT2;
	s->tx = tx;
	s->irq = irq;
	s->ctx = ctx;
}

void serial_destroy(struct serial *s)
{
	pthread_mutex_destroy(&s->lock);
}

/* The modem status register, as loopback wires MCR outputs to inputs. */
static uint8_t serial_msr(const struct serial *s)
{
	uint8_t m = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return s->msr;
	if (s->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static void serial_rx_push(struct serial *s, uint8_t c)
{
	if (s->rx_len == SERIAL_FIFO) {
		s->lsr |= UART_LSR_OE;
		s->rx_dropped++;
		return;
	}
	s->rx[(s->rx_head + s->rx_len) % SERIAL_FIFO] = c;
	s->rx_len++;
	s->rx_bytes++;
	s->lsr |= UART_LSR_DR;
}

static uint8_t serial_rx_pop(struct serial *s)
{
	uint8_t c;

	if (!s->rx_len)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO;
	if (!--s->rx_len)
		s->lsr &= ~UART_LSR_DR;
	return c;
}

/*
 * Hand the transmit FIFO to the sink, as far as it takes it.  THR (and the
 * transmitter) are empty, and THR-empty may interrupt, only once it took
 * everything.
 */
static void serial_tx_flush(struct serial *s)
{
	while (s->tx_len && (!s->tx || s->tx(s->ctx, s->txq[s->tx_head]))) {
		s->tx_head = (s->tx_head + 1) % SERIAL_TX_FIFO;
		s->tx_len--;
	}
	if (s->tx_len) {
		s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
		return;
	}
	s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
	s->thr_ipending = true;
}

static void serial_tx_push(struct serial *s, uint8_t c)
{
	if (s->tx_len == SERIAL_TX_FIFO) {
		s->tx_dropped++; /* written into a full FIFO: lost */
		return;
	}
	s->txq[(s->tx_head + s->tx_len) % SERIAL_TX_FIFO] = c;
	s->tx_len++;
	s->tx_bytes++;
	s->thr_ipending = false; /* writing THR acknowledges THR-empty */
	serial_tx_flush(s);
}

static void serial_write(struct serial *s, unsigned int reg, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab) {
			s->dll = v;
			break;
		}
		if (s->mcr & UART_MCR_LOOP) {
			serial_rx_push(s, v);
			/* looped back at once: THR is empty again */
			s->thr_ipending = true;
		} else {
			serial_tx_push(s, v);
		}
		break;
	case UART_IER:
		if (dlab) {
			s->dlm = v;
			break;
		}
		s->ier = v & 0x0f;
		/* enabling THRI with an empty THR interrupts at once */
		if ((s->ier & UART_IER_THRI) && !s->tx_len)
			s->thr_ipending = true;
		break;
	case UART_FCR:
		s->fcr = v & (UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK);
		if (v & UART_FCR_CLEAR_RCVR) {
			s->rx_len = 0;
			s->lsr &= ~UART_LSR_DR;
		}
		if ((v & UART_FCR_CLEAR_XMIT) && s->tx_len) {
			s->tx_dropped += s->tx_len;
			s->tx_len = 0;
			serial_tx_flush(s);
		}
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_LSR: /* read-only on hardware */
	case UART_MSR:
		break;
	case UART_SCR:
		s->scr = v;
		break;
	}
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t v = 0;

	switch (reg) {
	case UART_RX:
		v = dlab ? s->dll : serial_rx_pop(s);
		break;
	case UART_IER:
		v = dlab ? s->dlm : s->ier;
		break;
	case UART_IIR:
		v = s->iir;
		/* reading IIR acknowledges a THR-empty interrupt */
		if ((v & 0x0f) == UART_IIR_THRI)
			s->thr_ipending = false;
		break;
	case UART_LCR:
		v = s->lcr;
		break;
	case UART_MCR:
		v = s->mcr;
		break;
	case UART_LSR:
		v = s->lsr;
		s->lsr &= ~UART_LSR_OE; /* error bits clear on read */
		break;
	case UART_MSR:
		v = serial_msr(s);
		break;
	case UART_SCR:
		v = s->scr;
		break;
	}
	return v;
}

void serial_access(void *opaque, uint64_t offset, bool is_write, uint8_t *data,
		   unsigned int size)
{
	struct serial *s = opaque;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	/* a wider access touches consecutive registers, one byte each */
	for (i = 0; i < size && offset + i < SERIAL_NR_REGS; i++) {
		if (is_write)
			serial_write(s, offset + i, data[i]);
		else
			data[i] = serial_read(s, offset + i);
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

void serial_tx_ready(struct serial *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->tx_len) {
		serial_tx_flush(s);
		serial_update_irq(s);
	}
	pthread_mutex_unlock(&s->lock);
}

unsigned int serial_rx_room(struct serial *s)
{
	unsigned int room;

	pthread_mutex_lock(&s->lock);
	room = SERIAL_FIFO - s->rx_len;
	pthread_mutex_unlock(&s->lock);
	return room;
}

unsigned int serial_receive(struct serial *s, const uint8_t *buf,
			    unsigned int len)
{
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	for (n = 0; n < len && s->rx_len < SERIAL_FIFO; n++)
		serial_rx_push(s, buf[n]);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}
