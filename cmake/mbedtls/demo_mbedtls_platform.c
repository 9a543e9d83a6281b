// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * demo_mbedtls_platform.c - mbedTLS's allocator before the c-shim installs
 * its own with mbedtls_platform_set_calloc_free().
 *
 * Both configs (demo_mbedtls2_config.h, demo_mbedtls3_config.h) name these as MBEDTLS_PLATFORM_STD_CALLOC/FREE, so
 * mbedTLS never falls back to the C library heap: an allocation made before
 * the FreeRTOS-heap functions are installed fails cleanly (NULL, reported by
 * mbedTLS as an ALLOC_FAILED error) instead of hiding outside the heap
 * accounting or dragging libc malloc into a bare-metal image.
 */
#include <stddef.h>

#include MBEDTLS_CONFIG_FILE

void *demo_mbedtls_calloc_unset(size_t n, size_t size)
{
	(void)n;
	(void)size;
	return NULL;
}

void demo_mbedtls_free_unset(void *ptr)
{
	(void)ptr;
}
