# rust-component.mk - the Rust staticlib (libcoremqtt_rs.a) with the
# platform binding, built by plain cargo, for the core cortex-m.mk chose.
# Include after the other fragments.
#
#   DEMO_CONFIG_DIR        directory of the firmware's demo_config.h
#   DEMO_CREDENTIALS_DIR   directory of demo_credentials.h (certs/generated,
#                          written by certs/gen-pki.sh)
#   DEMO_DEFINES           NAME=VALUE overrides of demo_config.h, seen by the
#                          C build and by bindgen alike (string values keep
#                          their double quotes; no spaces)
#   RUST_CLANG_ARGS        more clang arguments for bindgen (-I.., -D..)
#   CARGO_TARGET_DIR       cargo's target directory ($(BUILD)/cargo)
#   CARGO                  cargo (cargo)
#   RUST_FEATURES          cargo features (freertos); freertos,coremqtt adds
#                          the coreMQTT and backoffAlgorithm C APIs
#
# bindgen reads the same headers as the C build: demo_config.h, the
# credentials, FreeRTOS (kernel, port, FreeRTOSConfig.h), mbedTLS with its
# configuration, c-shim/include and p11-kit. They are passed as an
# arguments file, one argument per line (DEMO_CLANG_ARGS_FILE, rewritten
# only when it changes), with the C compiler and CPU flags (CC_/CFLAGS_
# <target>): the plain-cargo interface of rust-component/build.rs (README,
# "Plain cargo"). cargo runs on every build and decides itself what is out
# of date.
#
# Defines RUST_LIB (the archive) and DEMO_CONFIG_INCLUDES, DEMO_CONFIG_CFLAGS
# for the C files that include demo_config.h; the goal `clippy` lints the
# crate with the platform binding for this target.

CARGO ?= cargo
RUST_FEATURES ?= freertos
CARGO_TARGET_DIR ?= $(BUILD)/cargo
DEMO_CREDENTIALS_DIR ?= $(REPO)/certs/generated
# cargo runs in the repository and bindgen in the crate: absolute paths only.
override CARGO_TARGET_DIR := $(abspath $(CARGO_TARGET_DIR))
override DEMO_CONFIG_DIR := $(abspath $(DEMO_CONFIG_DIR))
override DEMO_CREDENTIALS_DIR := $(abspath $(DEMO_CREDENTIALS_DIR))
# make exports command-line variables to recipes; the arguments file is
# the only input build.rs gets from here.
unexport DEMO_CONFIG_DIR DEMO_INCLUDE_DIRS DEMO_CLANG_ARGS

ifeq ($(wildcard $(DEMO_CONFIG_DIR)/demo_config.h),)
$(error DEMO_CONFIG_DIR: no demo_config.h in '$(DEMO_CONFIG_DIR)')
endif
ifeq ($(wildcard $(DEMO_CREDENTIALS_DIR)/demo_credentials.h),)
$(error DEMO_CREDENTIALS_DIR: no demo_credentials.h in '$(DEMO_CREDENTIALS_DIR)': \
	run certs/gen-pki.sh, or point DEMO_CREDENTIALS_DIR at your credentials header)
endif

DEMO_CONFIG_INCLUDES := $(DEMO_CONFIG_DIR) $(REPO)/demos/common $(DEMO_CREDENTIALS_DIR)
DEMO_CONFIG_CFLAGS = $(addprefix -I,$(DEMO_CONFIG_INCLUDES)) $(call quote_defines,$(DEMO_DEFINES))

RUST_CLANG_ARGS_FILE := $(BUILD)/demo_clang_args.txt
_rust_clang_args = $(addprefix -I,$(DEMO_CONFIG_INCLUDES) $(FREERTOS_INCLUDES) \
	$(MBEDTLS_INCLUDES) $(C_SHIM_INCLUDES)) \
	$(addprefix -D,$(FREERTOS_DEFINES) $(MBEDTLS_DEFINES) $(DEMO_DEFINES)) $(RUST_CLANG_ARGS)

RUST_LIB := $(CARGO_TARGET_DIR)/$(RUST_TARGET)/release/libcoremqtt_rs.a

$(RUST_CLANG_ARGS_FILE): FORCE
	$(call write_if_changed,$@,$(subst $(space),$(newline),$(strip $(_rust_clang_args))))

# The firmware's C compiler and CPU flags (cc-crate variables
# CC_/CFLAGS_<target>, <target> with _): build.rs takes the C library's
# headers from it and checks the C types Rust uses against it (layout,
# float ABI).
_target_var := $(subst .,_,$(subst -,_,$(RUST_TARGET)))

_cargo = cd "$(REPO)" && env CARGO_TARGET_DIR="$(CARGO_TARGET_DIR)" \
	DEMO_CLANG_ARGS_FILE="$(RUST_CLANG_ARGS_FILE)" \
	CC_$(_target_var)="$(CC)" CFLAGS_$(_target_var)="$(CPU_FLAGS)" \
	$(CARGO) $(1) --release --locked -p rust-component --lib \
	--target $(RUST_TARGET) --features $(RUST_FEATURES) $(if $(filter 1,$(V)),,--quiet)

$(RUST_LIB): $(RUST_CLANG_ARGS_FILE) FORCE
	$(call say,CARGO,$(RUST_TARGET))$(call _cargo,build)

# Lints the platform binding too (plain `cargo clippy` cannot: it needs the
# firmware's headers).
.PHONY: clippy
clippy: $(RUST_CLANG_ARGS_FILE)
	$(call say,CLIPPY,$(RUST_TARGET))$(call _cargo,clippy) -- -D warnings

space := $(subst ,, )
define newline


endef
