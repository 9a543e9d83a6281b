/*
 * demo_config_mps2.h - demo settings the MPS2 images share (the CMake
 * mps2-an385 image, the Make mps2-an386 firmware). Included by their
 * demo_config.h before demos/common/demo_config_defaults.h; a value the
 * image's header, CMake (DEMO_<NAME>) or make (DEMO_DEFINES) defines
 * first wins.
 */
#ifndef DEMO_CONFIG_MPS2_H
#define DEMO_CONFIG_MPS2_H

/* Demo task stack depth, in words (StackType_t, 4 bytes here); it comes
 * from the FreeRTOS heap. Sized from the measured high-water mark, which
 * the image logs when the demo ends (the images' READMEs list it); on the
 * AN386 the task's FPU context is saved on it too. */
#ifndef democonfigDEMO_STACKSIZE
#define democonfigDEMO_STACKSIZE                1536
#endif

/* Above the idle task (0) and below lwIP's tcpip thread (5); the timer
 * task runs at configMAX_PRIORITIES - 1. */
#ifndef democonfigDEMO_PRIORITY
#define democonfigDEMO_PRIORITY                 1
#endif

#endif /* DEMO_CONFIG_MPS2_H */
