/*
 * demo_config_defaults.h - the defaults every image's demo_config.h shares:
 * broker and identity, credentials, metrics names, buffers, session,
 * timing, backoff, the demo loop, and the build-time checks.
 *
 * Include it at the END of an image's demo_config.h. Every value is guarded
 * by #ifndef, so a macro the image header (or CMake, via DEMO_<NAME>)
 * defines first wins. The macro names are those of the FreeRTOS coreMQTT
 * mutual-auth demo. The Rust component reads them through bindgen, so:
 * numbers are plain integer literals, strings are string literals (a
 * concatenation becomes &[u8; N] with the trailing NUL).
 */
#ifndef DEMO_CONFIG_DEFAULTS_H
#define DEMO_CONFIG_DEFAULTS_H

#include "FreeRTOS.h"
#include "task.h"

/* ---- Broker and identity ------------------------------------------------ */

/* 1: AWS IoT Core (metrics username, no default endpoint); 0: any broker. */
#ifndef democonfigUSE_AWS_IOT_CORE_BROKER
#define democonfigUSE_AWS_IOT_CORE_BROKER       0
#endif

/* MQTT client identifier; also the topic prefix (<id>/example/topic). */
#ifndef democonfigCLIENT_IDENTIFIER
#define democonfigCLIENT_IDENTIFIER             "freertos-rust-demo"
#endif

/* Broker host name; it is also the name checked in the server certificate
 * and sent as SNI. AWS IoT: "<prefix>-ats.iot.<region>.amazonaws.com". */
#ifndef democonfigMQTT_BROKER_ENDPOINT
#if democonfigUSE_AWS_IOT_CORE_BROKER == 0
#define democonfigMQTT_BROKER_ENDPOINT          "localhost"
#endif
#endif

#ifndef democonfigMQTT_BROKER_PORT
#define democonfigMQTT_BROKER_PORT              8883
#endif

/* 1 lets a test use a broker on any port (e.g. a free loopback port); the
 * build otherwise accepts only 8883 and 443. Not allowed with AWS IoT. */
#ifndef democonfigALLOW_ANY_BROKER_PORT
#define democonfigALLOW_ANY_BROKER_PORT         0
#endif

/* democonfigROOT_CA_PEM, democonfigCLIENT_CERTIFICATE_PEM,
 * democonfigCLIENT_PRIVATE_KEY_PEM, from the credentials header (CMake:
 * DEMO_CREDENTIALS_DIR, DEMO_CREDENTIALS_HEADER for another file name, e.g.
 * demo_credentials_other_ca.h in the negative tests). */
#ifndef democonfigCREDENTIALS_HEADER
#define democonfigCREDENTIALS_HEADER            "demo_credentials.h"
#endif
#if defined(__has_include)
#if __has_include(democonfigCREDENTIALS_HEADER)
#include democonfigCREDENTIALS_HEADER
#endif
#else
#include democonfigCREDENTIALS_HEADER
#endif

/* ---- Metrics (AWS IoT username ?SDK=...&Version=...&Platform=...) -------- */

#define democonfigOS_NAME                       "FreeRTOS"
#define democonfigOS_VERSION                    tskKERNEL_VERSION_NUMBER
#ifndef democonfigHARDWARE_PLATFORM_NAME
#error "democonfigHARDWARE_PLATFORM_NAME: define it in the image's demo_config.h"
#endif

/* ---- Buffers and the demo task ----------------------------------------- */

/* MQTT packet buffer, bytes. */
#ifndef democonfigNETWORK_BUFFER_SIZE
#define democonfigNETWORK_BUFFER_SIZE           1024
#endif

/* Demo iterations; 0 = forever. */
#ifndef democonfigDEMO_ITERATIONS
#define democonfigDEMO_ITERATIONS               0
#endif

/* Demo task stack depth (words) and priority: image-specific. */
#ifndef democonfigDEMO_STACKSIZE
#error "democonfigDEMO_STACKSIZE: define it in the image's demo_config.h"
#endif

#ifndef democonfigDEMO_PRIORITY
#error "democonfigDEMO_PRIORITY: define it in the image's demo_config.h"
#endif

/* ---- MQTT session --------------------------------------------------------- */

/*
 * 1 (default, like the reference demo): clean session; the broker forgets
 * the session at disconnect. 0: persistent session; after a reconnect with
 * CONNACK session-present, unacknowledged QoS 1 publishes are resent with
 * DUP, so a publish cut off from its PUBACK is not lost.
 */
