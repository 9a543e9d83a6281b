# mbedtls.mk - mbedTLS with this repository's configuration as the archive
# libmbedtls.a: the same sources and settings as cmake/Mbedtls.cmake for a
# bare-metal target (no clock, so certificate dates are not checked).
# Include after crate-sources.mk and rules.mk.
#
#   DEMO_MBEDTLS            3.6 (default): mbedTLS 3.6 LTS from mbedtls-rs-sys,
#                           cmake/mbedtls/demo_mbedtls3_config.h (TLS 1.3 +
#                           TLS 1.2 client); 2.28 (end of life): from
#                           mbedtls-sys-auto, demo_mbedtls2_config.h (TLS 1.2)
#   DEMO_MBEDTLS_ERROR_STRINGS  1: mbedtls_strerror() with mbedTLS's texts
#                           (~14 KB of flash); 0 (default): the c-shim's own
#                           words for the codes it meets
#
# Defines MBEDTLS_INCLUDES (MBEDTLS_SYSTEM_INCLUDES: as -isystem options)
# and MBEDTLS_DEFINES (every user of the mbedTLS headers, bindgen included,
# must see the same: struct layouts depend on them) and MBEDTLS_LIB.

DEMO_MBEDTLS_ERROR_STRINGS ?= 0

ifeq ($(DEMO_MBEDTLS),3.6)
_mbedtls_config := demo_mbedtls3_config.h
_mbedtls_version_h := $(MBEDTLS_DIR)/include/mbedtls/build_info.h
else
_mbedtls_config := demo_mbedtls2_config.h
_mbedtls_version_h := $(MBEDTLS_DIR)/include/mbedtls/version.h
endif
ifeq ($(wildcard $(MBEDTLS_DIR)/library/ssl_tls.c),)
$(error MBEDTLS_DIR: no mbedTLS sources in '$(MBEDTLS_DIR)/library')
endif
_mbedtls_version := $(shell sed -n 's/^\#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' \
	"$(_mbedtls_version_h)" 2>/dev/null)
ifeq ($(filter $(DEMO_MBEDTLS).%,$(_mbedtls_version)),)
$(error DEMO_MBEDTLS=$(DEMO_MBEDTLS) but '$(MBEDTLS_DIR)' holds mbedTLS '$(_mbedtls_version)')
endif

MBEDTLS_CONFIG_DIR := $(REPO)/cmake/mbedtls
MBEDTLS_INCLUDES := $(MBEDTLS_DIR)/include $(MBEDTLS_CONFIG_DIR)
# For our own C: third-party headers are not held to our -Wundef and friends.
MBEDTLS_SYSTEM_INCLUDES := $(addprefix -isystem ,$(MBEDTLS_INCLUDES))
MBEDTLS_DEFINES := MBEDTLS_CONFIG_FILE="$(_mbedtls_config)" DEMO_MBEDTLS_HAVE_TIME=0 \
	DEMO_MBEDTLS_ERROR_STRINGS=$(DEMO_MBEDTLS_ERROR_STRINGS)
MBEDTLS_OWN_SRCS := $(MBEDTLS_CONFIG_DIR)/demo_mbedtls_platform.c
MBEDTLS_SRCS := $(sort $(wildcard $(MBEDTLS_DIR)/library/*.c)) $(MBEDTLS_OWN_SRCS)
MBEDTLS_CFLAGS = -std=gnu11 $(addprefix -I,$(MBEDTLS_INCLUDES) $(MBEDTLS_DIR)/library) \
	$(call quote_defines,$(MBEDTLS_DEFINES))

$(eval $(call c_library,mbedtls,$(MBEDTLS_SRCS),MBEDTLS_CFLAGS))
# Our own file in it gets our warnings; mbedTLS's keep gcc's defaults.
$(patsubst /%.c,$(BUILD)/mbedtls/%.o,$(abspath $(MBEDTLS_OWN_SRCS))): \
	MBEDTLS_CFLAGS += -Wall -Wextra -Werror
MBEDTLS_LIB := $(BUILD)/libmbedtls.a
