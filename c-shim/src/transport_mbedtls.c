// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * transport_mbedtls.c - TLS transport over mbedTLS (3.6 LTS, or 2.28) and
 * sockets_wrapper.h, with the FreeRTOS-Plus transport_mbedtls.h API. See the
 * header.
 *
 * I/O model: mbedTLS's bio callbacks sit on Sockets_Send()/Sockets_Recv(),
 * which wait at most the timeouts given at connect and return 0 for "would
 * block". The callbacks turn that 0 into MBEDTLS_ERR_SSL_WANT_READ/WRITE:
 * returning 0 would tell mbedTLS the peer closed the connection. A closed
 * peer is reported to mbedTLS as 0 (EOF), other socket failures as
 * MBEDTLS_ERR_NET_*; those were logged by the sockets layer, so they are
 * not logged again here.
 */
/* mbedTLS 3.x: the received alert is only in the context's private part. */
#define MBEDTLS_ALLOW_PRIVATE_ACCESS

#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pem.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"
#include "mbedtls/x509.h"

#include "mbedtls_freertos_alloc.h"
#include "pkcs11_rng.h"
#include "shim_log.h"
#include "transport_mbedtls.h"

#if MBEDTLS_VERSION_MAJOR >= 3
#include "psa/crypto.h"
#define SSL_IN_MSG(ssl) ((ssl)->MBEDTLS_PRIVATE(in_msg))
#else
#define SSL_IN_MSG(ssl) ((ssl)->in_msg)
#endif

#define PEM_BEGIN "-----BEGIN "

/* ---- error reporting -------------------------------------------------- */

#if !defined(MBEDTLS_ERROR_C)
/*
 * Without MBEDTLS_ERROR_C (no error.c in flash): our words for the codes a
 * TLS client meets. Certificate failures are decoded separately
 * (mbedtls_x509_crt_verify_info), so they read the same either way.
 */
static const char *own_error_text(int err)
{
	switch (err) {
	case MBEDTLS_ERR_SSL_ALLOC_FAILED:
	case MBEDTLS_ERR_X509_ALLOC_FAILED:
	case MBEDTLS_ERR_PK_ALLOC_FAILED:
		return "out of memory";
	case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
		return "bad input parameters (e.g. a record larger than the "
		       "receive buffer)";
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
		return "invalid TLS record";
	case MBEDTLS_ERR_SSL_INVALID_MAC:
		return "record authentication (MAC) failed";
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return "unexpected message";
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		return "fatal alert received";
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
		return "peer closed the session (close_notify)";
	case MBEDTLS_ERR_SSL_CONN_EOF:
		return "connection closed";
	case MBEDTLS_ERR_SSL_TIMEOUT:
		return "timed out";
#if defined(MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE) /* mbedTLS 3 */
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		return "handshake failure (no common parameters)";
#endif
	case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
		return "no client certificate";
	case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
		return "certificate verification failed";
	case MBEDTLS_ERR_X509_INVALID_FORMAT:
		return "certificate: invalid format";
	case MBEDTLS_ERR_PK_KEY_INVALID_FORMAT:
		return "private key: invalid format";
	case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
		return "private key is encrypted";
	case MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT:
		return "no PEM header or footer";
	case MBEDTLS_ERR_NET_CONN_RESET:
		return "connection reset by peer";
	case MBEDTLS_ERR_NET_SEND_FAILED:
		return "socket send failed";
	case MBEDTLS_ERR_NET_RECV_FAILED:
		return "socket receive failed";
	default:
		return "no text (build with MBEDTLS_DEMO_ERROR_STRINGS for "
		       "mbedTLS's own)";
	}
}
#endif

/* Writes the description of @err into @buf. */
static const char *mbedtls_error_text(int err, char *buf, size_t size)
{
#if defined(MBEDTLS_ERROR_C)
	mbedtls_strerror(err, buf, size);
#else
	(void)snprintf(buf, size, "%s", own_error_text(err));
#endif
	return buf;
}

static void log_mbedtls_failure(const char *what, int err)
{
	char text[96];

	LogError("%s failed: %s (mbedTLS error -0x%04x)", what,
		 mbedtls_error_text(err, text, sizeof(text)),
		 (unsigned int)-err);
}

