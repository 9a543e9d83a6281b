// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * net.c - lwIP bring-up (see net.h) and lwIP's LWIP_RAND().
 */
#include "FreeRTOS.h"
#include "task.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"

#include "board.h"
#include "demo_log.h"
#include "lan9118.h"
#include "net.h"

#define DHCP_POLL_MS 20U

/* The LAN9118's free-running 25 MHz counter. */
#define LAN9118_FREE_RUN (*(volatile uint32_t *)(BOARD_LAN9118_BASE + 0x9C))

static struct netif eth_netif;
static uint32_t rand_state;

/*
 * LWIP_RAND(): xorshift32 for DHCP transaction ids, DNS ids, TCP initial
 * sequence numbers and local ports. NOT cryptographic; seeded from the
 * timers on first use. TLS never uses it (it uses the PKCS#11 DRBG).
 */
unsigned int board_rand(void)
{
	uint32_t x;

	taskENTER_CRITICAL();
	x = rand_state;
	if (x == 0)
		x = (SYST_CVR << 8) ^ LAN9118_FREE_RUN ^ 0x9E3779B9U;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rand_state = x;
	taskEXIT_CRITICAL();
	return x;
}

static int add_interface(void)
{
	err_t err;
	int rc = -1;

	LOCK_TCPIP_CORE();
	if (!netif_add(&eth_netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4,
		       IP4_ADDR_ANY4, NULL, lan9118_netif_init, netif_input)) {
		/* lan9118_netif_init() logged why. */
		DemoLog_Printf(DEMO_LOG_ERROR, "network: the LAN9118 interface "
			       "could not be added");
		goto out;
	}
	netif_set_default(&eth_netif);
	netif_set_up(&eth_netif);
	if (!lan9118_link_up()) {
		DemoLog_Printf(DEMO_LOG_ERROR, "network: no Ethernet link "
			       "(PHY reports link down; is QEMU started with "
			       "-nic user?)");
		goto out;
	}
	netif_set_link_up(&eth_netif);

	err = dhcp_start(&eth_netif);
	if (err != ERR_OK) {
		DemoLog_Printf(DEMO_LOG_ERROR, "network: DHCP did not start "
			       "(lwIP error %d: out of memory?)", (int)err);
		goto out;
	}
	rc = 0;
out:
	UNLOCK_TCPIP_CORE();
	return rc;
}

static int have_lease(void)
{
	int bound;

	LOCK_TCPIP_CORE();
	bound = dhcp_supplied_address(&eth_netif);
	UNLOCK_TCPIP_CORE();
	return bound;
}

static void log_lease(TickType_t ticks)
{
	char ip[16], mask[16], gw[16], dns[16], host[16];
	const ip_addr_t *server;
	ip_addr_t broker;

	LOCK_TCPIP_CORE();
	ip4addr_ntoa_r(netif_ip4_addr(&eth_netif), ip, sizeof(ip));
	ip4addr_ntoa_r(netif_ip4_netmask(&eth_netif), mask, sizeof(mask));
	ip4addr_ntoa_r(netif_ip4_gw(&eth_netif), gw, sizeof(gw));
	server = dns_getserver(0);
	ip4addr_ntoa_r(ip_2_ip4(server), dns, sizeof(dns));
	if (dns_local_lookup(BOARD_BROKER_HOST_NAME, &broker,
			     LWIP_DNS_ADDRTYPE_IPV4) == ERR_OK)
		ip4addr_ntoa_r(ip_2_ip4(&broker), host, sizeof(host));
	else
		host[0] = '\0';
	UNLOCK_TCPIP_CORE();

	DemoLog_Printf(DEMO_LOG_INFO, "network: DHCP lease %s netmask %s "
		       "gateway %s DNS %s, after %lu ticks", ip, mask, gw, dns,
		       (unsigned long)ticks);
	DemoLog_Printf(DEMO_LOG_INFO, "network: local host list: \"%s\" is "
		       "%s (QEMU's user network forwards it to the host's "
		       "127.0.0.1)", BOARD_BROKER_HOST_NAME,
		       host[0] ? host : "(missing)");
}

int net_start(uint32_t timeout_ms)
{
	const TickType_t start = xTaskGetTickCount();
	const TickType_t limit = pdMS_TO_TICKS(timeout_ms);

	DemoLog_Printf(DEMO_LOG_INFO, "network: lwIP %s, LAN9118, DHCP",
		       LWIP_VERSION_STRING);
	tcpip_init(NULL, NULL);
	if (add_interface() != 0)
		return -1;

	while (!have_lease()) {
		if (xTaskGetTickCount() - start >= limit) {
			DemoLog_Printf(DEMO_LOG_ERROR, "network: no DHCP lease "
				       "within %lu ms (is QEMU started with "
				       "-nic user?)",
				       (unsigned long)timeout_ms);
			return -1;
		}
		vTaskDelay(pdMS_TO_TICKS(DHCP_POLL_MS));
	}
	log_lease(xTaskGetTickCount() - start);
	return 0;
}

void net_log_stats(void)
{
	struct lan9118_stats st;
	TaskHandle_t tcpip = xTaskGetHandle(TCPIP_THREAD_NAME);
	unsigned long unused;

	lan9118_get_stats(&st);
	DemoLog_Printf(DEMO_LOG_INFO, "network: LAN9118 rx %lu frames (%lu "
		       "dropped: no buffer %lu, bad %lu), tx %lu (%lu dropped), "
		       "%lu interrupts, %lu mailbox-full", (unsigned long)
		       st.rx_frames, (unsigned long)(st.rx_no_pbuf + st.rx_bad),
		       (unsigned long)st.rx_no_pbuf, (unsigned long)st.rx_bad,
		       (unsigned long)st.tx_frames,
		       (unsigned long)st.tx_dropped, (unsigned long)st.irqs,
		       (unsigned long)st.post_failed);
	if (!tcpip)
		return;
	unused = uxTaskGetStackHighWaterMark(tcpip) * sizeof(StackType_t);
	DemoLog_Printf(DEMO_LOG_INFO, "network: tcpip thread stack high-water "
		       "mark: %lu of %u bytes used (%lu never touched)",
		       (unsigned long)TCPIP_THREAD_STACKSIZE - unused,
		       (unsigned int)TCPIP_THREAD_STACKSIZE, unused);
}
