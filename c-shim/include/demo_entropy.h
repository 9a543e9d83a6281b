/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * demo_entropy.h - platform entropy hook that seeds the shim's CTR_DRBG.
 *
 * One implementation per platform: entropy_posix.c uses getrandom(2). A
 * board without a hardware TRNG must say so in its implementation (the
 * QEMU mps2-an385 image has none).
 */
#ifndef DEMO_ENTROPY_H
#define DEMO_ENTROPY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * demo_entropy_poll() - fill @output with up to @len bytes of entropy.
 * @data:   unused (mbedtls_entropy_add_source() context).
 * @output: destination.
 * @len:    bytes wanted.
 * @olen:   receives the number of bytes written.
 *
 * Signature of mbedTLS's mbedtls_entropy_f_source_ptr, so it can be
 * registered with mbedtls_entropy_add_source() as a strong source.
 *
 * Return: 0 on success, or MBEDTLS_ERR_ENTROPY_SOURCE_FAILED (logged).
 */
int demo_entropy_poll(void *data, unsigned char *output, size_t len,
		      size_t *olen);

#ifdef __cplusplus
}
#endif

#endif /* DEMO_ENTROPY_H */
