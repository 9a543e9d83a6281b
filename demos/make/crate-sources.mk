# crate-sources.mk - where the FreeRTOS kernel, lwIP and mbedTLS sources
# are: the crates that bundle them, resolved by `cargo metadata` on the
# committed locator manifest cmake/crate-sources/Cargo.toml
# (tools/crate-source-dir), so every machine gets the versions of its
# Cargo.lock. Set a variable to use your own tree instead:
#
#   FREERTOS_KERNEL_DIR   FreeRTOS-Kernel V11.2.0 (tasks.c, include/, portable/)
#   LWIP_DIR              lwIP 2.2 (src/, contrib/ports/freertos/)
#   MBEDTLS_DIR           mbedTLS 2.28 (include/, library/)

ifndef REPO
$(error crate-sources.mk: set REPO (the repository root) before including it)
endif

ifeq ($(and $(FREERTOS_KERNEL_DIR),$(LWIP_DIR),$(MBEDTLS_DIR)),)
_crate_dirs := $(shell "$(REPO)/tools/crate-source-dir" freertos-next lwip mbedtls-sys-auto)
ifneq ($(words $(_crate_dirs)),3)
$(error cannot locate the crate sources (tools/crate-source-dir failed, see above); \
	or set FREERTOS_KERNEL_DIR, LWIP_DIR and MBEDTLS_DIR)
endif
FREERTOS_KERNEL_DIR ?= $(word 1,$(_crate_dirs))/FreeRTOS-Kernel
LWIP_DIR ?= $(word 2,$(_crate_dirs))
MBEDTLS_DIR ?= $(word 3,$(_crate_dirs))/vendor
endif

ifeq ($(wildcard $(FREERTOS_KERNEL_DIR)/tasks.c),)
$(error FREERTOS_KERNEL_DIR: no FreeRTOS kernel in '$(FREERTOS_KERNEL_DIR)')
endif
