/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * shim_log.h - private logging macros of the C shim.
 *
 * Usage: LogError("connect to %s failed: %s", host, why);
 * They are plain printf-style wrappers around DemoLog_Printf(), kept out of
 * the public headers so they cannot clash with FreeRTOS-Plus logging_stack.h
 * (whose LogError takes a doubly-parenthesised argument list).
 */
#ifndef SHIM_LOG_H
#define SHIM_LOG_H

#include "demo_log.h"

#define LogError(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)
#define LogWarn(...)  DemoLog_Printf(DEMO_LOG_WARN, __VA_ARGS__)
#define LogInfo(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define LogDebug(...) DemoLog_Printf(DEMO_LOG_DEBUG, __VA_ARGS__)

#endif /* SHIM_LOG_H */
