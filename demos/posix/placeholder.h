/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * placeholder.h - stand-in for the Rust demo entry point in an image built
 * without the Rust component (DEMO_USE_RUST_TASK=OFF).
 */
#ifndef PLACEHOLDER_H
#define PLACEHOLDER_H

#include <stdint.h>

/*
 * placeholder_demo_run() - same signature as mqtt_demo_run(). Checks that the
 * kernel tick, freertos-rust's shim and mbedTLS (version, SHA-256, allocation
 * through the FreeRTOS heap) work in this image.
 *
 * Return: 0 on success, 1..3 for the failed check; the environment variable
 * DEMO_PLACEHOLDER_STATUS, when set, replaces a 0 (to test exit codes).
 */
int32_t placeholder_demo_run(uint32_t iterations);

#endif /* PLACEHOLDER_H */
