/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * demo_log.h - logging sink shared by the C shim and the Rust component.
 *
 * One call writes one line "[tick] [LEVEL] message\n" to the platform's
 * console. The sink is safe to call from several FreeRTOS tasks and before
 * the scheduler starts; it must not be called from an interrupt handler.
 *
 * Lines longer than DEMO_LOG_LINE_MAX are cut and end in "..." so that a
 * truncation is always visible.
 */
#ifndef DEMO_LOG_H
#define DEMO_LOG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Log levels, as used by DemoLog_Write(). */
#define DEMO_LOG_ERROR 1
#define DEMO_LOG_WARN  2
#define DEMO_LOG_INFO  3
#define DEMO_LOG_DEBUG 4

/*
 * Longest line written, including the "[tick] [LEVEL] " prefix and the
 * newline. Override with -DDEMO_LOG_LINE_MAX=... when building the sink.
 */
#ifndef DEMO_LOG_LINE_MAX
#define DEMO_LOG_LINE_MAX 320
#endif

/**
 * DemoLog_Write() - write one log line.
 * @level:   DEMO_LOG_ERROR .. DEMO_LOG_DEBUG; any other value is printed
 *           as "L<n>" so it is never lost.
 * @message: the text, NOT NUL-terminated; it must not contain the newline.
 *           May be NULL only when @length is 0.
 * @length:  number of bytes in @message.
 *
 * Never fails visibly: if the console rejects the write, the line is lost.
 */
void DemoLog_Write(int32_t level, const char *message, size_t length);

/**
 * DemoLog_Printf() - format a message and pass it to DemoLog_Write().
 * @level: as for DemoLog_Write().
 * @fmt:   printf format. A message longer than the line ends in "...".
 *
 * Messages above DEMO_LOG_LEVEL (compile-time, default DEMO_LOG_INFO, set
 * when building the shim) are dropped.
 */
void DemoLog_Printf(int32_t level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* DEMO_LOG_H */
