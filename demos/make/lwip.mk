# lwip.mk - lwIP 2.2 (from the lwip crate) as the archive liblwip.a:
# NO_SYS=0 with lwIP's own FreeRTOS port (contrib/ports/freertos/sys_arch.c),
# everything of core, IPv4 and the netconn API (what lwipopts.h turns off
# compiles to nothing; --gc-sections drops what is not called). The same
# files as demos/mps2/lwip.cmake. Include after freertos.mk.
#
#   LWIP_OPTS_DIR   directory with the board's lwipopts.h and arch/cc.h
#
# Defines LWIP_INCLUDES and LWIP_LIB.

ifeq ($(wildcard $(LWIP_OPTS_DIR)/lwipopts.h),)
$(error LWIP_OPTS_DIR: no lwipopts.h in '$(LWIP_OPTS_DIR)')
endif
ifeq ($(wildcard $(LWIP_DIR)/src/core/tcp.c),)
$(error LWIP_DIR: no lwIP sources in '$(LWIP_DIR)')
endif

LWIP_INCLUDES := $(LWIP_OPTS_DIR) $(LWIP_DIR)/src/include \
	$(LWIP_DIR)/contrib/ports/freertos/include
LWIP_SRCS := $(sort $(wildcard $(LWIP_DIR)/src/core/*.c \
	$(LWIP_DIR)/src/core/ipv4/*.c $(LWIP_DIR)/src/api/*.c)) \
	$(LWIP_DIR)/src/netif/ethernet.c \
	$(LWIP_DIR)/contrib/ports/freertos/sys_arch.c
# __FILE__ in lwIP's messages as "lwip/...", not the registry path.
LWIP_CFLAGS = -std=gnu11 $(addprefix -I,$(LWIP_INCLUDES)) $(FREERTOS_CPPFLAGS) \
	$(call quote_defines,$(LWIP_DEFINES)) \
	-fmacro-prefix-map=$(LWIP_DIR)/src=lwip \
	-fmacro-prefix-map=$(LWIP_DIR)/contrib=lwip-contrib

$(eval $(call c_library,lwip,$(LWIP_SRCS),LWIP_CFLAGS))
LWIP_LIB := $(BUILD)/liblwip.a
