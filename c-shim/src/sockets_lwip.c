// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * sockets_lwip.c - sockets_wrapper.h over lwIP's netconn API (NO_SYS=0).
 *
 * netconn rather than lwIP's BSD sockets: it is what the sockets layer is
 * built on, costs ~10 KB less flash, and gives every wait this file needs:
 *  - name resolution: netconn_gethostbyname(), which answers from lwIP's
 *    local host list (DNS_LOCAL_HOSTLIST) before asking a DNS server;
 *  - connect: non-blocking netconn_connect(), then a wait for the
 *    connection to complete, bounded by SOCKETS_CONNECT_TIMEOUT_MS;
 *  - receive: netconn_recv_tcp_pbuf_flags() with the netconn's receive
 *    timeout (LWIP_SO_RCVTIMEO), or NETCONN_DONTBLOCK for a zero timeout;
 *    a received pbuf is kept until the caller has read all of it;
 *  - send: netconn_write_partly() with NETCONN_COPY and the send timeout
 *    (LWIP_SO_SNDTIMEO), or NETCONN_DONTBLOCK for a zero timeout.
 * All waits block on FreeRTOS primitives inside lwIP, so other tasks run.
 *
 * Needs in lwipopts.h: LWIP_NETCONN, LWIP_TCP, LWIP_DNS, LWIP_SO_RCVTIMEO,
 * LWIP_SO_SNDTIMEO and LWIP_TCPIP_CORE_LOCKING (for TCP_NODELAY).
 */
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "lwip/api.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "shim_log.h"
#include "sockets_wrapper.h"

#if !LWIP_NETCONN || !LWIP_TCP || !LWIP_DNS || !LWIP_SO_RCVTIMEO || \
	!LWIP_SO_SNDTIMEO || !LWIP_TCPIP_CORE_LOCKING
#error "sockets_lwip.c needs LWIP_NETCONN, LWIP_TCP, LWIP_DNS, LWIP_SO_RCVTIMEO, LWIP_SO_SNDTIMEO and LWIP_TCPIP_CORE_LOCKING"
#endif

/* How often a pending connect is checked. */
#define CONNECT_POLL_MS 2U

struct xSOCKET {
	struct netconn *conn;
	struct pbuf *rx;        /* received, not yet fully read; or NULL */
	u16_t rx_off;           /* bytes of @rx already read */
	err_t rx_err;           /* a close/error seen by Sockets_WaitReadable() */
	uint32_t receive_timeout_ms;
	uint32_t send_timeout_ms;
};

/* lwIP's lwip_strerr() only exists with LWIP_DEBUG: our own words. */
static const char *err_text(err_t err)
{
	switch (err) {
	case ERR_OK:
		return "no error";
	case ERR_MEM:
		return "out of memory (lwIP pools)";
	case ERR_BUF:
		return "buffer error";
	case ERR_TIMEOUT:
		return "timed out";
	case ERR_RTE:
		return "no route to host";
	case ERR_INPROGRESS:
		return "operation in progress";
	case ERR_VAL:
		return "illegal value";
	case ERR_WOULDBLOCK:
		return "operation would block";
	case ERR_USE:
		return "address in use";
	case ERR_ALREADY:
		return "already connecting";
	case ERR_ISCONN:
		return "already connected";
	case ERR_CONN:
		return "not connected";
	case ERR_IF:
		return "network interface error";
	case ERR_ABRT:
		return "connection aborted";
	case ERR_RST:
		return "connection reset";
	case ERR_CLSD:
		return "connection closed";
	case ERR_ARG:
		return "illegal argument";
	default:
		return "unknown lwIP error";
	}
}

/* ---- connect ------------------------------------------------------------ */

static BaseType_t resolve(const char *host, ip_addr_t *addr)
{
	err_t err = netconn_gethostbyname(host, addr);

	if (err == ERR_OK) {
		LogDebug("\"%s\" is %s", host, ipaddr_ntoa(addr));
		return SOCKETS_ERROR_NONE;
	}
	if (err == ERR_MEM) {
		LogError("DNS lookup of \"%s\" failed: out of memory (lwIP "
			 "DNS table or messages)", host);
		return SOCKETS_ENOMEM;
	}
	/* lwIP reports "no such name" and "no answer" alike (ERR_VAL). */
	LogError("DNS lookup of \"%s\" failed: not in lwIP's local host list, "
		 "and DNS gave no address (no such name, no answer, or no "
		 "server; lwIP: %s)", host, err_text(err));
	return SOCKETS_EHOSTNOTFOUND;
}

