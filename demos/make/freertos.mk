# freertos.mk - the FreeRTOS kernel (V11.2.0) for the core cortex-m.mk
# chose: kernel, port and heap_4, as the archive libfreertos_kernel.a.
# Include after cortex-m.mk, crate-sources.mk and rules.mk.
#
#   FREERTOS_CONFIG_DIR   directory of FreeRTOSConfig.h (cortex-m.mk gives
#                         this repository's config for the core)
#
# Defines FREERTOS_INCLUDES (kernel, port and config dirs) and
# FREERTOS_LIB. The same files as freertos-kernel/CMakeLists.txt.

ifeq ($(wildcard $(FREERTOS_CONFIG_DIR)/FreeRTOSConfig.h),)
$(error FREERTOS_CONFIG_DIR: no FreeRTOSConfig.h in '$(FREERTOS_CONFIG_DIR)')
endif

FREERTOS_PORT_DIR := $(FREERTOS_KERNEL_DIR)/portable/GCC/$(FREERTOS_PORT_SUBDIR)
FREERTOS_INCLUDES := $(FREERTOS_KERNEL_DIR)/include $(FREERTOS_PORT_DIR) \
	$(FREERTOS_CONFIG_DIR)
FREERTOS_SRCS := $(addprefix $(FREERTOS_KERNEL_DIR)/,tasks.c list.c queue.c \
	timers.c event_groups.c stream_buffer.c portable/MemMang/heap_4.c) \
	$(addprefix $(FREERTOS_PORT_DIR)/,$(FREERTOS_PORT_SRCS))
# configASSERT's __FILE__ as "FreeRTOS-Kernel/tasks.c", not the registry path.
FREERTOS_CFLAGS = -std=gnu11 $(addprefix -I,$(FREERTOS_INCLUDES)) \
	-fmacro-prefix-map=$(FREERTOS_KERNEL_DIR)=FreeRTOS-Kernel

$(eval $(call c_library,freertos_kernel,$(FREERTOS_SRCS),FREERTOS_CFLAGS))
FREERTOS_LIB := $(BUILD)/libfreertos_kernel.a
