# staticlib.mk - the Rust staticlib with its platform binding, and the
# FreeRTOS kernel, for one Cortex-M core: what a firmware built elsewhere (a
# vendor IDE project, your own Makefile) links. No board, no image.
#
#   make -f demos/make/staticlib.mk CPU=cortex-m0plus \
#        DEMO_CONFIG_DIR=<dir of your demo_config.h> [check]
#
# Variables:
#   CPU                   cortex-m0plus | cortex-m3 | cortex-m4f | cortex-m33
#   DEMO_CONFIG_DIR       directory of the firmware's demo_config.h (required)
#   FREERTOS_CONFIG_DIR   directory of its FreeRTOSConfig.h (default: this
#                         repository's config for the core,
#                         freertos-kernel/config/<port>)
#   DEMO_CREDENTIALS_DIR, DEMO_DEFINES, CARGO_TARGET_DIR, RUST_CLANG_ARGS
#                         as in rust-component.mk
#   BUILD                 build directory (build/staticlib-<CPU>)
#
# Goals:
#   all     $(BUILD)/cargo/<target>/release/libcoremqtt_rs.a and
#           $(BUILD)/libfreertos_kernel.a
#   check   all, then: the archive defines the C entry points
#           (mqtt_demo_run, mqtt_demo_task_create), and its Rust object
#           links with the kernel's C objects (ld -r merges their build
#           attributes and refuses a different float ABI: C and Rust must
#           agree) for the expected architecture.

REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
BUILD ?= $(REPO)/build/staticlib-$(CPU)

ifndef DEMO_CONFIG_DIR
$(error set DEMO_CONFIG_DIR to the directory of your demo_config.h)
endif

include $(REPO)/demos/make/cortex-m.mk
include $(REPO)/demos/make/rules.mk
include $(REPO)/demos/make/crate-sources.mk
include $(REPO)/demos/make/freertos.mk
include $(REPO)/demos/make/mbedtls.mk
include $(REPO)/demos/make/c-shim.mk
include $(REPO)/demos/make/rust-component.mk

# The build attributes readelf -A shows for the core (Tag_CPU_arch), and
# whether floats are passed in VFP registers (the hard-float ABI).
_arch_cortex-m0plus := v6S-M
_arch_cortex-m3 := v7
_arch_cortex-m4f := v7E-M
_arch_cortex-m33 := v8-M.mainline
_vfp_args := $(if $(findstring hard,$(CPU_FLAGS)),yes,no)

.PHONY: all check
.DEFAULT_GOAL := all
all: $(RUST_LIB) $(FREERTOS_LIB)

check: all
	$(Q)set -e; dir="$(BUILD)/abi-check"; rm -rf "$$dir"; mkdir -p "$$dir"; \
	member=$$($(AR) t "$(RUST_LIB)" | grep '^coremqtt_rs-.*\.o$$'); \
	(cd "$$dir" && $(AR) x "$(RUST_LIB)" $$member); \
	syms=$$($(CROSS_COMPILE)readelf -sW "$$dir/$$member"); \
	for f in mqtt_demo_run mqtt_demo_task_create; do \
		echo "$$syms" | grep -Eq "FUNC +GLOBAL +DEFAULT +[0-9]+ $$f$$" || \
		{ echo "check: $(RUST_LIB) does not define $$f" >&2; exit 1; }; \
	done; \
	$(CROSS_COMPILE)ld -r -z noexecstack -o "$$dir/linked.o" "$$dir/$$member" $(freertos_kernel_OBJS); \
	attrs=$$($(CROSS_COMPILE)readelf -A "$$dir/linked.o"); \
	echo "$$attrs" | grep -q "Tag_CPU_arch: $(_arch_$(CPU))$$" || \
		{ echo "check: not built for $(_arch_$(CPU)):" >&2; echo "$$attrs" >&2; exit 1; }; \
	if echo "$$attrs" | grep -q "Tag_ABI_VFP_args: VFP registers"; then vfp=yes; else vfp=no; fi; \
	[ "$$vfp" = "$(_vfp_args)" ] || \
		{ echo "check: floats in VFP registers: $$vfp, expected $(_vfp_args)" >&2; exit 1; }; \
	echo "check: $(CPU) ($(RUST_TARGET), FreeRTOS $(FREERTOS_PORT)): C entry points defined; Rust and kernel objects link as $(_arch_$(CPU)), floats in VFP registers: $$vfp"
