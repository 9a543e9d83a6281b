# freertos.mk - the FreeRTOS kernel (V11.2.0) for the core cortex-m.mk
# chose: kernel, port and heap_4, as the archive libfreertos_kernel.a.
# Include after cortex-m.mk, crate-sources.mk and rules.mk.
#
#   FREERTOS_CONFIG_DIR   directory of FreeRTOSConfig.h (cortex-m.mk gives
#                         this repository's config for the core)
#   FREERTOS_HEAP_SIZE    configTOTAL_HEAP_SIZE in bytes (empty: the
#                         config's value; the Cortex-M configs: 40 KiB)
#
# Defines FREERTOS_INCLUDES (kernel, port and config dirs), FREERTOS_DEFINES
# (NAME=VALUE), FREERTOS_CPPFLAGS (both as options, for every C file that
# includes FreeRTOS.h) and FREERTOS_LIB. The same files as
# freertos-kernel/CMakeLists.txt.

ifeq ($(wildcard $(FREERTOS_CONFIG_DIR)/FreeRTOSConfig.h),)
$(error FREERTOS_CONFIG_DIR: no FreeRTOSConfig.h in '$(FREERTOS_CONFIG_DIR)')
endif

ifneq ($(FREERTOS_HEAP_SIZE),)
ifneq ($(shell echo '$(FREERTOS_HEAP_SIZE)' | grep -Ex '[1-9][0-9]*'),$(FREERTOS_HEAP_SIZE))
$(error FREERTOS_HEAP_SIZE must be a number of bytes, not '$(FREERTOS_HEAP_SIZE)')
endif
endif
FREERTOS_DEFINES := $(if $(FREERTOS_HEAP_SIZE),configTOTAL_HEAP_SIZE=$(FREERTOS_HEAP_SIZE))

FREERTOS_PORT_DIR := $(FREERTOS_KERNEL_DIR)/portable/GCC/$(FREERTOS_PORT_SUBDIR)
FREERTOS_INCLUDES := $(FREERTOS_KERNEL_DIR)/include $(FREERTOS_PORT_DIR) \
	$(FREERTOS_CONFIG_DIR)
FREERTOS_SRCS := $(addprefix $(FREERTOS_KERNEL_DIR)/,tasks.c list.c queue.c \
	timers.c event_groups.c stream_buffer.c portable/MemMang/heap_4.c) \
	$(addprefix $(FREERTOS_PORT_DIR)/,$(FREERTOS_PORT_SRCS))
# configASSERT's __FILE__ as "FreeRTOS-Kernel/tasks.c", not the registry path.
FREERTOS_CPPFLAGS = $(addprefix -I,$(FREERTOS_INCLUDES)) $(call quote_defines,$(FREERTOS_DEFINES))
FREERTOS_CFLAGS = -std=gnu11 $(FREERTOS_CPPFLAGS) \
	-fmacro-prefix-map=$(FREERTOS_KERNEL_DIR)=FreeRTOS-Kernel

$(eval $(call c_library,freertos_kernel,$(FREERTOS_SRCS),FREERTOS_CFLAGS))
FREERTOS_LIB := $(BUILD)/libfreertos_kernel.a
