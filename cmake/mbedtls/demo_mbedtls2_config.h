/*
 * demo_mbedtls2_config.h - mbedTLS 2.28 configuration for the MQTT mutual-auth
 * demo images (POSIX simulator and Cortex-M3), the build option for firmware
 * still on 2.28 (end of life; the default is 3.6 LTS, demo_mbedtls3_config.h).
 * Selected with MBEDTLS_CONFIG_FILE="demo_mbedtls2_config.h" by
 * cmake/Mbedtls.cmake (DEMO_MBEDTLS=2.28); every
 * translation unit that includes an mbedTLS header must see the same
 * definitions (link the `mbedtls` target, which carries them PUBLIC).
 *
 * What it enables: a TLS 1.2 client only, with
 *   - ECDHE-ECDSA and ECDHE-RSA key exchange, AES-128/256-GCM, SHA-256/384;
 *   - curves P-256 and P-384; RSA (PKCS#1 v1.5) verify/sign, because AWS IoT
 *     serves RSA chains and device keys may be RSA;
 *   - X.509 certificate parsing and verification (key usage and extended key
 *     usage checked), PEM, PK parsing of EC and RSA keys;
 *   - SNI, ALPN (AWS IoT on port 443 needs "x-amzn-mqtt-ca");
 *   - CTR_DRBG over ENTROPY_C with no platform entropy source: the c-shim
 *     registers its own (PKCS#11 C_GenerateRandom) with
 *     mbedtls_entropy_add_source();
 *   - mbedtls_x509_crt_verify_info() always; error strings (mbedtls_strerror)
 *     with DEMO_MBEDTLS_ERROR_STRINGS=1.
 * No NET_C, FS_IO, TIMING_C, DEBUG_C, server side, DTLS or PSA.
 *
 * Time: DEMO_MBEDTLS_HAVE_TIME is set by CMake (option MBEDTLS_DEMO_HAVE_TIME,
 * on for hosted builds, off for bare metal).
 */
#ifndef DEMO_MBEDTLS2_CONFIG_H
#define DEMO_MBEDTLS2_CONFIG_H

/* ---- System support ---------------------------------------------------- */

#define MBEDTLS_HAVE_ASM

#if !defined(DEMO_MBEDTLS_HAVE_TIME)
#error "DEMO_MBEDTLS_HAVE_TIME is not defined: link the CMake target 'mbedtls' (cmake/Mbedtls.cmake)"
#elif DEMO_MBEDTLS_HAVE_TIME
/* POSIX: the host clock is right, so certificate validity dates
 * (notBefore/notAfter) are checked against time() / gmtime_r(). */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#else
/* Cortex-M3 (mps2-an385): no RTC and no SNTP client, so there is no wall
 * clock. Without MBEDTLS_HAVE_TIME_DATE mbedTLS does NOT check certificate
 * validity dates: an expired or not-yet-valid certificate is accepted. The
 * chain, signatures, key usage and host name are still verified. */
#endif

/* Memory comes from the FreeRTOS heap: the c-shim calls
 * mbedtls_platform_set_calloc_free() with pvPortMalloc-based functions before
 * any other mbedTLS call. Until then calloc fails (returns NULL, so the first
 * allocation reports MBEDTLS_ERR_*_ALLOC_FAILED) instead of silently using the
 * C library heap: no mbedTLS memory can escape the FreeRTOS heap accounting,
 * and bare-metal images need no libc malloc. See demo_mbedtls_platform.c. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_STD_CALLOC             demo_mbedtls_calloc_unset
#define MBEDTLS_PLATFORM_STD_FREE               demo_mbedtls_free_unset

/* Entropy: no /dev/urandom or getrandom() (not on the Cortex-M3, and the two
 * images must behave alike); the c-shim adds its own strong source. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_MAX_SOURCES             4

/* ---- Crypto modules ---------------------------------------------------- */

#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES          /* tables in flash, not 8 KB of RAM */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C                /* provides SHA-384 */
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* RSA: verify the server's (AWS) RSA chain and ServerKeyExchange, sign with an
 * RSA device key. 4096-bit keys at most. */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_MPI_MAX_SIZE                    512
#define MBEDTLS_MPI_WINDOW_SIZE                 2   /* private-key ops only */

/* Elliptic curves: P-256 and P-384. */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
/* Measured: together these save ~2 KB of peak heap in an ECDSA handshake. */
#define MBEDTLS_ECP_WINDOW_SIZE                 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM           0

/* ---- X.509 ------------------------------------------------------------- */

#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C        /* also mbedtls_x509_crt_verify_info() */
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE

/* ---- TLS --------------------------------------------------------------- */

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,            \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,              \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES

/* The peer's certificate is verified during the handshake and then freed;
 * keeping it would cost ~3 KB of heap for the whole session (measured). */
/* #undef MBEDTLS_SSL_KEEP_PEER_CERTIFICATE */

/*
 * Record buffers. Both are allocated at mbedtls_ssl_setup() for the whole
 * session, each CONTENT_LEN + ~45 bytes of header/MAC/IV overhead.
 *
 * IN (4096): must hold the largest message the server sends in one piece.
 * That is the handshake Certificate message: the server's chain (AWS IoT
 * sends leaf + intermediate, ~2.5-3.5 KB for RSA-2048). mbedTLS 2.28 cannot
 * reassemble a handshake message fragmented across several records, and
 * servers ignore or refuse max_fragment_length, so a smaller IN buffer fails
 * the handshake with a chain larger than it; raise this for longer chains.
 * After the handshake, MQTT packets larger than this arrive in several
 * records, which mbedTLS handles fine.
 *
 * OUT (2048): the client's largest record: its Certificate message (one
 * device certificate, ~1 KB) and MQTT packets, which the demo keeps well
 * below democonfigNETWORK_BUFFER_SIZE (1024); a larger send is split by
 * mbedtls_ssl_write() into several records.
 *
 * Measured heap (x86-64, TLS 1.2 mutual auth): 18.2 KB peak / 13.1 KB steady
 * with P-256 certificates, 26.4 KB / 18.3 KB with RSA-2048, versus
 * 44.8 KB / 39.7 KB with mbedTLS's default 16 KB + 16 KB buffers.
 */
#define MBEDTLS_SSL_IN_CONTENT_LEN              4096
#define MBEDTLS_SSL_OUT_CONTENT_LEN             2048

/* ---- Diagnostics ------------------------------------------------------- */

#if !defined(DEMO_MBEDTLS_ERROR_STRINGS)
#error "DEMO_MBEDTLS_ERROR_STRINGS is not defined: link the CMake target 'mbedtls' (cmake/Mbedtls.cmake), or define it to 0 or 1"
#elif DEMO_MBEDTLS_ERROR_STRINGS
#define MBEDTLS_ERROR_C                 /* mbedtls_strerror() */
#endif
#define MBEDTLS_VERSION_C               /* mbedtls_version_get_string() */
/* MBEDTLS_DEBUG_C stays off: ~30 KB of code and format strings. */

/* Declarations for MBEDTLS_PLATFORM_STD_CALLOC/FREE above. */
#if !defined(__ASSEMBLER__)
#include <stddef.h>
void *demo_mbedtls_calloc_unset(size_t n, size_t size);
void demo_mbedtls_free_unset(void *ptr);
#endif

#include "mbedtls/check_config.h"

#endif /* DEMO_MBEDTLS2_CONFIG_H */