static TlsTransportStatus_t status_of_setup_error(int err)
{
	if (err == MBEDTLS_ERR_SSL_ALLOC_FAILED ||
	    err == MBEDTLS_ERR_X509_ALLOC_FAILED ||
	    err == MBEDTLS_ERR_PK_ALLOC_FAILED)
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	return TLS_TRANSPORT_INTERNAL_ERROR;
}

/* Socket failures (logged by the sockets layer) as seen through mbedTLS. */
static int is_socket_error(int err)
{
	return err == MBEDTLS_ERR_SSL_CONN_EOF ||
	       err == MBEDTLS_ERR_NET_CONN_RESET ||
	       err == MBEDTLS_ERR_NET_SEND_FAILED ||
	       err == MBEDTLS_ERR_NET_RECV_FAILED;
}

static const char *alert_name(unsigned int alert)
{
	switch (alert) {
	case MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY:
		return "close_notify";
	case MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE:
		return "unexpected_message";
	case MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC:
		return "bad_record_mac";
	case MBEDTLS_SSL_ALERT_MSG_RECORD_OVERFLOW:
		return "record_overflow";
	case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
		return "handshake_failure: no common cipher suite, curve or "
		       "signature algorithm, or client certificate missing";
	case MBEDTLS_SSL_ALERT_MSG_BAD_CERT:
		return "bad_certificate: the server rejected our client "
		       "certificate";
	case MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT:
		return "unsupported_certificate";
	case MBEDTLS_SSL_ALERT_MSG_CERT_REVOKED:
		return "certificate_revoked";
	case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED:
		return "certificate_expired: our client certificate expired";
	case MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN:
		return "certificate_unknown: the server rejected our client "
		       "certificate";
	case MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER:
		return "illegal_parameter";
	case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA:
		return "unknown_ca: the server does not trust the CA of our "
		       "client certificate";
	case MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED:
		return "access_denied";
	case MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR:
		return "decode_error";
	case MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR:
		return "decrypt_error: a signature did not verify (client key "
		       "and certificate do not match?)";
	case MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION:
		return "protocol_version: the server does not accept TLS 1.2";
	case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY:
		return "insufficient_security";
	case MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR:
		return "internal_error";
	case MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME:
		return "unrecognized_name: the server does not know the SNI "
		       "host name";
	case 116: /* TLS 1.3 certificate_required, sent by some servers */
		return "certificate_required: the server wants a client "
		       "certificate";
	case MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL:
		return "no_application_protocol: the server accepts none of "
		       "our ALPN protocols";
	default:
		return "unknown alert";
	}
}

/*
 * Turns the verify flags into mbedTLS's words, "; "-separated, e.g.
 * "The certificate Common Name (CN) does not match with the expected CN".
 */
static const char *verify_flags_text(uint32_t flags, char *buf, size_t size)
{
	size_t len;
	char *p;
	int n;

	n = mbedtls_x509_crt_verify_info(buf, size, "", flags);
	if (n < 0) {
		(void)snprintf(buf, size, "(flags do not fit the buffer)");
		return buf;
	}
	len = (size_t)n;
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (p = buf; *p; p++) {
		if (*p == '\n')
			*p = ';';
	}
	return buf;
}

