// SPDX-License-Identifier: GPL-2.0
/* The 16550 model as Linux's 8250 driver and the teaching guests use it. */
#include <linux/serial_reg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmm/serial.h"

static uint8_t txbuf[256];
static unsigned int txlen;
static int irq_level, irq_changes;

static unsigned int tx_room = ~0u; /* bytes the sink takes before "full" */

static bool tx(void *ctx, uint8_t b)
{
	(void)ctx;
	if (!tx_room)
		return false;
	tx_room--;
	if (txlen < sizeof(txbuf))
		txbuf[txlen++] = b;
	return true;
}

static void irq(void *ctx, int level)
{
	(void)ctx;
	irq_level = level;
	irq_changes++;
}

static void wr(struct serial *s, unsigned int reg, uint8_t v)
{
	serial_access(s, reg, true, &v, 1);
}

static uint8_t rd(struct serial *s, unsigned int reg)
{
	uint8_t v = 0xee;

	serial_access(s, reg, false, &v, 1);
	return v;
}

static void setup(struct serial *s)
{
	txlen = 0;
	tx_room = ~0u;
	irq_level = 0;
	irq_changes = 0;
	serial_init(s, tx, irq, NULL);
}

static void test_transmit(void)
{
	struct serial s;

	setup(&s);
	wr(&s, UART_TX, 'h');
	wr(&s, UART_TX, 'i');
	CHECK_EQ(txlen, 2);
	CHECK(!memcmp(txbuf, "hi", 2));
	CHECK(rd(&s, UART_LSR) & UART_LSR_THRE);
	CHECK_EQ(irq_changes, 0); /* no interrupt unless IER asks */
	serial_destroy(&s);
}

static void test_dlab_and_scratch(void)
{
	struct serial s;

	setup(&s);
	wr(&s, UART_LCR, UART_LCR_DLAB);
	wr(&s, UART_DLL, 1);
	wr(&s, UART_DLM, 0);
	CHECK_EQ(rd(&s, UART_DLL), 1);
	CHECK_EQ(txlen, 0); /* divisor writes are not data */
	wr(&s, UART_LCR, UART_LCR_WLEN8);
	wr(&s, UART_SCR, 0x5a);
	CHECK_EQ(rd(&s, UART_SCR), 0x5a);
	serial_destroy(&s);
}

static void test_fifo_identifies_16550a(void)
{
	struct serial s;

	setup(&s);
	wr(&s, UART_FCR, UART_FCR_ENABLE_FIFO);
	CHECK_EQ(rd(&s, UART_IIR) >> 6, 3);
	serial_destroy(&s);
}

static void test_thri_interrupt(void)
{
	struct serial s;

	setup(&s);
	wr(&s, UART_IER, UART_IER_THRI);
	CHECK_EQ(irq_level, 1);
	CHECK_EQ(rd(&s, UART_IIR) & 0x0f, UART_IIR_THRI);
	/* reading IIR acknowledged it: the line drops */
	CHECK_EQ(irq_level, 0);
	CHECK_EQ(rd(&s, UART_IIR) & 0x0f, UART_IIR_NO_INT);
	/* a new byte empties THR again: a new edge */
	wr(&s, UART_TX, 'x');
	CHECK_EQ(irq_level, 1);
	wr(&s, UART_IER, 0);
	CHECK_EQ(irq_level, 0);
	serial_destroy(&s);
}

static void test_receive(void)
{
	struct serial s;
	uint8_t big[100];

	setup(&s);
	wr(&s, UART_IER, UART_IER_RDI);
	CHECK_EQ(serial_receive(&s, (const uint8_t *)"ab", 2), 2);
	CHECK_EQ(irq_level, 1);
	CHECK(rd(&s, UART_LSR) & UART_LSR_DR);
	CHECK_EQ(rd(&s, UART_IIR) & 0x0f, UART_IIR_RDI);
	CHECK_EQ(rd(&s, UART_RX), 'a');
	CHECK_EQ(rd(&s, UART_RX), 'b');
	CHECK(!(rd(&s, UART_LSR) & UART_LSR_DR));
	CHECK_EQ(irq_level, 0);
	CHECK_EQ(rd(&s, UART_RX), 0); /* empty FIFO reads 0 */

	/* the FIFO takes what fits and says so */
	memset(big, 'z', sizeof(big));
	CHECK_EQ(serial_rx_room(&s), SERIAL_FIFO);
	CHECK_EQ(serial_receive(&s, big, sizeof(big)), SERIAL_FIFO);
	CHECK_EQ(serial_rx_room(&s), 0);
	wr(&s, UART_FCR, UART_FCR_CLEAR_RCVR);
	CHECK_EQ(serial_rx_room(&s), SERIAL_FIFO);
	serial_destroy(&s);
}

