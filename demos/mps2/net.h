/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * net.h - network bring-up of the MPS2 images: lwIP's tcpip thread,
 * the LAN9118 interface and a DHCP lease from QEMU's user network.
 */
#ifndef NET_H
#define NET_H

#include <stdint.h>

/**
 * net_start() - start lwIP, add the LAN9118 interface, run DHCP and wait
 * for the lease. Call once, from a task.
 * @timeout_ms: longest wait for the lease.
 *
 * Logs the address, gateway and DNS server, and the local host list entry
 * that maps the broker's name to the host.
 *
 * Return: 0, or -1 if the interface or DHCP failed (cause logged).
 */
int net_start(uint32_t timeout_ms);

/** net_log_stats() - log the driver counters and the tcpip thread's stack
 * high-water mark. */
void net_log_stats(void);

#endif /* NET_H */
