/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * transport_mbedtls.h - TLS network transport over mbedTLS and the sockets
 * porting layer (sockets_wrapper.h).
 *
 * Names, types and semantics are those of FreeRTOS-Plus
 * network_transport/transport_mbedtls.h, so firmware written against it
 * links unchanged: NULL arguments and a zero length give a negative
 * return, 0 means "nothing within the timeout, try again", a closed
 * connection is negative. Differences, all additive:
 *  - TLS_FreeRTOS_recv() first serves bytes mbedTLS has already decrypted
 *    and only then waits on the socket;
 *  - no call waits past its own timeout, however many socket waits mbedTLS
 *    makes inside it (a TLS record whose tail trails its head included);
 *  - one task may send while another receives on the same connection (a
 *    per-connection mutex serialises the mbedTLS calls; socket waits for
 *    incoming data happen outside it);
 *  - TLS_FreeRTOS_send() keeps writing until everything is sent or the
 *    send timeout passes;
 *  - the handshake is bounded by TLS_HANDSHAKE_TIMEOUT_MS;
 *  - TLS_FreeRTOS_GetCipherSuite() reports the negotiated suite.
 *
 * The RNG is the shared CTR_DRBG of the PKCS#11 module (pkcs11_rng.h) and
 * mbedTLS allocates from the FreeRTOS heap (installed by the connect).
 * All functions are for FreeRTOS tasks only; at most one task receives and
 * one task sends on a connection at a time.
 */
#ifndef TRANSPORT_MBEDTLS_H
#define TRANSPORT_MBEDTLS_H

#include <stddef.h>
#include <stdint.h>

#include "FreeRTOS.h"
#include "semphr.h"

#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"

#include "sockets_wrapper.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Longest time TLS_FreeRTOS_Connect() spends in the TLS handshake, in ms
 * (the TCP connect has its own bound, SOCKETS_CONNECT_TIMEOUT_MS). Measured
 * in RTOS ticks; the check runs between socket waits, so it can be exceeded
 * by at most one receive timeout. Override with -D.
 */
#ifndef TLS_HANDSHAKE_TIMEOUT_MS
#define TLS_HANDSHAKE_TIMEOUT_MS 15000U
#endif

/* mbedTLS state of one connection. */
typedef struct SSLContext {
	mbedtls_ssl_config config;  /* TLS configuration */
	mbedtls_x509_crt rootCa;    /* trusted root CA chain */
	mbedtls_x509_crt clientCert; /* our certificate (chain) */
	mbedtls_pk_context privKey; /* our private key */
	mbedtls_ssl_context context; /* the TLS session */
} SSLContext_t;

/*
 * Transport state, owned by the caller (static or on a task stack of ~2 KB
 * extra; it holds no pointers into the stack of TLS_FreeRTOS_Connect()).
 */
typedef struct TlsTransportParams {
	Socket_t tcpSocket;      /* NULL when not connected */
	SSLContext_t sslContext;
	/* Extensions (the transport's own bookkeeping): */
	uint32_t receiveTimeoutMs; /* bound of TLS_FreeRTOS_recv() */
	uint32_t sendTimeoutMs;  /* bound of TLS_FreeRTOS_send() */
	uint32_t ioTimeoutMs;    /* bound of the bio's next socket wait */
	SemaphoreHandle_t lock;  /* serialises mbedTLS calls of two tasks */
} TlsTransportParams_t;

/* Handed to the MQTT library; pParams must point at the caller's params. */
struct NetworkContext {
	TlsTransportParams_t *pParams;
};
typedef struct NetworkContext NetworkContext_t;

/*
 * Credentials. PEM buffers must be NUL-terminated and their sizes include
 * the NUL (sizeof of a string literal). DER is accepted too. The ALPN list
 * is used in place, not copied: it must outlive the connection.
 */
typedef struct NetworkCredentials {
	const char **pAlpnProtos;  /* NULL-terminated list, or NULL */
	BaseType_t disableSni;     /* pdTRUE: no SNI and NO hostname check */
	const unsigned char *pRootCa; /* required */
	size_t rootCaSize;
	const unsigned char *pClientCert; /* optional, with pPrivateKey */
	size_t clientCertSize;
	const unsigned char *pPrivateKey;
	size_t privateKeySize;
} NetworkCredentials_t;

