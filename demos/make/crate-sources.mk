# crate-sources.mk - where the FreeRTOS kernel, lwIP and mbedTLS sources
# are: the crates that bundle them, resolved by `cargo metadata` on the
# committed locator manifests (tools/crate-source-dir), so every machine
# gets the versions of their Cargo.lock:
#
#   FREERTOS_KERNEL_DIR   FreeRTOS-Kernel V11.2.0 (tasks.c, include/,
#                         portable/): freertos-next, cmake/crate-sources/
#   LWIP_DIR              lwIP 2.2 (src/, contrib/ports/freertos/): lwip,
#                         cmake/crate-sources/
#   MBEDTLS_DIR           mbedTLS (include/, library/) of the line
#                         DEMO_MBEDTLS picks (mbedtls.mk): 3.6 from
#                         mbedtls-rs-sys, cmake/crate-sources/mbedtls3/ (a
#                         graph of its own: both mbedTLS crates declare
#                         links = "mbedtls"), or 2.28 from mbedtls-sys-auto,
#                         cmake/crate-sources/
#
# Set a variable to use your own tree instead.

ifndef REPO
$(error crate-sources.mk: set REPO (the repository root) before including it)
endif

DEMO_MBEDTLS ?= 3.6

_locate = $(shell "$(REPO)/tools/crate-source-dir" $(1))
_located = $(if $(filter 1,$(words $(1))),$(1),$(error cannot locate $(2) \
	(tools/crate-source-dir failed, see above); or set $(3)))

ifeq ($(FREERTOS_KERNEL_DIR),)
FREERTOS_KERNEL_DIR := $(call _located,$(call _locate,freertos-next),freertos-next,FREERTOS_KERNEL_DIR)/FreeRTOS-Kernel
endif
ifeq ($(LWIP_DIR),)
LWIP_DIR := $(call _located,$(call _locate,lwip),lwip,LWIP_DIR)
endif
ifeq ($(MBEDTLS_DIR),)
ifeq ($(DEMO_MBEDTLS),3.6)
MBEDTLS_DIR := $(call _located,$(call _locate,--manifest \
	"$(REPO)/cmake/crate-sources/mbedtls3/Cargo.toml" mbedtls-rs-sys),mbedtls-rs-sys,MBEDTLS_DIR)/mbedtls
else ifeq ($(DEMO_MBEDTLS),2.28)
MBEDTLS_DIR := $(call _located,$(call _locate,mbedtls-sys-auto),mbedtls-sys-auto,MBEDTLS_DIR)/vendor
else
$(error DEMO_MBEDTLS must be 3.6 or 2.28, not '$(DEMO_MBEDTLS)')
endif
endif

ifeq ($(wildcard $(FREERTOS_KERNEL_DIR)/tasks.c),)
$(error FREERTOS_KERNEL_DIR: no FreeRTOS kernel in '$(FREERTOS_KERNEL_DIR)')
endif