static void test_loopback(void)
{
	struct serial s;

	setup(&s);
	wr(&s, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	CHECK_EQ(rd(&s, UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
	wr(&s, UART_TX, 'L');
	CHECK_EQ(txlen, 0); /* looped back, not sent */
	CHECK_EQ(rd(&s, UART_RX), 'L');
	serial_destroy(&s);
}

/*
 * A sink that is full (stdout not read): bytes wait in the 16-byte transmit
 * FIFO, THR is not empty and does not interrupt until the sink took them.
 */
static void test_transmit_backpressure(void)
{
	struct serial s;
	unsigned int i;

	setup(&s);
	wr(&s, UART_FCR, UART_FCR_ENABLE_FIFO);
	wr(&s, UART_IER, UART_IER_THRI);
	CHECK_EQ(rd(&s, UART_IIR) & 0x0f, UART_IIR_THRI);
	CHECK_EQ(irq_level, 0);
	tx_room = 2;
	for (i = 0; i < 2 + SERIAL_TX_FIFO + 1; i++)
		wr(&s, UART_TX, 'a' + i);
	CHECK_EQ(txlen, 2);
	CHECK_EQ(s.tx_len, SERIAL_TX_FIFO);
	CHECK_EQ(s.tx_dropped, 1); /* written into a full FIFO */
	CHECK(!(rd(&s, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT)));
	CHECK_EQ(irq_level, 0);
	/* room for a few: still not empty */
	tx_room = 4;
	serial_tx_ready(&s);
	CHECK_EQ(txlen, 6);
	CHECK_EQ(irq_level, 0);
	tx_room = ~0u;
	serial_tx_ready(&s);
	CHECK_EQ(txlen, 2 + SERIAL_TX_FIFO);
	CHECK_EQ(txbuf[2], 'c'); /* in order */
	CHECK_EQ(txbuf[txlen - 1], 'a' + 1 + SERIAL_TX_FIFO);
	CHECK(rd(&s, UART_LSR) & UART_LSR_TEMT);
	CHECK_EQ(irq_level, 1); /* THR empty at last */
	serial_destroy(&s);
}

/* Any byte to any register offset, any width: no crash, state stays sane. */
static void test_random_access(void)
{
	struct serial s;
	unsigned int i;

	setup(&s);
	srand(1);
	for (i = 0; i < 200000; i++) {
		uint8_t data[8];
		unsigned int j, size = 1 + rand() % 8;

		for (j = 0; j < size; j++)
			data[j] = rand();
		serial_access(&s, rand() % SERIAL_NR_REGS, rand() & 1, data,
			      size);
		if (!(i % 1000))
			serial_receive(&s, data, size);
		if (!(i % 777))
			tx_room = rand() % 3 ? ~0u : (unsigned int)rand() % 20;
		if (!(i % 500))
			serial_tx_ready(&s);
		CHECK(s.rx_len <= SERIAL_FIFO);
		CHECK(s.rx_head < SERIAL_FIFO);
		CHECK(s.tx_len <= SERIAL_TX_FIFO);
		CHECK(s.tx_head < SERIAL_TX_FIFO);
	}
	serial_destroy(&s);
}

int main(void)
{
	RUN(test_transmit);
	RUN(test_dlab_and_scratch);
	RUN(test_fifo_identifies_16550a);
	RUN(test_thri_interrupt);
	RUN(test_receive);
	RUN(test_loopback);
	RUN(test_transmit_backpressure);
	RUN(test_random_access);
	UNIT_DONE();
}
