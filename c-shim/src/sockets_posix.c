// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * sockets_posix.c - sockets_wrapper.h for the FreeRTOS POSIX simulator.
 *
 * The POSIX port runs each task in a pthread and delivers the tick as a
 * signal installed without SA_RESTART: a task blocked in a system call gets
 * EINTR every tick, and while it is blocked in the kernel no other task
 * runs. So nothing here blocks in the kernel:
 *  - sockets are non-blocking; a wait is poll() with a zero timeout, then
 *    vTaskDelay(1) so other tasks run, until ready or the deadline passes;
 *  - connect() completes through POLLOUT + getsockopt(SO_ERROR);
 *  - send() uses MSG_NOSIGNAL (no SIGPIPE); every call retries on EINTR;
 *  - deadlines are on CLOCK_MONOTONIC, because the simulated tick runs
 *    about 10% slower than real time.
 *
 * Name resolution: getaddrinfo() is a blocking libc call. It runs with the
 * scheduler suspended, because it takes glibc-internal locks (malloc, NSS)
 * that another task could otherwise be preempted holding. For numeric
 * addresses and names in /etc/hosts (e.g. "localhost") it returns in
 * microseconds; a real DNS query stops all tasks until it answers or the
 * resolver times out (glibc default 5 s x 2 attempts; glibc retries its
 * poll() after the tick's EINTR). Use numeric addresses or /etc/hosts on the
 * simulator if that matters.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "FreeRTOS.h"
#include "task.h"

#include "shim_log.h"
#include "sockets_wrapper.h"

struct xSOCKET {
	int fd;
	uint32_t receive_timeout_ms;
	uint32_t send_timeout_ms;
};

/* Result of one connection attempt, for the log. */
struct connect_result {
	int err;           /* errno of the failure, 0 on success */
	unsigned int tried; /* addresses tried */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock id and pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/*
 * Waits until @fd reports one of @events (or an error or hang-up, which the
 * caller's next system call turns into an errno) or @deadline passes.
 * Return: 1 ready, 0 deadline passed, -1 poll() failed (errno set).
 */
static int wait_ready(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		pfd.revents = 0;
		n = poll(&pfd, 1, 0);
		if (n > 0)
			return 1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (now_ms() >= deadline)
			return 0;
		vTaskDelay(1);
	}
}

static void close_fd(int fd)
{
	/* On Linux the descriptor is released even when close() fails with
	 * EINTR, so it must not be retried. */
	(void)close(fd);
}

static const char *addr_text(const struct addrinfo *ai, char *buf,
			     size_t size)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, (socklen_t)size,
			NULL, 0, NI_NUMERICHOST) != 0)
		return "?";
	return buf;
}

static BaseType_t map_gai_error(int rc)
{
	switch (rc) {
	case EAI_MEMORY:
		return SOCKETS_ENOMEM;
	case EAI_SYSTEM:
		return SOCKETS_SOCKET_ERROR;
	default:
		return SOCKETS_EHOSTNOTFOUND;
	}
}

static BaseType_t resolve(const char *host, uint16_t port,
			  struct addrinfo **res)
{
	struct addrinfo hints = { 0 };
	char service[8];
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(service, sizeof(service), "%u", (unsigned int)port);

	vTaskSuspendAll();
	rc = getaddrinfo(host, service, &hints, res);
	(void)xTaskResumeAll();

	if (rc == 0)
		return SOCKETS_ERROR_NONE;
	if (rc == EAI_SYSTEM)
		LogError("DNS lookup of \"%s\" failed: %s", host,
			 strerror(errno));
	else
		LogError("DNS lookup of \"%s\" failed: %s", host,
			 gai_strerror(rc));
	return map_gai_error(rc);
}

static void free_addresses(struct addrinfo *res)
{
	vTaskSuspendAll();
	freeaddrinfo(res);
	(void)xTaskResumeAll();
}

