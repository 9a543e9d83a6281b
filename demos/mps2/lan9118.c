// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * lan9118.c - lwIP netif driver for the SMSC LAN9118 (see lan9118.h).
 *
 * Register programming follows the LAN9118 datasheet (SMSC, rev. 1.5):
 * 32-bit accesses only, MAC registers reached through MAC_CSR_CMD/DATA,
 * the PHY through the MAC's MII_ACC/MII_DATA. Facts of QEMU's model this
 * driver relies on, all of which hold on the real chip too:
 *  - after reset the MAC is promiscuous (MAC_CR.PRMS), so it is cleared;
 *  - the interrupt line is active high push-pull only with IRQ_CFG
 *    IRQ_EN | IRQ_POL | IRQ_TYPE (0x111);
 *  - the RX status word's length counts the 4-byte FCS, which is read out
 *    of the data FIFO with the frame and then trimmed.
 *
 * Concurrency: everything except the ISR runs in the tcpip thread (netif
 * init, linkoutput, the drain callback and timer), so the FIFOs need no
 * lock. The ISR only masks INT_EN and posts a message.
 */
#include <stddef.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "board.h"
#include "demo_log.h"
#include "lan9118.h"

/* ---- registers ---------------------------------------------------------- */

#define LAN_REG(off) (*(volatile uint32_t *)(BOARD_LAN9118_BASE + (off)))
#define RX_DATA_FIFO    LAN_REG(0x00)
#define TX_DATA_FIFO    LAN_REG(0x20)
#define RX_STATUS_FIFO  LAN_REG(0x40)
#define ID_REV          LAN_REG(0x50)
#define IRQ_CFG         LAN_REG(0x54)
#define INT_STS         LAN_REG(0x58)
#define INT_EN          LAN_REG(0x5C)
#define BYTE_TEST       LAN_REG(0x64)
#define FIFO_INT        LAN_REG(0x68)
#define RX_CFG          LAN_REG(0x6C)
#define TX_CFG          LAN_REG(0x70)
#define HW_CFG          LAN_REG(0x74)
#define RX_FIFO_INF     LAN_REG(0x7C)
#define TX_FIFO_INF     LAN_REG(0x80)
#define PMT_CTRL        LAN_REG(0x84)
#define MAC_CSR_CMD     LAN_REG(0xA4)
#define MAC_CSR_DATA    LAN_REG(0xA8)

#define BYTE_TEST_VALUE         0x87654321U
#define IRQ_CFG_IRQ_EN          0x00000100U
#define IRQ_CFG_IRQ_POL         0x00000010U /* active high */
#define IRQ_CFG_IRQ_TYPE        0x00000001U /* push-pull */
#define INT_RSFL                0x00000008U /* RX status FIFO level */
#define FIFO_INT_DEFAULT        0x48000000U /* TX levels default, RX: >0 */
#define TX_CFG_TX_ON            0x00000002U
#define TX_CFG_TXSAO            0x00000004U /* TX status may overrun */
#define HW_CFG_SRST             0x00000001U
#define PMT_CTRL_READY          0x00000001U
#define MAC_CSR_BUSY            0x80000000U
#define MAC_CSR_READ            0x40000000U

/* MAC CSR indexes and bits. */
#define MAC_CR                  1
#define MAC_ADDRH               2
#define MAC_ADDRL               3
#define MAC_MII_ACC             6
#define MAC_MII_DATA            7
#define MAC_CR_RXEN             0x00000004U
#define MAC_CR_TXEN             0x00000008U
#define MAC_CR_FDPX             0x00100000U
#define MII_ACC_BUSY            0x00000001U
#define PHY_ADDR                1
#define PHY_BSR                 1
#define PHY_BSR_LINK            0x0004U

/* TX command A/B and RX status. */
#define TX_CMD_A_FIRST          0x00002000U
#define TX_CMD_A_LAST           0x00001000U
#define TX_CMD_A_OFFSET_SHIFT   16
#define TX_CMD_B_TAG_SHIFT      16
#define RX_STS_ERROR            0x00008000U
#define RX_STS_LEN(sts)         (((sts) >> 16) & 0x3FFFU)
#define RX_FIFO_INF_STATUS(v)   (((v) >> 16) & 0xFFU)
#define TX_FIFO_INF_FREE(v)     ((v) & 0xFFFFU)