#ifndef democonfigCLEAN_SESSION
#define democonfigCLEAN_SESSION                 1
#endif

/* ---- MQTT timing -------------------------------------------------------- */

#ifndef democonfigKEEP_ALIVE_SECONDS
#define democonfigKEEP_ALIVE_SECONDS            60
#endif

#ifndef democonfigCONNACK_RECV_TIMEOUT_MS
#define democonfigCONNACK_RECV_TIMEOUT_MS       1000
#endif

/* Transport receive and send timeouts passed to TLS_FreeRTOS_Connect(). */
#ifndef democonfigTRANSPORT_SEND_RECV_TIMEOUT_MS
#define democonfigTRANSPORT_SEND_RECV_TIMEOUT_MS 200
#endif

/* How long one process-loop call waits for incoming packets. */
#ifndef democonfigPROCESS_LOOP_TIMEOUT_MS
#define democonfigPROCESS_LOOP_TIMEOUT_MS       2000
#endif

/* ---- Reconnect backoff (full jitter) ------------------------------------ */

/*
 * Retry k (1, 2, ...) of a failed TLS connect or refused SUBSCRIBE waits
 *     RETRY_MIN_DELAY_MS + random % (ceiling_k + 1)        (RETRY_JITTER 1)
 *     RETRY_MIN_DELAY_MS + ceiling_k                       (RETRY_JITTER 0)
 * with ceiling_1 = RETRY_BACKOFF_BASE_MS, doubling up to
 * RETRY_MAX_BACKOFF_DELAY_MS (AWS backoffAlgorithm's full jitter, plus the
 * floor). RETRY_MAX_ATTEMPTS retries per iteration, 0 = retry forever.
 * For a fleet of N devices against a broker that accepts R connects per
 * second, see "Fleet behaviour" in the README: the cap should be about
 * 2 * N / R seconds, and RETRY_MAX_ATTEMPTS 0, so a long outage does not
 * restart every device's backoff at the base.
 */
/*
 * Fleet sizing, optional: democonfigFLEET_DEVICES (N, devices that can lose
 * the broker at once) and democonfigFLEET_CONNECTS_PER_SECOND (R, the
 * broker's connect quota; AWS IoT Core: 500 per account by default). With
 * both, the backoff follows the README's recommendation ("Fleet behaviour"):
 * retry forever within an iteration (RETRY_MAX_ATTEMPTS 0, so a long outage
 * does not restart the backoff at the base after a fixed pause) and cap the
 * ceiling at N / (10 R) seconds, at least 5 s: the whole fleet is back within
 * about 1.1 N / R, with about 15 attempts per device instead of hundreds.
 * A value defined explicitly still wins.
 */
#if defined(democonfigFLEET_DEVICES) || defined(democonfigFLEET_CONNECTS_PER_SECOND)
#if !defined(democonfigFLEET_DEVICES) || !defined(democonfigFLEET_CONNECTS_PER_SECOND)
#error "fleet sizing needs both democonfigFLEET_DEVICES and democonfigFLEET_CONNECTS_PER_SECOND"
#endif
#if (democonfigFLEET_DEVICES < 1) || (democonfigFLEET_CONNECTS_PER_SECOND < 1)
#error "democonfigFLEET_DEVICES and democonfigFLEET_CONNECTS_PER_SECOND must be at least 1"
#endif
#ifndef democonfigRETRY_MAX_ATTEMPTS
#define democonfigRETRY_MAX_ATTEMPTS            0
#endif
#if !defined(democonfigRETRY_MAX_BACKOFF_DELAY_MS) && \
	(democonfigFLEET_DEVICES * 100 / democonfigFLEET_CONNECTS_PER_SECOND > 5000)
#define democonfigRETRY_MAX_BACKOFF_DELAY_MS \
	(democonfigFLEET_DEVICES * 100 / democonfigFLEET_CONNECTS_PER_SECOND)
#endif
#endif

#ifndef democonfigRETRY_BACKOFF_BASE_MS
#define democonfigRETRY_BACKOFF_BASE_MS         500
#endif

#ifndef democonfigRETRY_MAX_BACKOFF_DELAY_MS
#define democonfigRETRY_MAX_BACKOFF_DELAY_MS    5000
#endif