/* Completes a non-blocking connect(); returns 0 or an errno value. */
static int finish_connect(int fd, uint64_t deadline)
{
	socklen_t len = sizeof(int);
	int soerr = 0;
	int rc;

	rc = wait_ready(fd, POLLOUT, deadline);
	if (rc == 0)
		return ETIMEDOUT;
	if (rc < 0)
		return errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return errno;
	return soerr;
}

/* Connects to one address; returns 0 and sets *@out_fd, or an errno. */
static int connect_one(const struct addrinfo *ai, uint64_t deadline,
		       int *out_fd)
{
	int fd;
	int err;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return errno;

	err = 0;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		err = errno;
		/* EINTR: the connection continues asynchronously. */
		if (err == EINPROGRESS || err == EINTR)
			err = finish_connect(fd, deadline);
	}
	if (err != 0) {
		close_fd(fd);
		return err;
	}
	*out_fd = fd;
	return 0;
}

static int connect_any(const struct addrinfo *res, uint16_t port,
		       struct connect_result *result)
{
	uint64_t deadline = now_ms() + SOCKETS_CONNECT_TIMEOUT_MS;
	const struct addrinfo *ai;
	char addr[64];
	int fd = -1;

	result->err = EADDRNOTAVAIL; /* the name had no usable address */
	result->tried = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		result->tried++;
		result->err = connect_one(ai, deadline, &fd);
		if (result->err == 0) {
			LogDebug("TCP connected to [%s]:%u",
				 addr_text(ai, addr, sizeof(addr)),
				 (unsigned int)port);
			return fd;
		}
		LogDebug("TCP connect to [%s]:%u: %s",
			 addr_text(ai, addr, sizeof(addr)), (unsigned int)port,
			 strerror(result->err));
	}
	return -1;
}

static BaseType_t log_connect_failure(const char *host, uint16_t port,
				      const struct connect_result *result)
{
	switch (result->err) {
	case ECONNREFUSED:
		LogError("TCP connect to %s:%u failed: connection refused "
			 "(nothing listening; %u address(es) tried)",
			 host, (unsigned int)port, result->tried);
		return SOCKETS_ECONNREFUSED;
	case ETIMEDOUT:
		LogError("TCP connect to %s:%u failed: no answer within %u ms "
			 "(%u address(es) tried)", host, (unsigned int)port,
			 (unsigned int)SOCKETS_CONNECT_TIMEOUT_MS,
			 result->tried);
		return SOCKETS_ETIMEDOUT;
	case ENOMEM:
	case ENOBUFS:
		LogError("TCP connect to %s:%u failed: out of memory (%s)",
			 host, (unsigned int)port, strerror(result->err));
		return SOCKETS_ENOMEM;
	default:
		LogError("TCP connect to %s:%u failed: %s (%u address(es) "
			 "tried)", host, (unsigned int)port,
			 strerror(result->err), result->tried);
		return SOCKETS_SOCKET_ERROR;
	}
}

static void set_nodelay(int fd)
{
	int one = 1;

	/* MQTT packets are small and latency matters; not fatal if refused. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		LogWarn("TCP_NODELAY not set: %s", strerror(errno));
}

BaseType_t Sockets_Connect(Socket_t *pTcpSocket, const char *pHostName,
			   uint16_t port, uint32_t receiveTimeoutMs,
			   uint32_t sendTimeoutMs)
{
	struct connect_result result;
	struct addrinfo *res = NULL;
	struct xSOCKET *sock;
	BaseType_t rc;
	int fd;

	if (!pTcpSocket || !pHostName || pHostName[0] == '\0') {
		LogError("Sockets_Connect: socket pointer or host name "
			 "missing");
		return SOCKETS_EINVAL;
	}
	*pTcpSocket = NULL;

	sock = pvPortMalloc(sizeof(*sock));
	if (!sock) {
		LogError("Sockets_Connect: out of memory for the socket "
			 "(%u bytes)", (unsigned int)sizeof(*sock));
		return SOCKETS_ENOMEM;
	}

	rc = resolve(pHostName, port, &res);
	if (rc != SOCKETS_ERROR_NONE) {
		vPortFree(sock);
		return rc;
	}

	fd = connect_any(res, port, &result);
	free_addresses(res);
	if (fd < 0) {
		vPortFree(sock);
		return log_connect_failure(pHostName, port, &result);
	}

	set_nodelay(fd);
	sock->fd = fd;
	sock->receive_timeout_ms = receiveTimeoutMs;
	sock->send_timeout_ms = sendTimeoutMs;
	*pTcpSocket = sock;
	return SOCKETS_ERROR_NONE;
}

void Sockets_Disconnect(Socket_t tcpSocket)
{
	if (!tcpSocket)
		return;
	/* Fails harmlessly if the peer already reset the connection. */
	(void)shutdown(tcpSocket->fd, SHUT_RDWR);
	close_fd(tcpSocket->fd);
	vPortFree(tcpSocket);
}