#define ETH_FCS_LEN             4U
#define ETH_MIN_FRAME           (SIZEOF_ETH_HDR + ETH_FCS_LEN)
#define ETH_MAX_FRAME           (SIZEOF_ETH_HDR + 1500U + ETH_FCS_LEN)

/* Bounds of busy-waits on the chip (loop iterations, ~1 ms and more). */
#define SPIN_LIMIT              100000U
#define RX_POLL_INTERVAL_MS     100U

/* IRQ 13 priority, 0 = highest: below configMAX_SYSCALL_INTERRUPT_PRIORITY,
 * so the ISR may use FreeRTOS FromISR calls. */
#define LAN9118_IRQ_PRIORITY    6U

_Static_assert(PBUF_POOL_BUFSIZE >= ((ETH_MAX_FRAME + 3U) & ~3U),
	       "a pool buffer must hold a whole frame, FCS and padding");
_Static_assert(BOARD_LAN9118_IRQ < 32, "IRQ must be in NVIC_ISER0");
_Static_assert(LAN9118_IRQ_PRIORITY >=
	       configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY &&
	       LAN9118_IRQ_PRIORITY <= configLIBRARY_LOWEST_INTERRUPT_PRIORITY,
	       "the ISR calls FreeRTOS FromISR functions");

static struct tcpip_callback_msg *rx_msg;
static struct lan9118_stats stats;
static uint16_t tx_tag;

/* ---- MAC and PHY access ------------------------------------------------- */

static int mac_wait(void)
{
	uint32_t n;

	for (n = 0; n < SPIN_LIMIT; n++) {
		if (!(MAC_CSR_CMD & MAC_CSR_BUSY))
			return 0;
	}
	return -1;
}

static uint32_t mac_read(uint32_t index)
{
	(void)mac_wait();
	MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | index;
	(void)mac_wait();
	return MAC_CSR_DATA;
}

static void mac_write(uint32_t index, uint32_t value)
{
	(void)mac_wait();
	MAC_CSR_DATA = value;
	MAC_CSR_CMD = MAC_CSR_BUSY | index;
	(void)mac_wait();
}

static uint32_t phy_read(uint32_t reg)
{
	uint32_t n;

	mac_write(MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_ACC_BUSY);
	for (n = 0; n < SPIN_LIMIT; n++) {
		if (!(mac_read(MAC_MII_ACC) & MII_ACC_BUSY))
			break;
	}
	return mac_read(MAC_MII_DATA) & 0xFFFFU;
}

int lan9118_link_up(void)
{
	return (phy_read(PHY_BSR) & PHY_BSR_LINK) != 0;
}

/* ---- receive ------------------------------------------------------------ */

static void discard_words(uint32_t words)
{
	while (words--)
		(void)RX_DATA_FIFO;
}

static void rx_drop_once(uint32_t *counter, const char *why)
{
	if ((*counter)++ == 0)
		DemoLog_Printf(DEMO_LOG_WARN, "LAN9118: received frame dropped: "
			       "%s (further drops are only counted)", why);
}