/*
 * Waits for a non-blocking connect to finish. lwIP clears
 * NETCONN_FLAG_IN_NONBLOCKING_CONNECT when the connection is established
 * and when it fails; a failure also leaves the error pending on the
 * netconn.
 * Return: ERR_OK, the connection's error, or ERR_TIMEOUT.
 */
static err_t wait_connected(struct netconn *conn)
{
	const TickType_t start = xTaskGetTickCount();
	const TickType_t limit = pdMS_TO_TICKS(SOCKETS_CONNECT_TIMEOUT_MS);

	while (netconn_is_flag_set(conn, NETCONN_FLAG_IN_NONBLOCKING_CONNECT)) {
		if (xTaskGetTickCount() - start >= limit)
			return ERR_TIMEOUT;
		vTaskDelay(pdMS_TO_TICKS(CONNECT_POLL_MS) ?
			   pdMS_TO_TICKS(CONNECT_POLL_MS) : 1);
	}
	return netconn_err(conn);
}

static BaseType_t log_connect_failure(const char *host, uint16_t port,
				      const ip_addr_t *addr, err_t err)
{
	const char *ip = ipaddr_ntoa(addr);

	switch (err) {
	case ERR_RST:
		LogError("TCP connect to %s:%u (%s) failed: connection refused "
			 "(nothing listening)", host, (unsigned int)port, ip);
		return SOCKETS_ECONNREFUSED;
	case ERR_TIMEOUT:
		LogError("TCP connect to %s:%u (%s) failed: no answer within "
			 "%u ms", host, (unsigned int)port, ip,
			 (unsigned int)SOCKETS_CONNECT_TIMEOUT_MS);
		return SOCKETS_ETIMEDOUT;
	case ERR_ABRT:
		LogError("TCP connect to %s:%u (%s) failed: no answer, lwIP "
			 "gave up after %d SYNs", host, (unsigned int)port, ip,
			 TCP_SYNMAXRTX);
		return SOCKETS_ETIMEDOUT;
	case ERR_MEM:
		LogError("TCP connect to %s:%u (%s) failed: out of memory "
			 "(lwIP pools)", host, (unsigned int)port, ip);
		return SOCKETS_ENOMEM;
	default:
		LogError("TCP connect to %s:%u (%s) failed: %s", host,
			 (unsigned int)port, ip, err_text(err));
		return SOCKETS_SOCKET_ERROR;
	}
}

static err_t open_connection(struct netconn *conn, const ip_addr_t *addr,
			     uint16_t port)
{
	err_t err;

	netconn_set_nonblocking(conn, 1);
	err = netconn_connect(conn, addr, port);
	if (err == ERR_INPROGRESS)
		err = wait_connected(conn);
	netconn_set_nonblocking(conn, 0);
	return err;
}

static void set_nodelay(struct netconn *conn)
{
	/* MQTT packets are small and latency matters. */
	LOCK_TCPIP_CORE();
	if (conn->pcb.tcp)
		tcp_nagle_disable(conn->pcb.tcp);
	UNLOCK_TCPIP_CORE();
}