typedef enum TlsTransportStatus {
	TLS_TRANSPORT_SUCCESS = 0,         /* connected */
	TLS_TRANSPORT_INVALID_PARAMETER,   /* NULL or inconsistent argument */
	TLS_TRANSPORT_INSUFFICIENT_MEMORY, /* heap exhausted */
	TLS_TRANSPORT_INVALID_CREDENTIALS, /* certificate or key unusable */
	TLS_TRANSPORT_HANDSHAKE_FAILED,    /* handshake failed or timed out */
	TLS_TRANSPORT_INTERNAL_ERROR,      /* mbedTLS setup failed otherwise */
	TLS_TRANSPORT_CONNECT_FAILURE      /* DNS or TCP connect failed */
} TlsTransportStatus_t;

/**
 * TLS_FreeRTOS_Connect() - open a TCP connection and run the TLS handshake.
 * @pNetworkContext:     context whose pParams points at caller-owned,
 *                       otherwise unused params.
 * @pHostName:           server name: used for DNS, SNI and the server
 *                       certificate name check (unless disableSni).
 * @port:                TCP port.
 * @pNetworkCredentials: trust anchor, client certificate and key, ALPN.
 * @receiveTimeoutMs:    longest wait of one TLS_FreeRTOS_recv().
 * @sendTimeoutMs:       longest wait of one TLS_FreeRTOS_send().
 *
 * The server certificate is always verified (MBEDTLS_SSL_VERIFY_REQUIRED).
 * Every failure is logged once with its cause; on failure nothing needs to
 * be freed. Logs "connecting", then the cipher suite and the handshake time.
 *
 * Return: a TlsTransportStatus_t (see the enum).
 */
TlsTransportStatus_t
TLS_FreeRTOS_Connect(NetworkContext_t *pNetworkContext, const char *pHostName,
		     uint16_t port,
		     const NetworkCredentials_t *pNetworkCredentials,
		     uint32_t receiveTimeoutMs, uint32_t sendTimeoutMs);

/**
 * TLS_FreeRTOS_Disconnect() - send close_notify (best effort), close the
 * socket and free all mbedTLS state. Safe on a context that failed to
 * connect or was already disconnected; NULL is ignored.
 */
void TLS_FreeRTOS_Disconnect(NetworkContext_t *pNetworkContext);

/**
 * TLS_FreeRTOS_recv() - receive up to @bytesToRecv decrypted bytes.
 *
 * Bytes mbedTLS has already decrypted are returned at once, without
 * touching the socket. Otherwise waits at most the receive timeout given to
 * the connect, in all.
 *
 * Return: bytes received (> 0); 0 if no data arrived within the receive
 * timeout: try again, the connection is still up (0 never means "closed");
 * negative if @pNetworkContext, its pParams or @pBuffer is NULL, if
 * @bytesToRecv is 0, or (an mbedTLS error code) if the peer closed the
 * connection or it failed (logged).
 */
int32_t TLS_FreeRTOS_recv(NetworkContext_t *pNetworkContext, void *pBuffer,
			  size_t bytesToRecv);

/**
 * TLS_FreeRTOS_send() - send @bytesToSend bytes.
 *
 * Writes until all bytes are sent or the send timeout (from the connect)
 * has passed, in all. If fewer bytes than asked are reported, the next call
 * must continue with the remaining bytes of the same buffer (mbedTLS may
 * hold part of them).
 *
 * Return: bytes sent (> 0); 0 if nothing could be sent in time (try again);
 * negative if @pNetworkContext, its pParams or @pBuffer is NULL or
 * @bytesToSend is 0, or (an mbedTLS error code) on failure (logged).
 */
int32_t TLS_FreeRTOS_send(NetworkContext_t *pNetworkContext,
			  const void *pBuffer, size_t bytesToSend);

/**
 * TLS_FreeRTOS_GetCipherSuite() - name of the negotiated cipher suite,
 * e.g. "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256" (extension).
 *
 * Return: a static string, or NULL if not connected.
 */
const char *
TLS_FreeRTOS_GetCipherSuite(const NetworkContext_t *pNetworkContext);

#ifdef __cplusplus
}
#endif

#endif /* TRANSPORT_MBEDTLS_H */
