/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * lan9118.h - lwIP netif driver for the SMSC LAN9118 Ethernet controller of
 * the MPS2 boards (0x40200000, IRQ 13), as emulated by QEMU.
 *
 * Receive is interrupt driven: the ISR masks the controller's interrupt and
 * posts one static callback message to the tcpip thread, which drains the
 * RX FIFO into PBUF_POOL buffers, feeds them to lwIP and unmasks. A 100 ms
 * cyclic lwIP timer drains as well, so a post that failed (tcpip mailbox
 * full) or an edge that was missed costs at most 100 ms, never the link.
 * Transmit is polled: linkoutput() copies the frame into the 4.5 KB TX
 * FIFO (waiting briefly for room) and returns.
 */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

struct lan9118_stats {
	uint32_t rx_frames;     /* frames handed to lwIP */
	uint32_t rx_no_pbuf;    /* dropped: PBUF_POOL empty */
	uint32_t rx_bad;        /* dropped: error status or bad length */
	uint32_t tx_frames;     /* frames sent */
	uint32_t tx_dropped;    /* dropped: TX FIFO stayed full */
	uint32_t irqs;          /* receive interrupts */
	uint32_t post_failed;   /* tcpip mailbox full in the ISR */
};

/**
 * lan9118_netif_init() - netif_add() init callback: reset and configure the
 * controller (MAC address from its EEPROM, promiscuous mode off, TX/RX on),
 * fill in @netif and enable the receive interrupt. Runs with the tcpip core
 * locked.
 *
 * Return: ERR_OK, or ERR_IF if no LAN9118 answers (cause logged).
 */
err_t lan9118_netif_init(struct netif *netif);

/**
 * lan9118_link_up() - the PHY's link status (basic status register).
 * Return: 1 link up, 0 down.
 */
int lan9118_link_up(void);

/** lan9118_get_stats() - copy the driver's counters into @out. */
void lan9118_get_stats(struct lan9118_stats *out);

#endif /* LAN9118_H */
