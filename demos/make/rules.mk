# rules.mk - toolchain, common flags and the rules that turn a list of C
# files into a static library, for the Make builds in demos/. Include it
# after cortex-m.mk (CPU_FLAGS) and with BUILD set.
#
#   CROSS_COMPILE   tool prefix (arm-none-eabi-); CC and AR unless given
#   DEBUG           0 (default): release, -DNDEBUG (lwIP assertions off,
#                   configASSERT stays); 1: assertions on
#   V               1 prints every command
#
# $(call c_library,<name>,<sources>,<flags variable>) defines the archive
# $(BUILD)/lib<name>.a and <name>_OBJS. Objects go below $(BUILD)/<name>/
# mirroring the sources' absolute paths (sources may live in the cargo
# registry); each depends on the headers it read (-MMD) and on
# $(BUILD)/<name>.flags, which changes only when the flags do, so a new
# -D rebuilds what it affects and nothing else. Paths must not contain
# spaces (GNU Make cannot express them).

ifndef BUILD
$(error rules.mk: set BUILD (the build directory) before including it)
endif

CROSS_COMPILE ?= arm-none-eabi-
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
DEBUG ?= 0

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# -Os everywhere (the size the README reports); -g does not reach flash.
COMMON_CFLAGS := $(CPU_FLAGS) --specs=nano.specs -ffunction-sections \
	-fdata-sections -Os -g
ifeq ($(DEBUG),0)
COMMON_CFLAGS += -DNDEBUG
endif

# Warnings for the project's own C (third-party code keeps gcc's defaults).
OWN_WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wundef

# 'NAME=VALUE' definitions as shell-quoted -D options (values may hold
# double quotes, e.g. democonfigMQTT_BROKER_ENDPOINT="localhost").
quote_defines = $(foreach d,$(1),'-D$(d)')

# $(call write_if_changed,<file>,<text>): rewrite <file> only when its
# content differs (its time stamp then tells what depends on <text>).
write_if_changed = $(if $(subst $(2),,$(file <$(1)))$(subst $(file <$(1)),,$(2)),$(file >$(1),$(2)))

$(shell mkdir -p $(BUILD))

define c_library
$(1)_OBJS := $$(patsubst /%.c,$$(BUILD)/$(1)/%.o,$$(abspath $(2)))
$$(BUILD)/$(1)/%.o: /%.c $$(BUILD)/$(1).flags
	@mkdir -p $$(@D)
	$$(call say,CC,$$(notdir $$<))$$(CC) $$(COMMON_CFLAGS) $$($(3)) -MMD -MP -c $$< -o $$@
$$(BUILD)/lib$(1).a: $$($(1)_OBJS)
	$$(call say,AR,$$(notdir $$@))rm -f $$@ && $$(AR) rcs $$@ $$^
$$(BUILD)/$(1).flags: FORCE
	$$(call write_if_changed,$$@,$$(COMMON_CFLAGS) $$($(3)))
-include $$($(1)_OBJS:.o=.d)
endef

.PHONY: FORCE
FORCE:
