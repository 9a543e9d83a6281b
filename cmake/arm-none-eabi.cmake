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
# Keep -Os in every build type (Debug only adds -g). These are cache
# entries, not the *_INIT variables: CMake's GNU compiler module appends its
# own defaults to *_INIT (" -O2 -g -DNDEBUG" for RelWithDebInfo, -O3 for
# Release), and the last -O on the command line wins, so an *_INIT value
# here would compile everything at -O2/-O3. An existing cache entry (a
# user's -DCMAKE_C_FLAGS_RELEASE=...) is kept.
# A build tree configured with an older version of this file holds exactly
# those appended values; they are replaced, anything else is the user's.
foreach(_lang C CXX)
    foreach(_cfg_flags "DEBUG;-g;-g -g"
                       "RELEASE;-DNDEBUG;-DNDEBUG -O3 -DNDEBUG"
                       "MINSIZEREL;-DNDEBUG;-DNDEBUG -Os -DNDEBUG"
                       "RELWITHDEBINFO;-g -DNDEBUG;-g -DNDEBUG -O2 -g -DNDEBUG")
        list(GET _cfg_flags 0 _cfg)
        list(GET _cfg_flags 1 _flags)
        list(GET _cfg_flags 2 _stale)
        set(_var CMAKE_${_lang}_FLAGS_${_cfg})
        if(DEFINED CACHE{${_var}} AND "$CACHE{${_var}}" STREQUAL "${_stale}")
            set(${_var} "${_flags}" CACHE STRING "${_cfg} flags (-Os comes from CMAKE_${_lang}_FLAGS)" FORCE)
        else()
            set(${_var} "${_flags}" CACHE STRING "${_cfg} flags (-Os comes from CMAKE_${_lang}_FLAGS)")
        endif()
    endforeach()
endforeach()
# CMAKE_C_FLAGS (with --specs=nano.specs) are on the link line too: giving
# the specs file twice makes gcc fail ("attempt to rename spec 'link'").
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# Search headers/libraries in the toolchain's sysroot only, programs on the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
