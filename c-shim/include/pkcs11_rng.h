/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * pkcs11_rng.h - the shim's PKCS#11 module: a random-number token.
 *
 * The module (pkcs11_rng.c) implements, from the standard PKCS#11 2.40 API
 * (types from p11-kit's <p11-kit/pkcs11.h>):
 *   C_GetFunctionList, C_Initialize, C_Finalize, C_GetSlotList,
 *   C_OpenSession, C_CloseSession, C_Login, C_Logout, C_GenerateRandom.
 * Every other function in the list returns CKR_FUNCTION_NOT_SUPPORTED.
 * There is one slot, PKCS11_RNG_SLOT_ID, with a token always present;
 * sessions must be serial (CKF_SERIAL_SESSION); no login is needed, but a
 * normal-user login (any PIN) is accepted, as corePKCS11's session helper
 * (xInitializePkcs11Session) always logs in.
 *
 * C_GenerateRandom draws from one CTR_DRBG (AES-256), seeded from the
 * platform hook demo_entropy_poll() (demo_entropy.h). The TLS transport
 * draws from the same DRBG through Pkcs11Rng_MbedtlsRandom(). Callers from
 * several FreeRTOS tasks are serialised by suspending the scheduler around
 * each DRBG call (no FreeRTOS mutex is needed, so it also works before the
 * scheduler starts). Not callable from interrupts.
 */
#ifndef PKCS11_RNG_H
#define PKCS11_RNG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The only slot ID accepted by C_OpenSession(). */
#define PKCS11_RNG_SLOT_ID 0UL

/* Sessions that can be open at once. */
#define PKCS11_RNG_MAX_SESSIONS 4

/**
 * Pkcs11Rng_Init() - seed the shared DRBG if it is not seeded yet.
 *
 * Called by C_Initialize() and on first use by Pkcs11Rng_MbedtlsRandom();
 * a firmware may call it early to fail fast on a broken entropy source.
 *
 * Return: 0, or the negative mbedTLS error of the seeding (logged).
 */
int Pkcs11Rng_Init(void);

/**
 * Pkcs11Rng_MbedtlsRandom() - mbedTLS f_rng over the shared DRBG.
 * @ctx: ignored (pass NULL to mbedtls_ssl_conf_rng()).
 * @out: destination.
 * @len: bytes wanted, any size.
 *
 * Independent of C_Initialize()/C_Finalize(): the TLS transport does not
 * need a PKCS#11 session.
 *
 * Return: 0, or a negative mbedTLS error (logged).
 */
int Pkcs11Rng_MbedtlsRandom(void *ctx, unsigned char *out, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PKCS11_RNG_H */
