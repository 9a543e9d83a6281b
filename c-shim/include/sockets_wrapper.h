/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * sockets_wrapper.h - TCP porting layer below the TLS transport.
 *
 * Same shape as the FreeRTOS-Plus sockets_wrapper.h, so transport code
 * written for it ports unchanged. One implementation per platform:
 * sockets_posix.c (FreeRTOS POSIX simulator), sockets_lwip.c (lwIP netconn).
 *
 * Timing contract shared by every implementation:
 *  - All functions are called from FreeRTOS tasks. A call that has to wait
 *    must let other tasks run while it waits (block on a FreeRTOS
 *    primitive or vTaskDelay()), never spin.
 *  - Sockets_Recv() waits at most the receive timeout given to
 *    Sockets_Connect() and Sockets_Send() at most the send timeout; a
 *    timeout of 0 means "do not wait": return what is possible now.
 *  - Waiting is measured on a clock that follows real time (on the POSIX
 *    simulator the tick runs slow, so it is not used for deadlines there).
 *
 * Every failure is logged once by the implementation, where it happens,
 * with the cause in words; callers only need to map the return code.
 */
#ifndef SOCKETS_WRAPPER_H
#define SOCKETS_WRAPPER_H

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. Values follow FreeRTOS-Plus (negated errno numbers). */
#define SOCKETS_ERROR_NONE    (0)    /* success */
#define SOCKETS_SOCKET_ERROR  (-1)   /* any other failure */
#define SOCKETS_ENOMEM        (-12)  /* out of memory */
#define SOCKETS_EINVAL        (-22)  /* invalid argument */
#define SOCKETS_ENOTCONN      (-126) /* socket not connected */
#define SOCKETS_ECLOSED       (-128) /* peer closed or reset the connection */
/* Extensions, so the caller can tell connect failures apart. */
#define SOCKETS_EHOSTNOTFOUND (-1101) /* host name did not resolve */
#define SOCKETS_ECONNREFUSED  (-1102) /* nothing listens on host:port */
#define SOCKETS_ETIMEDOUT     (-1103) /* no answer within the timeout */

/*
 * Bound on the whole of Sockets_Connect() (name resolution excepted), over
 * all addresses the name resolves to. Override with -D.
 */
#ifndef SOCKETS_CONNECT_TIMEOUT_MS
#define SOCKETS_CONNECT_TIMEOUT_MS 10000U
#endif

/* Opaque per-connection state, allocated by Sockets_Connect(). */
struct xSOCKET;
typedef struct xSOCKET *Socket_t;

/**
 * Sockets_Connect() - resolve @pHostName and open a TCP connection.
 * @pTcpSocket:       receives the new socket on success; set to NULL on
 *                    failure.
 * @pHostName:        host name or numeric address, NUL-terminated.
 * @port:             TCP port, host byte order.
 * @receiveTimeoutMs: longest wait of each Sockets_Recv() (0 = no wait).
 * @sendTimeoutMs:    longest wait of each Sockets_Send() (0 = no wait).
 *
 * The connection attempt itself is bounded by SOCKETS_CONNECT_TIMEOUT_MS.
 *
 * Return: SOCKETS_ERROR_NONE, or SOCKETS_EINVAL (bad argument),
 * SOCKETS_ENOMEM, SOCKETS_EHOSTNOTFOUND, SOCKETS_ECONNREFUSED,
 * SOCKETS_ETIMEDOUT, SOCKETS_SOCKET_ERROR (any other failure).
 */
BaseType_t Sockets_Connect(Socket_t *pTcpSocket, const char *pHostName,
			   uint16_t port, uint32_t receiveTimeoutMs,
			   uint32_t sendTimeoutMs);

/**
 * Sockets_Disconnect() - shut down and close the connection, free @tcpSocket.
 * NULL is ignored.
 */
void Sockets_Disconnect(Socket_t tcpSocket);

/**
 * Sockets_Send() - send up to @bytesToSend bytes.
 *
 * Waits at most the send timeout for room in the socket, then sends what
 * fits. Never raises SIGPIPE.
 *
 * Return: bytes sent (> 0); 0 if nothing could be sent within the timeout
 * ("would block", try again); SOCKETS_ECLOSED if the peer closed or reset
 * the connection; SOCKETS_EINVAL; SOCKETS_SOCKET_ERROR.
 */
int32_t Sockets_Send(Socket_t tcpSocket, const void *pBuffer,
		     size_t bytesToSend);

/**
 * Sockets_Recv() - receive up to @bytesToRecv bytes.
 *
 * Returns at once if data is available, else waits at most the receive
 * timeout for some.
 *
 * Return: bytes received (> 0); 0 if nothing arrived within the timeout
 * ("would block", try again); SOCKETS_ECLOSED if the peer closed or reset
 * the connection; SOCKETS_EINVAL; SOCKETS_SOCKET_ERROR.
 */
int32_t Sockets_Recv(Socket_t tcpSocket, void *pBuffer, size_t bytesToRecv);

/*
 * Extensions with a per-call bound, used by transport_mbedtls.c so that no
 * TLS_FreeRTOS_* call waits past its own timeout, however many socket waits
 * mbedTLS makes inside it. Same returns as Sockets_Send()/Sockets_Recv();
 * @timeoutMs replaces the connect-time timeout for this call (0: no wait).
 */
int32_t Sockets_SendWithin(Socket_t tcpSocket, const void *pBuffer,
			   size_t bytesToSend, uint32_t timeoutMs);
int32_t Sockets_RecvWithin(Socket_t tcpSocket, void *pBuffer,
			   size_t bytesToRecv, uint32_t timeoutMs);

/**
 * Sockets_WaitReadable() - wait until a receive would not block.
 *
 * Return: 1 when data, a close or an error is waiting to be read; 0 when
 * nothing came within @timeoutMs; SOCKETS_EINVAL or SOCKETS_SOCKET_ERROR.
 * Only one task may receive on a socket at a time.
 */
int32_t Sockets_WaitReadable(Socket_t tcpSocket, uint32_t timeoutMs);

#ifdef __cplusplus
}
#endif

#endif /* SOCKETS_WRAPPER_H */
