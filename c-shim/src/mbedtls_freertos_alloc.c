// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * mbedtls_freertos_alloc.c - route mbedTLS allocations to the FreeRTOS heap.
 *
 * An ECDSA handshake makes tens of thousands of short-lived allocations;
 * heap_4 (first fit with coalescing) keeps that from fragmenting.
 */
#include <stdint.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "mbedtls/platform.h"

#include "mbedtls_freertos_alloc.h"
#include "shim_log.h"

#if !defined(MBEDTLS_PLATFORM_MEMORY) || \
	defined(MBEDTLS_PLATFORM_CALLOC_MACRO) || \
	defined(MBEDTLS_PLATFORM_FREE_MACRO)
#error "c-shim needs mbedTLS built with MBEDTLS_PLATFORM_MEMORY and without MBEDTLS_PLATFORM_CALLOC_MACRO/FREE_MACRO"
#endif

/* Written with the scheduler suspended, so concurrent failures all count. */
static uint32_t failed_allocations;

static void count_failure(void)
{
	vTaskSuspendAll();
	failed_allocations++;
	(void)xTaskResumeAll();
}

uint32_t MbedtlsFreeRTOS_FailedAllocations(void)
{
	uint32_t n;

	vTaskSuspendAll();
	n = failed_allocations;
	(void)xTaskResumeAll();
	return n;
}

void *MbedtlsFreeRTOS_Calloc(size_t count, size_t size)
{
	size_t total;
	void *ptr;

	if (count == 0 || size == 0)
		return NULL;
	if (count > SIZE_MAX / size) {
		LogError("mbedTLS calloc(%lu, %lu): size overflows",
			 (unsigned long)count, (unsigned long)size);
		count_failure();
		return NULL;
	}

	total = count * size;
	ptr = pvPortMalloc(total);
	if (!ptr) {
		LogError("mbedTLS calloc of %lu bytes failed: FreeRTOS heap "
			 "exhausted (%lu bytes free)", (unsigned long)total,
			 (unsigned long)xPortGetFreeHeapSize());
		count_failure();
		return NULL;
	}
	memset(ptr, 0, total);
	return ptr;
}

void MbedtlsFreeRTOS_Free(void *ptr)
{
	if (ptr)
		vPortFree(ptr);
}

void MbedtlsFreeRTOS_InstallAllocator(void)
{
	/* Only fails for NULL arguments. */
	(void)mbedtls_platform_set_calloc_free(MbedtlsFreeRTOS_Calloc,
					       MbedtlsFreeRTOS_Free);
}