/* Reads one frame (its status already popped) and hands it to lwIP. */
static void rx_frame(struct netif *netif, uint32_t status)
{
	uint32_t len = RX_STS_LEN(status); /* includes the FCS */
	uint32_t words = (len + 3U) / 4U;
	uint32_t *dst;
	struct pbuf *p;
	uint32_t i;

	if ((status & RX_STS_ERROR) || len < ETH_MIN_FRAME ||
	    len > ETH_MAX_FRAME) {
		discard_words(words);
		rx_drop_once(&stats.rx_bad, "error status or bad length");
		return;
	}

	p = pbuf_alloc(PBUF_RAW, (u16_t)(words * 4U), PBUF_POOL);
	if (!p) {
		discard_words(words);
		rx_drop_once(&stats.rx_no_pbuf, "PBUF_POOL is empty");
		return;
	}
	LWIP_ASSERT("one pool buffer per frame", p->next == NULL);

	dst = p->payload;
	for (i = 0; i < words; i++)
		dst[i] = RX_DATA_FIFO;
	pbuf_realloc(p, (u16_t)(len - ETH_FCS_LEN));

	stats.rx_frames++;
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

/*
 * Drains the RX FIFO, in the tcpip thread. The status flag is cleared
 * before each emptiness check, so a frame that arrives after the last
 * check raises it again and interrupts once INT_EN is set.
 */
static void rx_drain(void *arg)
{
	struct netif *netif = arg;
	uint32_t pending;

	for (;;) {
		INT_STS = INT_RSFL;
		pending = RX_FIFO_INF_STATUS(RX_FIFO_INF);
		if (pending == 0)
			break;
		while (pending--)
			rx_frame(netif, RX_STATUS_FIFO);
	}
	INT_EN = INT_RSFL;
}

static void rx_poll(void *arg)
{
	rx_drain(arg);
	sys_timeout(RX_POLL_INTERVAL_MS, rx_poll, arg);
}

void Ethernet_IRQHandler(void);
void Ethernet_IRQHandler(void)
{
	BaseType_t woken = pdFALSE;
	err_t err;

	/* Level interrupt: masking it lowers the line until the drain. */
	INT_EN = 0;
	stats.irqs++;
	err = tcpip_callbackmsg_trycallback_fromisr(rx_msg);
	if (err == ERR_NEED_SCHED)
		woken = pdTRUE;
	else if (err != ERR_OK)
		stats.post_failed++; /* rx_poll() drains within 100 ms */
	portYIELD_FROM_ISR(woken);
}

/* ---- transmit ----------------------------------------------------------- */

/* Bytes a segment takes in the TX FIFO: command A and B, then the words. */
static uint32_t fifo_bytes(const struct pbuf *q)
{
	uint32_t off = (uint32_t)(uintptr_t)q->payload & 3U;

	return 8U + ((off + q->len + 3U) & ~3U);
}

static int wait_tx_room(uint32_t need)
{
	uint32_t n;

	for (n = 0; n < SPIN_LIMIT; n++) {
		if (TX_FIFO_INF_FREE(TX_FIFO_INF) >= need)
			return 0;
	}
	return -1;
}

static void tx_segment(const struct pbuf *q, uint32_t flags, uint32_t total)
{
	uint32_t off = (uint32_t)(uintptr_t)q->payload & 3U;
	const uint32_t *src = (const uint32_t *)((uintptr_t)q->payload - off);
	uint32_t words = (off + q->len + 3U) / 4U;
	uint32_t i;

	TX_DATA_FIFO = flags | (off << TX_CMD_A_OFFSET_SHIFT) | q->len;
	TX_DATA_FIFO = ((uint32_t)tx_tag << TX_CMD_B_TAG_SHIFT) | total;
	/* Whole words around the payload; the chip skips @off leading bytes
	 * and stops after q->len. */
	for (i = 0; i < words; i++)
		TX_DATA_FIFO = src[i];
}

static err_t lan9118_linkoutput(struct netif *netif, struct pbuf *p)
{
	const struct pbuf *q, *last = NULL;
	uint32_t need = 0;
	uint32_t first = TX_CMD_A_FIRST;

	(void)netif;
	for (q = p; q; q = q->next) {
		if (q->len == 0)
			continue;
		need += fifo_bytes(q);
		last = q;
	}
	if (!last)
		return ERR_OK;

	if (wait_tx_room(need) != 0) {
		if (stats.tx_dropped++ == 0)
			DemoLog_Printf(DEMO_LOG_WARN, "LAN9118: frame of %u "
				       "bytes dropped: TX FIFO full (further "
				       "drops are only counted)",
				       (unsigned int)p->tot_len);
		return ERR_IF;
	}

	for (q = p; q; q = q->next) {
		if (q->len == 0)
			continue;
		tx_segment(q, first | (q == last ? TX_CMD_A_LAST : 0U),
			   p->tot_len);
		first = 0;
	}
	tx_tag++;
	stats.tx_frames++;
	return ERR_OK;
}

/* ---- init --------------------------------------------------------------- */

static int chip_reset(void)
{
	uint32_t n;

	HW_CFG = HW_CFG_SRST;
	for (n = 0; n < SPIN_LIMIT; n++) {
		if (!(HW_CFG & HW_CFG_SRST) && (PMT_CTRL & PMT_CTRL_READY))
			return 0;
	}
	return -1;
}

static void read_mac_address(struct netif *netif)
{
	uint32_t lo = mac_read(MAC_ADDRL);
	uint32_t hi = mac_read(MAC_ADDRH);
	uint8_t *a = netif->hwaddr;

	a[0] = (uint8_t)lo;
	a[1] = (uint8_t)(lo >> 8);
	a[2] = (uint8_t)(lo >> 16);
	a[3] = (uint8_t)(lo >> 24);
	a[4] = (uint8_t)hi;
	a[5] = (uint8_t)(hi >> 8);

	if ((lo == 0 && (hi & 0xFFFFU) == 0) || (a[0] & 1U)) {
		/* No EEPROM address: a fixed locally administered one. */
		static const uint8_t fallback[6] = {
			0x02, 0x00, 0x00, 0x41, 0x53, 0x85
		};

		memcpy(a, fallback, sizeof(fallback));
		mac_write(MAC_ADDRL, (uint32_t)a[0] | (uint32_t)a[1] << 8 |
			  (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24);
		mac_write(MAC_ADDRH, (uint32_t)a[4] | (uint32_t)a[5] << 8);
		DemoLog_Printf(DEMO_LOG_WARN, "LAN9118: no MAC address in the "
			       "EEPROM; using locally administered "
			       "02:00:00:41:53:85");
	}
	netif->hwaddr_len = ETH_HWADDR_LEN;
}

static void irq_enable(void)
{
	INT_STS = 0xFFFFFFFFU;
	FIFO_INT = FIFO_INT_DEFAULT;
	INT_EN = INT_RSFL;
	IRQ_CFG = IRQ_CFG_IRQ_EN | IRQ_CFG_IRQ_POL | IRQ_CFG_IRQ_TYPE;

	/* Only the top configPRIO_BITS of the priority byte are implemented. */
	NVIC_IPR_BYTE(BOARD_LAN9118_IRQ) =
		(uint8_t)(LAN9118_IRQ_PRIORITY << (8 - configPRIO_BITS));
	NVIC_ICPR0 = 1UL << BOARD_LAN9118_IRQ;
	NVIC_ISER0 = 1UL << BOARD_LAN9118_IRQ;
}

err_t lan9118_netif_init(struct netif *netif)
{
	uint32_t test = BYTE_TEST;
	uint32_t id;

	if (test != BYTE_TEST_VALUE) {
		DemoLog_Printf(DEMO_LOG_ERROR, "LAN9118: no controller at "
			       "0x%08lx (BYTE_TEST reads 0x%08lx, expected "
			       "0x%08lx)", (unsigned long)BOARD_LAN9118_BASE,
			       (unsigned long)test,
			       (unsigned long)BYTE_TEST_VALUE);
		return ERR_IF;
	}
	id = ID_REV;
	if (chip_reset() != 0) {
		DemoLog_Printf(DEMO_LOG_ERROR, "LAN9118: soft reset did not "
			       "complete (HW_CFG 0x%08lx, PMT_CTRL 0x%08lx)",
			       (unsigned long)HW_CFG, (unsigned long)PMT_CTRL);
		return ERR_IF;
	}

	rx_msg = tcpip_callbackmsg_new(rx_drain, netif);
	if (!rx_msg) {
		DemoLog_Printf(DEMO_LOG_ERROR, "LAN9118: no lwIP message for "
			       "the receive interrupt (MEMP_NUM_TCPIP_MSG_API "
			       "too small)");
		return ERR_MEM;
	}

	read_mac_address(netif);
	/* Promiscuous mode (on after reset) off: own address + broadcast. */
	mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX);
	TX_CFG = TX_CFG_TX_ON | TX_CFG_TXSAO;
	RX_CFG = 0; /* no offset, 4-byte end alignment */

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->mtu = 1500;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = lan9118_linkoutput;

	irq_enable();
	sys_timeout(RX_POLL_INTERVAL_MS, rx_poll, netif);

	DemoLog_Printf(DEMO_LOG_INFO, "LAN9118: id 0x%04lx rev %lu, MAC "
		       "%02x:%02x:%02x:%02x:%02x:%02x, IRQ %d", (unsigned long)
		       (id >> 16), (unsigned long)(id & 0xFFFFU),
		       netif->hwaddr[0], netif->hwaddr[1], netif->hwaddr[2],
		       netif->hwaddr[3], netif->hwaddr[4], netif->hwaddr[5],
		       BOARD_LAN9118_IRQ);
	return ERR_OK;
}

void lan9118_get_stats(struct lan9118_stats *out)
{
	taskENTER_CRITICAL();
	*out = stats;
	taskEXIT_CRITICAL();
}
