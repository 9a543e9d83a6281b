// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * entropy_mps2.c - demo_entropy_poll() for the ARM MPS2 boards as QEMU
 * emulates them (AN385 Cortex-M3, AN386 Cortex-M4F: same timers, same
 * LAN9118).
 *
 *   *** NOT PRODUCTION-GRADE ENTROPY ***
 *
 * The MPS2 boards have no hardware random number generator. This file seeds the
 * PKCS#11 module's CTR_DRBG from what the board offers: the low bits of two
 * free-running counters (SysTick's current value, 25 MHz, and the LAN9118's
 * FREE_RUN counter, 25 MHz), sampled with data-dependent delays. Under QEMU
 * they differ between runs because the emulated clock follows the host
 * (-icount shift=auto) and network packets arrive at host-dependent times;
 * but an attacker who can observe or replay the timing can predict them.
 * That is enough to exercise the TLS stack and to vary the backoff jitter,
 * and nothing more. It is logged as such on first use.
 *
 * A real board fills in board_trng_read() below with its TRNG (for
 * example STM32 RNG->DR after RNG_SR.DRDY, NXP i.MX RT TRNG, nRF RNG,
 * ESP32 RNG): return 0 with @len fresh bytes, or -1 if the generator
 * failed its health test. When it returns 0, the timer fallback is never
 * used. demo_entropy_poll() is called with the scheduler suspended (see
 * pkcs11_rng.c), so the hook must not block on an RTOS primitive; polling
 * a ready flag is fine.
 */
#include <stdbool.h>
#include <stdint.h>

#include "mbedtls/entropy.h"

#include "FreeRTOS.h"
#include "task.h"

#include "demo_entropy.h"
#include "demo_log.h"

#define SYST_CVR   (*(volatile uint32_t *)0xE000E018UL)
#define LAN9118_FREE_RUN (*(volatile uint32_t *)0x4020009CUL)

/* Raw samples folded into each output byte. */
#define SAMPLES_PER_BYTE 8U

/*
 * board_trng_read() - THE HOOK A REAL BOARD FILLS IN: read @len bytes from
 * the hardware TRNG into @buf. Return 0 on success, -1 if there is no TRNG
 * or it failed. The MPS2 boards have none.
 */
static int board_trng_read(unsigned char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return -1;
}

static uint32_t rotl(uint32_t x, unsigned int r)
{
	return (x << r) | (x >> (32U - r));
}

/* One byte from the timers' low bits, sampled after varying delays. */
static unsigned char timer_jitter_byte(uint32_t *mix)
{
	uint32_t acc = *mix;
	volatile uint32_t spin;
	unsigned int i;

	for (i = 0; i < SAMPLES_PER_BYTE; i++) {
		acc = rotl(acc, 5) ^ SYST_CVR;
		acc = rotl(acc, 7) ^ LAN9118_FREE_RUN;
		acc *= 0x9E3779B1U; /* spread the low bits upward */
		for (spin = (acc >> 27) + 1U; spin > 0; spin--)
			;
	}
	*mix = acc;
	return (unsigned char)(acc >> 24);
}

int demo_entropy_poll(void *data, unsigned char *output, size_t len,
		      size_t *olen)
{
	static bool warned;
	static uint32_t mix;
	size_t i;

	(void)data;
	if (!output || !olen) {
		DemoLog_Printf(DEMO_LOG_ERROR,
			       "entropy: output or length pointer is NULL");
		return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
	}
	*olen = 0;

	if (board_trng_read(output, len) == 0) {
		*olen = len;
		return 0;
	}

	if (!warned) {
		warned = true;
		DemoLog_Printf(DEMO_LOG_WARN, "entropy: the MPS2 board has NO "
			       "hardware RNG: the DRBG is seeded from timer "
			       "jitter (SysTick, LAN9118 FREE_RUN). NOT "
			       "production-grade, predictable by an attacker; a "
			       "real board reads its TRNG in board_trng_read() "
			       "(demos/mps2/entropy_mps2.c)");
	}
	mix ^= (uint32_t)xTaskGetTickCount();
	for (i = 0; i < len; i++)
		output[i] = timer_jitter_byte(&mix);
	*olen = len;
	return 0;
}
