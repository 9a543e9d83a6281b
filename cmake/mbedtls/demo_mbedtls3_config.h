/*
 * demo_mbedtls3_config.h - mbedTLS 3.6 LTS configuration for the MQTT
 * mutual-auth demo images (the default TLS library; sources from the
 * mbedtls-rs-sys crate). Selected with
 * MBEDTLS_CONFIG_FILE="demo_mbedtls3_config.h" by cmake/Mbedtls.cmake (or a
 * firmware's own build); every translation unit that includes an mbedTLS
 * header must see the same definitions: struct layouts depend on them.
 *
 * What it enables: a TLS 1.3 and TLS 1.2 client (the server picks; both are
 * offered), with
 *   - TLS 1.3: ephemeral (EC)DHE key exchange only, AES-128/256-GCM;
 *   - TLS 1.2: ECDHE-ECDSA and ECDHE-RSA, AES-128/256-GCM, SHA-256/384;
 *   - curves P-256 and P-384; RSA verify/sign (PKCS#1 v1.5, and PSS, which
 *     TLS 1.3 uses for RSA signatures), because AWS IoT serves RSA chains;
 *   - X.509 parsing and verification (key usage, extended key usage), PEM;
 *   - SNI and the host name check, ALPN (AWS IoT on port 443);
 *   - PSA crypto (TLS 1.3 runs on it), whose randomness is the c-shim's
 *     PKCS#11 DRBG through mbedtls_psa_external_get_random() (no second
 *     entropy pool); the legacy CTR_DRBG + entropy that the PKCS#11 module
 *     itself uses;
 *   - mbedtls_x509_crt_verify_info() (certificate failures in words) always;
 *     mbedtls_strerror() only with DEMO_MBEDTLS_ERROR_STRINGS=1 (13-14 KB of
 *     flash; the c-shim has its own words for the codes it meets without it).
 * No NET_C, FS_IO, TIMING_C, DEBUG_C, server side, DTLS, session tickets,
 * PSK, renegotiation or PSA key storage.
 *
 * Set by the build (cmake/Mbedtls.cmake), or a firmware's own build:
 *   DEMO_MBEDTLS_HAVE_TIME      1: check certificate dates against time()
 *   DEMO_MBEDTLS_ERROR_STRINGS  1: mbedtls_strerror() with mbedTLS's texts
 */
#ifndef DEMO_MBEDTLS3_CONFIG_H
#define DEMO_MBEDTLS3_CONFIG_H

/* ---- System support ---------------------------------------------------- */

#define MBEDTLS_HAVE_ASM

#if !defined(DEMO_MBEDTLS_HAVE_TIME)
#error "DEMO_MBEDTLS_HAVE_TIME is not defined: link the CMake target 'mbedtls' (cmake/Mbedtls.cmake), or define it to 0 or 1"
#elif DEMO_MBEDTLS_HAVE_TIME
/* Hosted builds: certificate validity dates are checked against time(). */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#else
/* Cortex-M images without an RTC or SNTP: mbedTLS does NOT check
 * certificate validity dates (an expired certificate is accepted). Chain,
 * signatures, key usage and host name are still verified. */
#endif

/* Memory comes from the FreeRTOS heap: the c-shim installs pvPortMalloc-
 * based functions with mbedtls_platform_set_calloc_free() before its first
 * mbedTLS call. Until then calloc returns NULL instead of silently using
 * the C library heap (demo_mbedtls_platform.c). */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_STD_CALLOC             demo_mbedtls_calloc_unset
#define MBEDTLS_PLATFORM_STD_FREE               demo_mbedtls_free_unset

/* Entropy: none from the platform; the c-shim's PKCS#11 module seeds its
 * CTR_DRBG from the board's hook (demo_entropy.h), and PSA draws from that
 * DRBG through mbedtls_psa_external_get_random() (pkcs11_rng.c). */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_MAX_SOURCES             4
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* ---- Crypto modules ---------------------------------------------------- */

#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_KEY_SLOT_COUNT              8   /* a handshake uses ~4 */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES          /* tables in flash, not 8 KB of RAM */
#define MBEDTLS_AES_FEWER_TABLES
/* GCM, CTR_DRBG and PSA's AEAD only ever encrypt with AES: no decryption
 * code or tables (-2.5 KB of flash on the Cortex-M3). */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_HKDF_C                  /* TLS 1.3 key schedule */
#define MBEDTLS_SHA224_C                /* sha256.c needs one of 224/256 */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
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

/* RSA: AWS IoT's RSA chain, RSA device keys. 4096-bit keys at most. */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21               /* RSA-PSS: TLS 1.3's RSA signatures */
/* Without it 3.6 leaves rsa_pss_rsae_* out of the ClientHello's
 * signature_algorithms (ssl_tls.c's default list), and a TLS 1.3 server
 * with an RSA certificate fails the handshake ("no suitable signature
 * algorithm"): the RSA-2048 test PKI, tools/demo-qemu --rsa. */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_MPI_MAX_SIZE                    512
#define MBEDTLS_MPI_WINDOW_SIZE                 2

/* Elliptic curves: P-256 and P-384. */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
/* Measured on 2.28: together these save ~2 KB of peak heap (ECDSA). */
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
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* Middlebox compatibility (RFC 8446 D.4): what OpenSSL clients send too. */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_CIPHERSUITES                                \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,                          \
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                          \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,            \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,            \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,              \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES
/* TLS 1.3 in mbedTLS 3.6 requires it (check_config.h): the peer's chain
 * stays in the heap for the session. */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

/*
 * Record buffers, allocated at mbedtls_ssl_setup() for the whole session.
 *
 * IN (16384, the TLS maximum): any legal record is received. A smaller IN
 * buffer would need a negotiated smaller record size, and none is available
 * here: max_fragment_length offered together with TLS 1.3 fails the
 * handshake against OpenSSL 3.0 (it echoes it in EncryptedExtensions, which
 * mbedTLS 3.6 rejects), and OpenSSL 3.0 ignores TLS 1.3's record_size_limit
 * (measured with mosquitto 2.0.11). A peer may send a 16 KB record at any
 * time (mosquitto does for large messages), and an IN buffer below that
 * drops the connection with -0x7100 when one arrives.
 *
 * OUT (2048): the client's largest record: its Certificate message (one
 * device certificate) and MQTT packets; mbedtls_ssl_write() splits larger
 * application data into several records.
 */
#define MBEDTLS_SSL_IN_CONTENT_LEN              16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN             2048

/* ---- Diagnostics ------------------------------------------------------- */

#if !defined(DEMO_MBEDTLS_ERROR_STRINGS)
#error "DEMO_MBEDTLS_ERROR_STRINGS is not defined: link the CMake target 'mbedtls' (cmake/Mbedtls.cmake), or define it to 0 or 1"
#elif DEMO_MBEDTLS_ERROR_STRINGS
#define MBEDTLS_ERROR_C                 /* mbedtls_strerror() */
#endif
#define MBEDTLS_VERSION_C               /* mbedtls_version_get_string() */

/* Declarations for MBEDTLS_PLATFORM_STD_CALLOC/FREE above. */
#if !defined(__ASSEMBLER__)
#include <stddef.h>
void *demo_mbedtls_calloc_unset(size_t n, size_t size);
void demo_mbedtls_free_unset(void *ptr);
#endif

#endif /* DEMO_MBEDTLS3_CONFIG_H */
