# c-shim.mk - the c-shim (TLS transport, PKCS#11 RNG module, mbedTLS
# allocator, log formatting) with lwIP's netconn sockets layer, as the
# archive libc_shim.a: the files c-shim/CMakeLists.txt compiles for
# C_SHIM_PLATFORM=lwip. The board provides demo_entropy_poll() and
# DemoLog_Write(). Include after freertos.mk, mbedtls.mk and lwip.mk.
#
#   PKCS11_INCLUDE_DIR   directory holding p11-kit/pkcs11.h (Debian's
#                        libp11-kit-dev: /usr/include/p11-kit-1)
#   C_SHIM_LOG_LEVEL     1 error .. 4 debug (3)
#
# Defines C_SHIM_INCLUDES and C_SHIM_LIB.

PKCS11_INCLUDE_DIR ?= /usr/include/p11-kit-1
C_SHIM_LOG_LEVEL ?= 3
ifeq ($(wildcard $(PKCS11_INCLUDE_DIR)/p11-kit/pkcs11.h),)
$(error PKCS11_INCLUDE_DIR: no p11-kit/pkcs11.h in '$(PKCS11_INCLUDE_DIR)' \
	(Debian: apt-get install libp11-kit-dev))
endif

C_SHIM_DIR := $(REPO)/c-shim
C_SHIM_INCLUDES := $(C_SHIM_DIR)/include $(PKCS11_INCLUDE_DIR)
C_SHIM_SRCS := $(addprefix $(C_SHIM_DIR)/src/,transport_mbedtls.c pkcs11_rng.c \
	pkcs11_unsupported.c mbedtls_freertos_alloc.c log_printf.c log_format.c \
	sockets_lwip.c)
C_SHIM_CFLAGS = -std=c11 $(OWN_WARNINGS) -Wcast-qual -Wformat=2 \
	-DDEMO_LOG_LEVEL=$(C_SHIM_LOG_LEVEL) \
	$(addprefix -I,$(C_SHIM_INCLUDES) $(C_SHIM_DIR)/src $(LWIP_INCLUDES)) \
	$(FREERTOS_CPPFLAGS) $(MBEDTLS_SYSTEM_INCLUDES) \
	$(call quote_defines,$(MBEDTLS_DEFINES) $(LWIP_DEFINES))

$(eval $(call c_library,c_shim,$(C_SHIM_SRCS),C_SHIM_CFLAGS))
C_SHIM_LIB := $(BUILD)/libc_shim.a
