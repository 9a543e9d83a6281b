# cortex-m.mk - one Cortex-M core: the C compiler's flags, the matching Rust
# target and the FreeRTOS port. Included by the Make builds in demos/.
#
#   CPU = cortex-m0plus | cortex-m3 | cortex-m4f | cortex-m33
#
# Defines:
#   CPU_FLAGS              -mcpu/-mthumb/-mfpu/-mfloat-abi for gcc
#   RUST_TARGET            the rustc target with the same core and float ABI
#   FREERTOS_PORT          FreeRTOS port name (ARM_CM0, ARM_CM3, ...)
#   FREERTOS_PORT_SUBDIR   its directory below the kernel's portable/GCC/
#   FREERTOS_PORT_SRCS     its C files there
#   FREERTOS_CONFIG_DIR    (unless set) freertos-kernel/config/<port>
#
# The hard-float cores use the same ABI on both sides (-mfloat-abi=hard and
# an *-eabihf Rust target), so C and Rust objects link: the linker refuses
# to mix objects that pass floats in VFP registers with ones that do not.

ifndef REPO
$(error cortex-m.mk: set REPO (the repository root) before including it)
endif

ifeq ($(CPU),cortex-m0plus)
CPU_FLAGS            := -mcpu=cortex-m0plus -mthumb -mfloat-abi=soft
RUST_TARGET          := thumbv6m-none-eabi
FREERTOS_PORT        := ARM_CM0
FREERTOS_PORT_SUBDIR := ARM_CM0
FREERTOS_PORT_SRCS   := port.c portasm.c
else ifeq ($(CPU),cortex-m3)
CPU_FLAGS            := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
RUST_TARGET          := thumbv7m-none-eabi
FREERTOS_PORT        := ARM_CM3
FREERTOS_PORT_SUBDIR := ARM_CM3
FREERTOS_PORT_SRCS   := port.c
else ifeq ($(CPU),cortex-m4f)
CPU_FLAGS            := -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard
RUST_TARGET          := thumbv7em-none-eabihf
FREERTOS_PORT        := ARM_CM4F
FREERTOS_PORT_SUBDIR := ARM_CM4F
FREERTOS_PORT_SRCS   := port.c
else ifeq ($(CPU),cortex-m33)
CPU_FLAGS            := -mcpu=cortex-m33 -mthumb -mfpu=fpv5-sp-d16 -mfloat-abi=hard
RUST_TARGET          := thumbv8m.main-none-eabihf
FREERTOS_PORT        := ARM_CM33_NTZ
FREERTOS_PORT_SUBDIR := ARM_CM33_NTZ/non_secure
FREERTOS_PORT_SRCS   := port.c portasm.c
else
$(error CPU must be cortex-m0plus, cortex-m3, cortex-m4f or cortex-m33, not '$(CPU)')
endif

FREERTOS_CONFIG_DIR ?= $(REPO)/freertos-kernel/config/$(shell echo $(FREERTOS_PORT) | tr A-Z a-z)
