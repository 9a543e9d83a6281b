/*
 * demo_config.h - configuration of the MQTT mutual-authentication demo,
 * Cortex-M4F firmware for QEMU mps2-an386 built with GNU Make
 * (FreeRTOS ARM_CM4F, lwIP, LAN9118).
 *
 * Defined here: what this firmware changes. Everything else has its default
 * in demos/common/demo_config_defaults.h, included at the end; a value
 * defined here, or on make's command line (DEMO_DEFINES, e.g.
 * 'democonfigMQTT_BROKER_PORT=8883'), wins. Credentials, broker name and
 * AWS IoT settings work as in demos/qemu-mps2-an385/demo_config.h.
 */
#ifndef DEMO_CONFIG_H
#define DEMO_CONFIG_H

#ifndef democonfigHARDWARE_PLATFORM_NAME
#define democonfigHARDWARE_PLATFORM_NAME        "QEMU-mps2-an386"
#endif

/* Demo task stack and priority: the MPS2 images share them. */
#include "../mps2/demo_config_mps2.h"

#include "demo_config_defaults.h"

#endif /* DEMO_CONFIG_H */