/* Logs a failed send()/recv()/poll() and maps errno to a return code. */
static int32_t io_error(const char *what, int err)
{
	if (err == ECONNRESET || err == EPIPE) {
		LogWarn("TCP %s: connection reset by peer", what);
		return SOCKETS_ECLOSED;
	}
	LogError("TCP %s failed: %s", what, strerror(err));
	return SOCKETS_SOCKET_ERROR;
}

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

/* Partial transfers are part of the contract: clamp, do not truncate. */
static size_t clamp_len(size_t len)
{
	return len > (size_t)INT32_MAX ? (size_t)INT32_MAX : len;
}

int32_t Sockets_SendWithin(Socket_t tcpSocket, const void *pBuffer,
			   size_t bytesToSend, uint32_t timeoutMs)
{
	size_t len = clamp_len(bytesToSend);
	int32_t rc = check_io_args(tcpSocket, pBuffer, "send");
	uint64_t deadline;
	ssize_t n;
	int ready;

	if (rc != SOCKETS_ERROR_NONE || len == 0)
		return rc;

	deadline = now_ms() + timeoutMs;
	for (;;) {
		n = send(tcpSocket->fd, pBuffer, len, MSG_NOSIGNAL);
		if (n >= 0)
			return (int32_t)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return io_error("send", errno);

		ready = wait_ready(tcpSocket->fd, POLLOUT, deadline);
		if (ready == 0)
			return 0;
		if (ready < 0)
			return io_error("poll", errno);
	}
}

int32_t Sockets_Send(Socket_t tcpSocket, const void *pBuffer,
		     size_t bytesToSend)
{
	if (!tcpSocket)
		return check_io_args(tcpSocket, pBuffer, "send");
	return Sockets_SendWithin(tcpSocket, pBuffer, bytesToSend,
				  tcpSocket->send_timeout_ms);
}

int32_t Sockets_RecvWithin(Socket_t tcpSocket, void *pBuffer,
			   size_t bytesToRecv, uint32_t timeoutMs)
{
	size_t len = clamp_len(bytesToRecv);
	int32_t rc = check_io_args(tcpSocket, pBuffer, "recv");
	uint64_t deadline;
	ssize_t n;
	int ready;

	if (rc != SOCKETS_ERROR_NONE || len == 0)
		return rc;

	deadline = now_ms() + timeoutMs;
	for (;;) {
		n = recv(tcpSocket->fd, pBuffer, len, 0);
		if (n > 0)
			return (int32_t)n;
		if (n == 0) {
			LogWarn("TCP recv: connection closed by peer");
			return SOCKETS_ECLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return io_error("recv", errno);

		ready = wait_ready(tcpSocket->fd, POLLIN, deadline);
		if (ready == 0)
			return 0;
		if (ready < 0)
			return io_error("poll", errno);
	}
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
	int ready;

	if (!tcpSocket) {
		LogError("TCP wait: socket is NULL");
		return SOCKETS_EINVAL;
	}
	ready = wait_ready(tcpSocket->fd, POLLIN, now_ms() + timeoutMs);
	if (ready < 0)
		return io_error("poll", errno);
	return ready;
}
