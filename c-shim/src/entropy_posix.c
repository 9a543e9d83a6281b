// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * entropy_posix.c - demo_entropy_poll() for the FreeRTOS POSIX simulator:
 * the Linux kernel CSPRNG through getrandom(2).
 *
 * getrandom() only blocks before the kernel pool is initialised (early
 * boot), and requests up to 256 bytes are never interrupted afterwards; the
 * loop still retries on EINTR and partial reads, as the tick signal of the
 * POSIX port can hit any system call.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "mbedtls/entropy.h"

#include "demo_entropy.h"
#include "shim_log.h"

int demo_entropy_poll(void *data, unsigned char *output, size_t len,
		      size_t *olen)
{
	size_t done = 0;
	ssize_t n;

	(void)data;
	if (!output || !olen) {
		LogError("entropy: output or length pointer is NULL");
		return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
	}
	*olen = 0;

	while (done < len) {
		n = getrandom(&output[done], len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			LogError("entropy: getrandom() failed: %s",
				 n < 0 ? strerror(errno) : "returned 0 bytes");
			return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
		}
		done += (size_t)n;
	}
	*olen = done;
	return 0;
}