BaseType_t Sockets_Connect(Socket_t *pTcpSocket, const char *pHostName,
			   uint16_t port, uint32_t receiveTimeoutMs,
			   uint32_t sendTimeoutMs)
{
	struct xSOCKET *sock;
	ip_addr_t addr;
	BaseType_t rc;
	err_t err;

	if (!pTcpSocket || !pHostName || pHostName[0] == '\0') {
		LogError("Sockets_Connect: socket pointer or host name missing");
		return SOCKETS_EINVAL;
	}
	*pTcpSocket = NULL;

	rc = resolve(pHostName, &addr);
	if (rc != SOCKETS_ERROR_NONE)
		return rc;

	sock = pvPortMalloc(sizeof(*sock));
	if (!sock) {
		LogError("Sockets_Connect: out of memory for the socket "
			 "(%u bytes)", (unsigned int)sizeof(*sock));
		return SOCKETS_ENOMEM;
	}
	memset(sock, 0, sizeof(*sock));

	sock->conn = netconn_new(NETCONN_TCP);
	if (!sock->conn) {
		LogError("Sockets_Connect: no lwIP netconn free "
			 "(MEMP_NUM_NETCONN or MEMP_NUM_TCP_PCB too small)");
		vPortFree(sock);
		return SOCKETS_ENOMEM;
	}

	err = open_connection(sock->conn, &addr, port);
	if (err != ERR_OK) {
		(void)netconn_delete(sock->conn);
		vPortFree(sock);
		return log_connect_failure(pHostName, port, &addr, err);
	}
	LogDebug("TCP connected to %s:%u (%s)", pHostName, (unsigned int)port,
		 ipaddr_ntoa(&addr));

	set_nodelay(sock->conn);
	/* lwIP reads 0 as "wait forever": zero timeouts use DONTBLOCK. Its
	 * send timeout is an s32_t (negative would time out at once): clamp. */
	netconn_set_recvtimeout(sock->conn, (u32_t)receiveTimeoutMs);
	netconn_set_sendtimeout(sock->conn, sendTimeoutMs > (uint32_t)INT32_MAX ?
				INT32_MAX : (s32_t)sendTimeoutMs);
	sock->receive_timeout_ms = receiveTimeoutMs;
	sock->send_timeout_ms = sendTimeoutMs;
	*pTcpSocket = sock;
	return SOCKETS_ERROR_NONE;
}

void Sockets_Disconnect(Socket_t tcpSocket)
{
	if (!tcpSocket)
		return;
	if (tcpSocket->rx)
		pbuf_free(tcpSocket->rx);
	/* Sends FIN (or nothing, if the peer already reset); frees the
	 * netconn and its PCB. */
	(void)netconn_delete(tcpSocket->conn);
	vPortFree(tcpSocket);
}

/* ---- data --------------------------------------------------------------- */

/* A Socket_t exists only while connected: only NULLs need checking. */
static int32_t check_io_args(const struct xSOCKET *sock, const void *buf,
			     const char *what)
{
	if (!sock || !buf) {
		LogError("TCP %s: socket or buffer is NULL", what);
		return SOCKETS_EINVAL;
	}
	return SOCKETS_ERROR_NONE;
}

/* Logs a failed netconn call on a connected socket, maps it. */
static int32_t io_error(const char *what, err_t err)
{
	switch (err) {
	case ERR_CLSD:
		LogWarn("TCP %s: connection closed by peer", what);
		return SOCKETS_ECLOSED;
	case ERR_RST:
	case ERR_ABRT:
	case ERR_CONN:
		LogWarn("TCP %s: connection %s", what,
			err == ERR_RST ? "reset by peer" :
			err == ERR_ABRT ? "aborted (retransmissions failed)" :
			"is gone");
		return SOCKETS_ECLOSED;
	default:
		LogError("TCP %s failed: %s", what, err_text(err));
		return SOCKETS_SOCKET_ERROR;
	}
}

/* Partial transfers are part of the contract: clamp, do not truncate. */
static size_t clamp_len(size_t len, size_t max)
{
	return len > max ? max : len;
}

/* lwIP reads a 0 timeout as "wait forever": 0 means DONTBLOCK here. Its
 * send timeout is an s32_t (negative would time out at once): clamp. */
static s32_t send_timeout(uint32_t ms)
{
	return ms > (uint32_t)INT32_MAX ? INT32_MAX : (s32_t)ms;
}

