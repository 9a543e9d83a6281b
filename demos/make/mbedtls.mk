# mbedtls.mk - mbedTLS 2.28 (from the mbedtls-sys-auto crate) with this
# repository's configuration, cmake/mbedtls/demo_mbedtls2_config.h, as the
# archive libmbedtls.a: the same sources and settings as
# cmake/Mbedtls.cmake for a bare-metal target (no clock: certificate dates
# are not checked). Include after crate-sources.mk and rules.mk.
#
# Defines MBEDTLS_INCLUDES and MBEDTLS_DEFINES (every user of the mbedTLS
# headers, bindgen included, must see the same: struct layouts depend on
# them) and MBEDTLS_LIB.

ifeq ($(wildcard $(MBEDTLS_DIR)/library/ssl_tls.c),)
$(error MBEDTLS_DIR: no mbedTLS sources in '$(MBEDTLS_DIR)/library')
endif

MBEDTLS_CONFIG_DIR := $(REPO)/cmake/mbedtls
MBEDTLS_INCLUDES := $(MBEDTLS_DIR)/include $(MBEDTLS_CONFIG_DIR)
MBEDTLS_DEFINES := MBEDTLS_CONFIG_FILE="demo_mbedtls2_config.h" DEMO_MBEDTLS_HAVE_TIME=0 \
	DEMO_MBEDTLS_ERROR_STRINGS=0
MBEDTLS_OWN_SRCS := $(MBEDTLS_CONFIG_DIR)/demo_mbedtls_platform.c
MBEDTLS_SRCS := $(sort $(wildcard $(MBEDTLS_DIR)/library/*.c)) $(MBEDTLS_OWN_SRCS)
MBEDTLS_CFLAGS = -std=gnu11 $(addprefix -I,$(MBEDTLS_INCLUDES) $(MBEDTLS_DIR)/library) \
	$(call quote_defines,$(MBEDTLS_DEFINES))

$(eval $(call c_library,mbedtls,$(MBEDTLS_SRCS),MBEDTLS_CFLAGS))
# Our own file in it gets our warnings; mbedTLS's keep gcc's defaults.
$(patsubst /%.c,$(BUILD)/mbedtls/%.o,$(abspath $(MBEDTLS_OWN_SRCS))): \
	MBEDTLS_CFLAGS += -Wall -Wextra -Werror
MBEDTLS_LIB := $(BUILD)/libmbedtls.a