#ifndef democonfigRETRY_MAX_ATTEMPTS
#define democonfigRETRY_MAX_ATTEMPTS            5
#endif

/* No retry of this client id sooner than this after a failed attempt, and no
 * pause between iterations shorter: AWS IoT Core accepts one CONNECT per
 * second per client id. Added to the jittered delay (not a minimum, which
 * would put a fleet's early retries all on the same instant). */
#ifndef democonfigRETRY_MIN_DELAY_MS
#define democonfigRETRY_MIN_DELAY_MS            1000
#endif

/* 1: full jitter (keep it for fleets); 0: plain exponential backoff, every
 * retry waits its whole ceiling, so devices that failed together retry
 * together (for comparison: tools/fleet --no-jitter). */
#ifndef democonfigRETRY_JITTER
#define democonfigRETRY_JITTER                  1
#endif

/* ---- Demo loop ----------------------------------------------------------- */

#ifndef democonfigPUBLISH_COUNT
#define democonfigPUBLISH_COUNT                 5
#endif

#ifndef democonfigDELAY_BETWEEN_PUBLISHES_MS
#define democonfigDELAY_BETWEEN_PUBLISHES_MS    2000
#endif

#ifndef democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS
#define democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS 5000
#endif

/* ---- Build-time checks -------------------------------------------------- */

#ifndef democonfigMQTT_BROKER_ENDPOINT
#error "democonfigMQTT_BROKER_ENDPOINT is not defined: AWS IoT mode needs your account's endpoint, e.g. -DDEMO_MQTT_BROKER_ENDPOINT=<prefix>-ats.iot.<region>.amazonaws.com"
#endif

#ifndef democonfigROOT_CA_PEM
#error "democonfigROOT_CA_PEM is not defined: run certs/gen-pki.sh (writes certs/generated/demo_credentials.h), or set the CMake cache variable DEMO_CREDENTIALS_DIR to the directory of your demo_credentials.h"
#endif

#ifndef democonfigCLIENT_CERTIFICATE_PEM
#error "democonfigCLIENT_CERTIFICATE_PEM is not defined: the broker requires a client certificate; see certs/ (demo_credentials.h)"
#endif

#ifndef democonfigCLIENT_PRIVATE_KEY_PEM
#error "democonfigCLIENT_PRIVATE_KEY_PEM is not defined: the broker requires the client's private key; see certs/ (demo_credentials.h)"
#endif

#if democonfigUSE_AWS_IOT_CORE_BROKER && democonfigALLOW_ANY_BROKER_PORT
#error "democonfigALLOW_ANY_BROKER_PORT is for local test brokers: AWS IoT Core accepts MQTT over TLS on 8883, or 443 with ALPN"
#endif

#if !democonfigALLOW_ANY_BROKER_PORT && \
	(democonfigMQTT_BROKER_PORT != 8883) && (democonfigMQTT_BROKER_PORT != 443)
#error "democonfigMQTT_BROKER_PORT must be 8883 (MQTT over TLS) or 443 (MQTT over TLS with ALPN); a test broker on another port needs -DDEMO_ALLOW_ANY_BROKER_PORT=1"
#endif

#if (democonfigMQTT_BROKER_PORT < 1) || (democonfigMQTT_BROKER_PORT > 65535)
#error "democonfigMQTT_BROKER_PORT must be a TCP port number (1-65535)"
#endif

#ifdef democonfigMQTT_BROKER_ENDPOINT
_Static_assert(sizeof(democonfigMQTT_BROKER_ENDPOINT) > 1,
	       "democonfigMQTT_BROKER_ENDPOINT is empty: set the broker's host name");
#endif
_Static_assert(sizeof(democonfigCLIENT_IDENTIFIER) > 1,
	       "democonfigCLIENT_IDENTIFIER is empty: the demo's topics start with it");
_Static_assert(sizeof(democonfigCLIENT_IDENTIFIER) - 1 <= 128,
	       "democonfigCLIENT_IDENTIFIER is longer than 128 bytes (AWS IoT limit)");
#ifdef democonfigROOT_CA_PEM
_Static_assert(sizeof(democonfigROOT_CA_PEM) > 1,
	       "democonfigROOT_CA_PEM is empty: see certs/ (demo_credentials.h)");
#endif

#endif /* DEMO_CONFIG_DEFAULTS_H */
