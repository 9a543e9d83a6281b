// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * placeholder.c - see placeholder.h. Removed from the image once the Rust
 * demo task is linked (DEMO_USE_RUST_TASK=ON).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "mbedtls/bignum.h"
#include "mbedtls/platform.h"
#include "mbedtls/sha256.h"
#include "mbedtls/version.h"

#include "placeholder.h"

/* From freertos-rust's shim.c: sizeof a FreeRTOS type by code (10: BaseType_t). */
uint8_t freertos_rs_sizeof(uint8_t type);
TickType_t freertos_rs_xTaskGetTickCount(void);

static int check_tick(void)
{
	TickType_t start = freertos_rs_xTaskGetTickCount();

	vTaskDelay(pdMS_TO_TICKS(100));
	if (xTaskGetTickCount() - start < pdMS_TO_TICKS(100)) {
		printf("[placeholder] tick did not advance\n");
		return -1;
	}
	if (freertos_rs_sizeof(10) != sizeof(BaseType_t)) {
		printf("[placeholder] freertos-rust shim disagrees on sizeof(BaseType_t)\n");
		return -1;
	}
	printf("[placeholder] tick and freertos-rust shim OK (BaseType_t: %u bytes)\n",
	       (unsigned)freertos_rs_sizeof(10));
	return 0;
}

static int check_sha256(void)
{
	static const unsigned char abc_digest[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	unsigned char digest[32];
	char version[18];

	mbedtls_version_get_string(version);
#if MBEDTLS_VERSION_MAJOR >= 3
#define mbedtls_sha256_ret mbedtls_sha256 /* renamed in mbedTLS 3 */
#endif
	if (mbedtls_sha256_ret((const unsigned char *)"abc", 3, digest, 0) != 0 ||
	    memcmp(digest, abc_digest, sizeof(digest)) != 0) {
		printf("[placeholder] mbedTLS %s: SHA-256 test vector failed\n", version);
		return -1;
	}
	printf("[placeholder] mbedTLS %s linked, SHA-256 OK\n", version);
	return 0;
}

static unsigned long heap_calls;

static void *counting_calloc(size_t n, size_t size)
{
	heap_calls++;
	return pvPortCalloc(n, size);
}

/* mbedtls_mpi_lset() allocates the bignum's limbs. */
static int mpi_alloc_works(void)
{
	mbedtls_mpi x;
	int ret;

	mbedtls_mpi_init(&x);
	ret = mbedtls_mpi_lset(&x, 42);
	mbedtls_mpi_free(&x);
	return ret == 0;
}

/* mbedTLS must not allocate before calloc/free are installed, then must use
 * the FreeRTOS heap. */
static int check_mbedtls_heap(void)
{
	if (mpi_alloc_works()) {
		printf("[placeholder] mbedTLS allocated before calloc/free were set\n");
		return -1;
	}
	mbedtls_platform_set_calloc_free(counting_calloc, vPortFree);
	if (!mpi_alloc_works() || heap_calls == 0) {
		printf("[placeholder] mbedTLS allocation through the FreeRTOS heap failed\n");
		return -1;
	}
	printf("[placeholder] mbedTLS allocates from the FreeRTOS heap only (%lu call(s), %zu bytes free)\n",
	       heap_calls, xPortGetFreeHeapSize());
	return 0;
}

int32_t placeholder_demo_run(uint32_t iterations)
{
	const char *forced = getenv("DEMO_PLACEHOLDER_STATUS");

	printf("[placeholder] Rust demo task not linked (DEMO_USE_RUST_TASK=OFF); "
	       "would run %" PRIu32 " iteration(s)\n", iterations);
	if (check_tick() != 0)
		return 1;
	if (check_sha256() != 0)
		return 2;
	if (check_mbedtls_heap() != 0)
		return 3;
	if (forced)
		return (int32_t)strtol(forced, NULL, 0);
	return 0;
}
