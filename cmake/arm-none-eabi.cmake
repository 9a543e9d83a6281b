# arm-none-eabi.cmake - CMake toolchain file: Cortex-M3 (thumbv7m), GNU Arm
# Embedded GCC (Debian gcc-arm-none-eabi) with newlib-nano.
#
#   cmake -S <dir> -B <build> -DCMAKE_TOOLCHAIN_FILE=<repo>/cmake/arm-none-eabi.cmake
#
# Compiles with -mcpu=cortex-m3 -mthumb, soft float, newlib-nano
# (--specs=nano.specs, also at compile time so its newlib.h is used),
# -ffunction-sections -fdata-sections and -Os; links with --gc-sections.
# The image adds its own linker script and a syscall layer (e.g.
# --specs=rdimon.specs for semihosting, or --specs=nosys.specs).
# Matching Rust target: thumbv7m-none-eabi.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m3)

set(_prefix arm-none-eabi-)
find_program(CMAKE_C_COMPILER ${_prefix}gcc REQUIRED)
find_program(CMAKE_ASM_COMPILER ${_prefix}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${_prefix}g++)
find_program(CMAKE_OBJCOPY ${_prefix}objcopy)
find_program(CMAKE_SIZE ${_prefix}size)

# No OS to run test executables on: try_compile builds static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_cpu "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
set(_common "${_cpu} --specs=nano.specs -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${_common} -Os")
set(CMAKE_CXX_FLAGS_INIT "${_common} -Os -fno-exceptions -fno-rtti")
set(CMAKE_ASM_FLAGS_INIT "${_cpu} -x assembler-with-cpp")
# Keep -Os in every build type (Debug only adds -g).
set(CMAKE_C_FLAGS_DEBUG_INIT "-g")
set(CMAKE_C_FLAGS_RELEASE_INIT "-DNDEBUG")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-DNDEBUG")
set(CMAKE_C_FLAGS_RELWITHDEBINFO_INIT "-g -DNDEBUG")
# CMAKE_C_FLAGS (with --specs=nano.specs) are on the link line too: giving
# the specs file twice makes gcc fail ("attempt to rename spec 'link'").
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# Search headers/libraries in the toolchain's sysroot only, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
