/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * arch/cc.h - lwIP compiler/platform glue for arm-none-eabi-gcc + newlib.
 *
 * Types come from <stdint.h> (lwip/arch.h), byte order is little endian
 * (lwIP's default), struct packing uses GCC attributes. Diagnostics go to
 * the UART log; a failed LWIP_ASSERT is fatal (logged, then QEMU exits with
 * board.h's EXIT_ASSERT).
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdlib.h>
#include <sys/time.h>

#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_NO_CTYPE_H      0
#define LWIP_ERRNO_STDINCLUDE 1 /* newlib's <errno.h> for err.c */

#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_STRUCT   __attribute__((packed))
#define PACK_STRUCT_END
#define PACK_STRUCT_FIELD(x) x

void board_lwip_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void board_lwip_assert(const char *msg, const char *file, int line)
	__attribute__((noreturn));

#define LWIP_PLATFORM_DIAG(x)    do { board_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)  board_lwip_assert((x), __FILE__, __LINE__)

#endif /* LWIP_ARCH_CC_H */
