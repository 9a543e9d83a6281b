/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * mbedtls_freertos_alloc.h - mbedTLS heap on the FreeRTOS heap.
 *
 * TLS_FreeRTOS_Connect() installs this allocator itself on every call
 * (cheap and idempotent), so a firmware only needs to call
 * MbedtlsFreeRTOS_InstallAllocator() if it uses mbedTLS before the first
 * connection (e.g. to parse certificates). mbedTLS must be built with
 * MBEDTLS_PLATFORM_C and MBEDTLS_PLATFORM_MEMORY and without
 * MBEDTLS_PLATFORM_CALLOC_MACRO/FREE_MACRO; a config that prefers the macros
 * can point them at MbedtlsFreeRTOS_Calloc/MbedtlsFreeRTOS_Free instead.
 */
#ifndef MBEDTLS_FREERTOS_ALLOC_H
#define MBEDTLS_FREERTOS_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * MbedtlsFreeRTOS_Calloc() - calloc() over pvPortMalloc().
 *
 * Return: zeroed memory for @count * @size bytes, or NULL if the product
 * overflows or the heap is exhausted (both logged), or if it is 0.
 */
void *MbedtlsFreeRTOS_Calloc(size_t count, size_t size);

/** MbedtlsFreeRTOS_Free() - free() over vPortFree(); NULL is ignored. */
void MbedtlsFreeRTOS_Free(void *ptr);

/** MbedtlsFreeRTOS_InstallAllocator() - make mbedTLS use the two above. */
void MbedtlsFreeRTOS_InstallAllocator(void);

/**
 * MbedtlsFreeRTOS_FailedAllocations() - allocations refused so far.
 *
 * mbedTLS turns some allocation failures into misleading errors (a failed
 * signature check reports the certificate as "not correctly signed"), so
 * the transport compares this count before and after a handshake.
 */
uint32_t MbedtlsFreeRTOS_FailedAllocations(void);

#ifdef __cplusplus
}
#endif

#endif /* MBEDTLS_FREERTOS_ALLOC_H */