int32_t Sockets_SendWithin(Socket_t tcpSocket, const void *pBuffer,
			   size_t bytesToSend, uint32_t timeoutMs)
{
	size_t len = clamp_len(bytesToSend, (size_t)INT32_MAX);
	int32_t rc = check_io_args(tcpSocket, pBuffer, "send");
	u8_t flags = NETCONN_COPY;
	size_t written = 0;
	err_t err;

	if (rc != SOCKETS_ERROR_NONE || len == 0)
		return rc;
	if (timeoutMs == 0)
		flags |= NETCONN_DONTBLOCK;
	else
		netconn_set_sendtimeout(tcpSocket->conn, send_timeout(timeoutMs));

	err = netconn_write_partly(tcpSocket->conn, pBuffer, len, flags,
				   &written);
	if (err == ERR_OK)
		return (int32_t)written;
	if (err == ERR_WOULDBLOCK || err == ERR_TIMEOUT || err == ERR_MEM)
		return 0; /* no room in time: try again */
	return io_error("send", err);
}

int32_t Sockets_Send(Socket_t tcpSocket, const void *pBuffer,
		     size_t bytesToSend)
{
	if (!tcpSocket)
		return check_io_args(tcpSocket, pBuffer, "send");
	return Sockets_SendWithin(tcpSocket, pBuffer, bytesToSend,
				  tcpSocket->send_timeout_ms);
}

/* Copies from the kept pbuf; frees it once read. */
static int32_t take_rx(struct xSOCKET *sock, void *buf, size_t len)
{
	u16_t avail = (u16_t)(sock->rx->tot_len - sock->rx_off);
	u16_t n = (u16_t)clamp_len(len, avail);

	n = pbuf_copy_partial(sock->rx, buf, n, sock->rx_off);
	sock->rx_off = (u16_t)(sock->rx_off + n);
	if (sock->rx_off >= sock->rx->tot_len) {
		pbuf_free(sock->rx);
		sock->rx = NULL;
		sock->rx_off = 0;
	}
	return (int32_t)n;
}

/*
 * Makes sure a pbuf (or the close/error) is kept, waiting at most
 * @timeoutMs. Return: 1 if something can be read, 0 if nothing came.
 */
static int fill_rx(struct xSOCKET *sock, uint32_t timeoutMs)
{
	struct pbuf *p = NULL;
	u8_t flags = 0;
	err_t err;

	if (sock->rx || sock->rx_err != ERR_OK)
		return 1;
	if (timeoutMs == 0)
		flags |= NETCONN_DONTBLOCK;
	else
		netconn_set_recvtimeout(sock->conn, (u32_t)timeoutMs);

	err = netconn_recv_tcp_pbuf_flags(sock->conn, &p, flags);
	if (err == ERR_OK && p) {
		sock->rx = p;
		sock->rx_off = 0;
		return 1;
	}
	if (err == ERR_WOULDBLOCK || err == ERR_TIMEOUT)
		return 0; /* nothing yet */
	/* No pbuf: the peer sent FIN; or an error. Reported by the next recv. */
	sock->rx_err = err == ERR_OK ? ERR_CLSD : err;
	return 1;
}

int32_t Sockets_RecvWithin(Socket_t tcpSocket, void *pBuffer,
			   size_t bytesToRecv, uint32_t timeoutMs)
{
	int32_t rc = check_io_args(tcpSocket, pBuffer, "recv");

	if (rc != SOCKETS_ERROR_NONE || bytesToRecv == 0)
		return rc;
	if (!fill_rx(tcpSocket, timeoutMs))
		return 0; /* nothing yet: try again */
	if (tcpSocket->rx)
		return take_rx(tcpSocket, pBuffer, bytesToRecv);
	return io_error("recv", tcpSocket->rx_err);
}

int32_t Sockets_Recv(Socket_t tcpSocket, void *pBuffer, size_t bytesToRecv)
{
	if (!tcpSocket)
		return check_io_args(tcpSocket, pBuffer, "recv");
	return Sockets_RecvWithin(tcpSocket, pBuffer, bytesToRecv,
				  tcpSocket->receive_timeout_ms);
}

int32_t Sockets_WaitReadable(Socket_t tcpSocket, uint32_t timeoutMs)
{
	if (!tcpSocket) {
		LogError("TCP wait: socket is NULL");
		return SOCKETS_EINVAL;
	}
	return fill_rx(tcpSocket, timeoutMs);
}