static void log_verify_failure(const char *host, uint16_t port,
			       uint32_t flags)
{
	char text[256];

	LogError("TLS handshake with %s:%u failed: server certificate not "
		 "accepted (verify flags 0x%08lx): %s%s%s", host,
		 (unsigned int)port, (unsigned long)flags,
		 verify_flags_text(flags, text, sizeof(text)),
		 (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ?
		 "; expected name: " : "",
		 (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ? host : "");
}

/*
 * A server that rejects our client certificate sends a plaintext alert and
 * closes at once; our next write then fails with a reset before mbedTLS
 * reads the alert. The alert is usually still queued in the socket: fetch
 * it to name the cause. Returns the alert description, or -1.
 */
static int queued_alert(Socket_t sock)
{
	unsigned char rec[7]; /* record header + level + description */
	size_t got = 0;
	int32_t n;

	while (got < sizeof(rec)) {
		n = Sockets_Recv(sock, &rec[got], sizeof(rec) - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	if (rec[0] != MBEDTLS_SSL_MSG_ALERT || rec[3] != 0 || rec[4] != 2)
		return -1;
	return rec[6];
}

static void log_alert(const char *host, uint16_t port, unsigned int alert)
{
	LogError("TLS handshake with %s:%u failed: server sent fatal alert "
		 "%u (%s)", host, (unsigned int)port, alert, alert_name(alert));
}

/* @step: "TLS handshake with <host>:<port>", for mbedTLS's own words. */
static void log_handshake_failure(const TlsTransportParams_t *params,
				  const char *step, const char *host,
				  uint16_t port, int err)
{
	const mbedtls_ssl_context *ssl = &params->sslContext.context;
	uint32_t flags = mbedtls_ssl_get_verify_result(ssl);
	int alert;

	if (err == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		log_verify_failure(host, port, flags);
	} else if (err == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		/* mbedTLS keeps the received alert in in_msg[0..1]. */
		log_alert(host, port, SSL_IN_MSG(ssl) ? SSL_IN_MSG(ssl)[1] : 256U);
	} else if (is_socket_error(err)) {
		alert = queued_alert(params->tcpSocket);
		if (alert >= 0)
			log_alert(host, port, (unsigned int)alert);
		else
			LogError("TLS handshake with %s:%u failed: the server "
				 "dropped the connection (cause logged above)",
				 host, (unsigned int)port);
	} else {
		log_mbedtls_failure(step, err);
	}
}

/* ---- time --------------------------------------------------------------- */

/* Milliseconds left of @budget_ms since @start (0 when used up). */
static uint32_t ms_left(TickType_t start, uint32_t budget_ms)
{
	uint64_t elapsed = (uint64_t)(TickType_t)(xTaskGetTickCount() - start) *
			   1000U / configTICK_RATE_HZ;

	return elapsed >= budget_ms ? 0U : (uint32_t)(budget_ms - elapsed);
}

/* ---- bio callbacks ---------------------------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	const TlsTransportParams_t *params = ctx;
	int32_t n = Sockets_SendWithin(params->tcpSocket, buf, len,
				       params->ioTimeoutMs);

	if (n > 0)
		return (int)n;
	if (n == 0)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if (n == SOCKETS_ECLOSED)
		return MBEDTLS_ERR_NET_CONN_RESET;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	const TlsTransportParams_t *params = ctx;
	int32_t n = Sockets_RecvWithin(params->tcpSocket, buf, len,
				       params->ioTimeoutMs);

	if (n > 0)
		return (int)n;
	if (n == 0)
		return MBEDTLS_ERR_SSL_WANT_READ; /* never 0: that is EOF */
	if (n == SOCKETS_ECLOSED)
		return 0; /* EOF: mbedTLS reports MBEDTLS_ERR_SSL_CONN_EOF */
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- setup ------------------------------------------------------------ */

static void init_contexts(SSLContext_t *ssl)
{
	mbedtls_ssl_init(&ssl->context);
	mbedtls_ssl_config_init(&ssl->config);
	mbedtls_x509_crt_init(&ssl->rootCa);
	mbedtls_x509_crt_init(&ssl->clientCert);
	mbedtls_pk_init(&ssl->privKey);
}

/* The *_free() functions zeroise, so calling this twice is harmless. */
static void free_contexts(SSLContext_t *ssl)
{
	mbedtls_ssl_free(&ssl->context);
	mbedtls_ssl_config_free(&ssl->config);
	mbedtls_x509_crt_free(&ssl->rootCa);
	mbedtls_x509_crt_free(&ssl->clientCert);
	mbedtls_pk_free(&ssl->privKey);
}

/* PEM needs the NUL inside the size; catch the classic sizeof-1 mistake. */
static int pem_size_ok(const unsigned char *buf, size_t size,
		       const char *what)
{
	const size_t begin_len = sizeof(PEM_BEGIN) - 1;

	if (size == 0) {
		LogError("%s is empty (size 0)", what);
		return 0;
	}
	if (size >= begin_len && memcmp(buf, PEM_BEGIN, begin_len) == 0 &&
	    buf[size - 1] != '\0') {
		LogError("%s is PEM but its last byte is not NUL: the size "
			 "must include the terminating NUL", what);
		return 0;
	}
	return 1;
}

/*
 * True, and logged, if mbedTLS was refused memory since @mark: mbedTLS
 * reports some of those as unrelated errors (a bignum allocation failing
 * in a signature check reads "not correctly signed by the trusted CA").
 */
static int ran_out_of_memory(uint32_t mark, const char *what)
{
	uint32_t failed = MbedtlsFreeRTOS_FailedAllocations() - mark;

	if (failed == 0)
		return 0;
	LogError("%s failed: out of memory (%lu mbedTLS allocation(s) "
		 "refused, %lu bytes of heap free)", what,
		 (unsigned long)failed, (unsigned long)xPortGetFreeHeapSize());
	return 1;
}

static TlsTransportStatus_t parse_cert(mbedtls_x509_crt *crt,
				       const unsigned char *buf, size_t size,
				       const char *what)
{
	uint32_t mark = MbedtlsFreeRTOS_FailedAllocations();
	char step[64];
	int ret;

	if (!pem_size_ok(buf, size, what))
		return TLS_TRANSPORT_INVALID_CREDENTIALS;

	(void)snprintf(step, sizeof(step), "parsing the %s", what);
	ret = mbedtls_x509_crt_parse(crt, buf, size);
	if (ret < 0 && ran_out_of_memory(mark, step))
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	if (ret < 0) {
		log_mbedtls_failure(step, ret);
		return TLS_TRANSPORT_INVALID_CREDENTIALS;
	}
	if (ret > 0)
		LogWarn("%s: %d certificate(s) did not parse and were skipped",
			what, ret);
	return TLS_TRANSPORT_SUCCESS;
}

/* Never logs anything derived from the key itself. */
static TlsTransportStatus_t parse_key(SSLContext_t *ssl,
				      const NetworkCredentials_t *creds)
{
	static const char step[] = "parsing the client private key";
	uint32_t mark = MbedtlsFreeRTOS_FailedAllocations();
	int ret;

	if (!pem_size_ok(creds->pPrivateKey, creds->privateKeySize,
			 "client private key"))
		return TLS_TRANSPORT_INVALID_CREDENTIALS;

#if MBEDTLS_VERSION_MAJOR >= 3
	ret = mbedtls_pk_parse_key(&ssl->privKey, creds->pPrivateKey,
				   creds->privateKeySize, NULL, 0,
				   Pkcs11Rng_MbedtlsRandom, NULL);
#else
	ret = mbedtls_pk_parse_key(&ssl->privKey, creds->pPrivateKey,
				   creds->privateKeySize, NULL, 0);
#endif
	if (ret != 0 && ran_out_of_memory(mark, step))
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	if (ret != 0) {
		log_mbedtls_failure(step, ret);
		return TLS_TRANSPORT_INVALID_CREDENTIALS;
	}

#if MBEDTLS_VERSION_MAJOR >= 3
	ret = mbedtls_pk_check_pair(&ssl->clientCert.pk, &ssl->privKey,
				    Pkcs11Rng_MbedtlsRandom, NULL);
#else
	ret = mbedtls_pk_check_pair(&ssl->clientCert.pk, &ssl->privKey);
#endif
	if (ret != 0 && ran_out_of_memory(mark, "checking the client key"))
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	if (ret != 0) {
		LogError("client private key does not match the client "
			 "certificate (mbedTLS error -0x%04x)",
			 (unsigned int)-ret);
		return TLS_TRANSPORT_INVALID_CREDENTIALS;
	}
	return TLS_TRANSPORT_SUCCESS;
}

static TlsTransportStatus_t parse_credentials(SSLContext_t *ssl,
					      const NetworkCredentials_t *creds)
{
	TlsTransportStatus_t status;

	status = parse_cert(&ssl->rootCa, creds->pRootCa, creds->rootCaSize,
			    "root CA certificate");
	if (status != TLS_TRANSPORT_SUCCESS || !creds->pClientCert)
		return status;

	status = parse_cert(&ssl->clientCert, creds->pClientCert,
			    creds->clientCertSize, "client certificate");
	if (status != TLS_TRANSPORT_SUCCESS)
		return status;
	return parse_key(ssl, creds);
}

static TlsTransportStatus_t configure(SSLContext_t *ssl,
				      const NetworkCredentials_t *creds)
{
	mbedtls_ssl_config *conf = &ssl->config;
	int ret;

	ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM,
					  MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0) {
		log_mbedtls_failure("mbedtls_ssl_config_defaults", ret);
		return status_of_setup_error(ret);
	}

	/* Never weaken this: an unverified server defeats mutual TLS. */
	mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_rng(conf, Pkcs11Rng_MbedtlsRandom, NULL);
	mbedtls_ssl_conf_ca_chain(conf, &ssl->rootCa, NULL);

	if (creds->pClientCert) {
		ret = mbedtls_ssl_conf_own_cert(conf, &ssl->clientCert,
						&ssl->privKey);
		if (ret != 0) {
			log_mbedtls_failure("mbedtls_ssl_conf_own_cert", ret);
			return status_of_setup_error(ret);
		}
	}

	if (creds->pAlpnProtos) {
#if defined(MBEDTLS_SSL_ALPN)
		ret = mbedtls_ssl_conf_alpn_protocols(conf,
						      creds->pAlpnProtos);
		if (ret != 0) {
			log_mbedtls_failure("setting the ALPN list "
					    "(a name is empty or too long)",
					    ret);
			return TLS_TRANSPORT_INVALID_PARAMETER;
		}
#else
		LogError("ALPN protocols given, but mbedTLS is built without "
			 "MBEDTLS_SSL_ALPN");
		return TLS_TRANSPORT_INVALID_PARAMETER;
#endif
	}
	return TLS_TRANSPORT_SUCCESS;
}

static TlsTransportStatus_t setup_session(TlsTransportParams_t *params,
					  const char *host,
					  const NetworkCredentials_t *creds)
{
	SSLContext_t *ssl = &params->sslContext;
	int ret;

	ret = mbedtls_ssl_setup(&ssl->context, &ssl->config);
	if (ret != 0) {
		log_mbedtls_failure("mbedtls_ssl_setup (record buffers)", ret);
		return status_of_setup_error(ret);
	}

	if (creds->disableSni) {
		LogWarn("SNI disabled: the server certificate's name is NOT "
			"checked against \"%s\"", host);
	} else {
		/* Sends SNI and makes the handshake check the CN/SAN. */
		ret = mbedtls_ssl_set_hostname(&ssl->context, host);
		if (ret != 0) {
			log_mbedtls_failure("mbedtls_ssl_set_hostname", ret);
			return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ?
				TLS_TRANSPORT_INSUFFICIENT_MEMORY :
				TLS_TRANSPORT_INVALID_PARAMETER;
		}
	}

	mbedtls_ssl_set_bio(&ssl->context, params, bio_send, bio_recv, NULL);
	return TLS_TRANSPORT_SUCCESS;
}

static TlsTransportStatus_t
check_connect_args(const NetworkContext_t *ctx, const char *host,
		   const NetworkCredentials_t *creds)
{
	if (!ctx || !ctx->pParams) {
		LogError("TLS_FreeRTOS_Connect: network context or its "
			 "pParams is NULL");
		return TLS_TRANSPORT_INVALID_PARAMETER;
	}
	if (!host || host[0] == '\0') {
		LogError("TLS_FreeRTOS_Connect: host name is NULL or empty");
		return TLS_TRANSPORT_INVALID_PARAMETER;
	}
	if (!creds || !creds->pRootCa) {
		LogError("TLS_FreeRTOS_Connect: no root CA: the server cannot "
			 "be verified");
		return TLS_TRANSPORT_INVALID_PARAMETER;
	}
	if (!creds->pClientCert != !creds->pPrivateKey) {
		LogError("TLS_FreeRTOS_Connect: client certificate and private "
			 "key must be given together");
		return TLS_TRANSPORT_INVALID_PARAMETER;
	}
	return TLS_TRANSPORT_SUCCESS;
}

/* ---- connect ---------------------------------------------------------- */

static TlsTransportStatus_t open_socket(TlsTransportParams_t *params,
					const char *host, uint16_t port,
					uint32_t receiveTimeoutMs,
					uint32_t sendTimeoutMs)
{
	BaseType_t rc;

	rc = Sockets_Connect(&params->tcpSocket, host, port,
			     receiveTimeoutMs, sendTimeoutMs);
	if (rc == SOCKETS_ERROR_NONE)
		return TLS_TRANSPORT_SUCCESS;
	/* DNS failure, refusal, timeout: logged by the sockets layer. */
	params->tcpSocket = NULL;
	if (rc == SOCKETS_ENOMEM)
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	if (rc == SOCKETS_EINVAL)
		return TLS_TRANSPORT_INVALID_PARAMETER;
	return TLS_TRANSPORT_CONNECT_FAILURE;
}

static int is_want(int ret)
{
	return ret == MBEDTLS_ERR_SSL_WANT_READ ||
	       ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* A read or write that may simply be repeated (FreeRTOS-Plus: "0"). */
static int is_retry(int ret)
{
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
	if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
		return 1;
#endif
	return is_want(ret) || ret == MBEDTLS_ERR_SSL_TIMEOUT;
}

/*
 * Runs the handshake until done, failed or TLS_HANDSHAKE_TIMEOUT_MS.
 * *@ticks receives the time spent.
 */
static int handshake(TlsTransportParams_t *params, TickType_t *ticks)
{
	mbedtls_ssl_context *ssl = &params->sslContext.context;
	const TickType_t start = xTaskGetTickCount();
	int ret;

	for (;;) {
		/* Every socket wait inside is bounded by what is left. */
		params->ioTimeoutMs = ms_left(start, TLS_HANDSHAKE_TIMEOUT_MS);
		ret = mbedtls_ssl_handshake(ssl);
		*ticks = xTaskGetTickCount() - start;
		if (!is_want(ret))
			return ret;
		if (ms_left(start, TLS_HANDSHAKE_TIMEOUT_MS) == 0)
			return MBEDTLS_ERR_SSL_TIMEOUT;
		/* The socket waited already; this only guards against
		 * spinning when it had nothing to wait for. */
		vTaskDelay(1);
	}
}

static TlsTransportStatus_t run_handshake(TlsTransportParams_t *params,
					  const char *host, uint16_t port)
{
	mbedtls_ssl_context *ssl = &params->sslContext.context;
	uint32_t mark = MbedtlsFreeRTOS_FailedAllocations();
	TickType_t ticks = 0;
	char step[96];
	int ret;

	ret = handshake(params, &ticks);
	if (ret != 0) {
		(void)snprintf(step, sizeof(step), "TLS handshake with %s:%u",
			       host, (unsigned int)port);
		if (ran_out_of_memory(mark, step))
			return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
		if (ret == MBEDTLS_ERR_SSL_TIMEOUT)
			LogError("TLS handshake with %s:%u failed: timed out "
				 "after %lu ticks (limit %u ms)", host,
				 (unsigned int)port, (unsigned long)ticks,
				 (unsigned int)TLS_HANDSHAKE_TIMEOUT_MS);
		else
			log_handshake_failure(params, step, host, port, ret);
		return TLS_TRANSPORT_HANDSHAKE_FAILED;
	}

	LogInfo("TLS established with %s:%u: %s, %s, handshake %lu ticks",
		host, (unsigned int)port, mbedtls_ssl_get_version(ssl),
		mbedtls_ssl_get_ciphersuite(ssl), (unsigned long)ticks);
#if defined(MBEDTLS_SSL_ALPN)
	if (mbedtls_ssl_get_alpn_protocol(ssl))
		LogInfo("ALPN protocol: %s",
			mbedtls_ssl_get_alpn_protocol(ssl));
#endif
	return TLS_TRANSPORT_SUCCESS;
}

/* TLS 1.3 (and X.509 with PSA) run on PSA crypto; idempotent. */
static TlsTransportStatus_t init_psa(void)
{
#if defined(MBEDTLS_PSA_CRYPTO_C)
	psa_status_t st = psa_crypto_init();

	if (st == PSA_SUCCESS)
		return TLS_TRANSPORT_SUCCESS;
	LogError("psa_crypto_init failed (PSA status %ld)", (long)st);
	return st == PSA_ERROR_INSUFFICIENT_MEMORY ?
		TLS_TRANSPORT_INSUFFICIENT_MEMORY : TLS_TRANSPORT_INTERNAL_ERROR;
#else
	return TLS_TRANSPORT_SUCCESS;
#endif
}

static void release(TlsTransportParams_t *params)
{
	if (params->tcpSocket) {
		Sockets_Disconnect(params->tcpSocket);
		params->tcpSocket = NULL;
	}
	free_contexts(&params->sslContext);
	if (params->lock) {
		vSemaphoreDelete(params->lock);
		params->lock = NULL;
	}
}

TlsTransportStatus_t
TLS_FreeRTOS_Connect(NetworkContext_t *pNetworkContext, const char *pHostName,
		     uint16_t port,
		     const NetworkCredentials_t *pNetworkCredentials,
		     uint32_t receiveTimeoutMs, uint32_t sendTimeoutMs)
{
	const NetworkCredentials_t *creds = pNetworkCredentials;
	TlsTransportParams_t *params;
	TlsTransportStatus_t status;

	status = check_connect_args(pNetworkContext, pHostName, creds);
	if (status != TLS_TRANSPORT_SUCCESS)
		return status;
	params = pNetworkContext->pParams;

	LogInfo("TLS connecting to %s:%u", pHostName, (unsigned int)port);
	MbedtlsFreeRTOS_InstallAllocator();
	if (Pkcs11Rng_Init() != 0)
		return TLS_TRANSPORT_INTERNAL_ERROR; /* logged by the RNG */
	status = init_psa();
	if (status != TLS_TRANSPORT_SUCCESS)
		return status;

	params->tcpSocket = NULL;
	params->receiveTimeoutMs = receiveTimeoutMs;
	params->sendTimeoutMs = sendTimeoutMs;
	params->ioTimeoutMs = receiveTimeoutMs;
	params->lock = xSemaphoreCreateMutex();
	init_contexts(&params->sslContext);
	if (!params->lock) {
		LogError("TLS_FreeRTOS_Connect: out of memory for the connection's "
			 "mutex (FreeRTOS heap)");
		free_contexts(&params->sslContext);
		return TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	}

	status = parse_credentials(&params->sslContext, creds);
	if (status == TLS_TRANSPORT_SUCCESS)
		status = configure(&params->sslContext, creds);
	if (status == TLS_TRANSPORT_SUCCESS)
		status = setup_session(params, pHostName, creds);
	if (status == TLS_TRANSPORT_SUCCESS)
		status = open_socket(params, pHostName, port,
				     receiveTimeoutMs, sendTimeoutMs);
	if (status == TLS_TRANSPORT_SUCCESS)
		status = run_handshake(params, pHostName, port);

	if (status != TLS_TRANSPORT_SUCCESS)
		release(params);
	return status;
}

void TLS_FreeRTOS_Disconnect(NetworkContext_t *pNetworkContext)
{
	TlsTransportParams_t *params;
	int ret;

	if (!pNetworkContext || !pNetworkContext->pParams)
		return;
	params = pNetworkContext->pParams;

	if (params->tcpSocket) {
		/* Best effort: the peer may already be gone. */
		params->ioTimeoutMs = params->sendTimeoutMs;
		ret = mbedtls_ssl_close_notify(&params->sslContext.context);
		if (ret != 0 && !is_want(ret) && !is_socket_error(ret))
			LogWarn("TLS close_notify not sent (mbedTLS error "
				"-0x%04x)", (unsigned int)-ret);
		LogInfo("TLS connection closed");
	}
	release(params);
}

/* ---- data ------------------------------------------------------------- */

/*
 * FreeRTOS-Plus semantics: a NULL context, params or buffer, or a zero
 * length, is a bad parameter and gives a negative return (never 0, which a
 * caller would retry forever).
 */
static TlsTransportParams_t *connected_params(NetworkContext_t *ctx,
					      const void *buf, size_t len,
					      const char *caller)
{
	if (!ctx || !ctx->pParams || !buf) {
		LogError("%s: network context, its pParams or the buffer is "
			 "NULL", caller);
		return NULL;
	}
	if (len == 0) {
		LogError("%s: length 0 (nothing to transfer)", caller);
		return NULL;
	}
	if (!ctx->pParams->tcpSocket || !ctx->pParams->lock) {
		LogError("%s: not connected", caller);
		return NULL;
	}
	return ctx->pParams;
}

static int32_t read_failure(const TlsTransportParams_t *params, int ret)
{
	const mbedtls_ssl_context *ssl = &params->sslContext.context;

	if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
		/* With TLS 1.3 the server judges our certificate after our
		 * handshake is complete: its refusal arrives here. */
		LogError("TLS recv: server sent fatal alert %u (%s)",
			 SSL_IN_MSG(ssl) ? SSL_IN_MSG(ssl)[1] : 256U,
			 alert_name(SSL_IN_MSG(ssl) ? SSL_IN_MSG(ssl)[1] : 256U));
		return ret;
	}
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
		/* The sockets layer logged the close. */
		return MBEDTLS_ERR_SSL_CONN_EOF;
	}
	if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		LogWarn("TLS recv: the server closed the session "
			"(close_notify)");
		return ret;
	}
	if (!is_socket_error(ret))
		log_mbedtls_failure("TLS recv", ret);
	return ret;
}

/* The connection's mutex, waiting at most @wait_ms; 1 if taken. */
static int lock_within(TlsTransportParams_t *params, uint32_t wait_ms)
{
	TickType_t ticks = pdMS_TO_TICKS(wait_ms);

	if (wait_ms > 0 && ticks == 0)
		ticks = 1;
	return xSemaphoreTake(params->lock, ticks) == pdTRUE;
}

/* One mbedtls_ssl_read() that never waits on the socket (under the lock). */
static int read_now(TlsTransportParams_t *params, void *buf, size_t len)
{
	mbedtls_ssl_context *ssl = &params->sslContext.context;
	size_t avail;
	int ret;

	/*
	 * Serve what mbedTLS already decrypted before touching the socket: a
	 * record can hold more than the caller asked for, and the socket may
	 * stay silent until the caller answers it.
	 */
	avail = mbedtls_ssl_get_bytes_avail(ssl);
	if (avail > 0 && len > avail)
		len = avail;
	if (len > (size_t)INT32_MAX)
		len = (size_t)INT32_MAX; /* a partial read, not a truncation */
	params->ioTimeoutMs = 0;
	ret = mbedtls_ssl_read(ssl, buf, len);
	return ret;
}

int32_t TLS_FreeRTOS_recv(NetworkContext_t *pNetworkContext, void *pBuffer,
			  size_t bytesToRecv)
{
	TlsTransportParams_t *params;
	TickType_t start = xTaskGetTickCount();
	uint32_t left;
	int32_t ready;
	int ret;

	params = connected_params(pNetworkContext, pBuffer, bytesToRecv,
				  "TLS_FreeRTOS_recv");
	if (!params)
		return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;

	/*
	 * Read what is there without waiting (under the lock, so a sending
	 * task never runs mbedTLS at the same time); then wait for the socket
	 * OUTSIDE the lock, so the sender is never held up by our wait; all
	 * within the receive timeout.
	 */
	for (;;) {
		left = ms_left(start, params->receiveTimeoutMs);
		if (!lock_within(params, left))
			return 0; /* the sender held it all along: try again */
		ret = read_now(params, pBuffer, bytesToRecv);
		(void)xSemaphoreGive(params->lock);

		if (ret > 0)
			return (int32_t)ret;
		if (!is_retry(ret))
			return read_failure(params, ret);
		left = ms_left(start, params->receiveTimeoutMs);
		if (left == 0)
			return 0; /* nothing within the timeout: try again */
		ready = Sockets_WaitReadable(params->tcpSocket, left);
		if (ready < 0)
			return MBEDTLS_ERR_NET_RECV_FAILED; /* logged */
		if (ready == 0)
			return 0;
	}
}

int32_t TLS_FreeRTOS_send(NetworkContext_t *pNetworkContext,
			  const void *pBuffer, size_t bytesToSend)
{
	const unsigned char *buf = pBuffer;
	TlsTransportParams_t *params;
	TickType_t start = xTaskGetTickCount();
	size_t len = bytesToSend;
	size_t sent = 0;
	uint32_t left;
	int ret;

	params = connected_params(pNetworkContext, pBuffer, bytesToSend,
				  "TLS_FreeRTOS_send");
	if (!params)
		return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
	if (len > (size_t)INT32_MAX)
		len = (size_t)INT32_MAX; /* a partial write, reported as such */

	while (sent < len) {
		left = ms_left(start, params->sendTimeoutMs);
		if (!lock_within(params, left))
			break;
		params->ioTimeoutMs = ms_left(start, params->sendTimeoutMs);
		ret = mbedtls_ssl_write(&params->sslContext.context,
					&buf[sent], len - sent);
		(void)xSemaphoreGive(params->lock);
		if (ret > 0) {
			sent += (size_t)ret;
			continue;
		}
		if (!is_retry(ret)) {
			if (!is_socket_error(ret))
				log_mbedtls_failure("TLS send", ret);
			return ret;
		}
		if (ms_left(start, params->sendTimeoutMs) == 0)
			break;
		vTaskDelay(1);
	}
	return (int32_t)sent;
}

const char *
TLS_FreeRTOS_GetCipherSuite(const NetworkContext_t *pNetworkContext)
{
	const TlsTransportParams_t *params;

	if (!pNetworkContext || !pNetworkContext->pParams)
		return NULL;
	params = pNetworkContext->pParams;
	if (!params->tcpSocket)
		return NULL;
	return mbedtls_ssl_get_ciphersuite(&params->sslContext.context);
}
