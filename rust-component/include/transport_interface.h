/*
 * transport_interface.h - the transport contract of the coreMQTT-compatible
 * API (FreeRTOS-Plus `transport_interface.h`: same names, types and layout).
 *
 * The application owns the connection. It hands the MQTT engine two
 * functions and an opaque pointer; the engine calls them for every byte it
 * moves and never looks inside the network context.
 *
 * The contract, as coreMQTT defines it:
 *   recv(ctx, buf, n)  returns the number of bytes placed in buf (at most n),
 *                      0 when nothing is available yet ("try again", never
 *                      "closed"), or a negative value when the connection
 *                      failed or was closed by the peer.
 *   send(ctx, buf, n)  returns the number of bytes taken (at most n), 0 when
 *                      none could be taken yet, or a negative value on error.
 * Both should return within a short, bounded time: that time is the
 * granularity of every timeout the engine keeps.
 *
 * writev is optional (NULL is fine); this engine builds each packet in the
 * network buffer and sends it with one send() call, so it does not need it.
 */

#ifndef TRANSPORT_INTERFACE_H_
#define TRANSPORT_INTERFACE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Defined by the transport implementation (TLS session, socket, ...). */
struct NetworkContext;
typedef struct NetworkContext NetworkContext_t;

/* Receive up to bytesToRecv bytes into pBuffer; see the contract above. */
typedef int32_t (*TransportRecv_t)(NetworkContext_t *pNetworkContext,
				   void *pBuffer, size_t bytesToRecv);

/* Send up to bytesToSend bytes from pBuffer; see the contract above. */
typedef int32_t (*TransportSend_t)(NetworkContext_t *pNetworkContext,
				   const void *pBuffer, size_t bytesToSend);

/* One piece of a gathered write. */
typedef struct TransportOutVector {
	const void *iov_base; /* start of the piece */
	size_t iov_len;       /* its length in bytes */
} TransportOutVector_t;

/* Send the pieces in order, as one stream; returns bytes taken or < 0. */
typedef int32_t (*TransportWritev_t)(NetworkContext_t *pNetworkContext,
				     TransportOutVector_t *pIoVec,
				     size_t ioVecCount);

/* What the MQTT context calls to move bytes. recv and send are required. */
typedef struct TransportInterface {
	TransportRecv_t recv;
	TransportSend_t send;
	TransportWritev_t writev;           /* optional, may be NULL */
	NetworkContext_t *pNetworkContext; /* passed back to each call */
} TransportInterface_t;

#ifdef __cplusplus
}
#endif

#endif /* TRANSPORT_INTERFACE_H_ */
