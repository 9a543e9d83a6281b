# lwip.cmake - lwIP 2.2 (from the `lwip` crate) as one static library, `lwip`,
# for the MPS2 images: NO_SYS=0 with lwIP's own FreeRTOS port
# (contrib/ports/freertos/sys_arch.c), configured by this directory's
# include/lwipopts.h and include/arch/cc.h.
#
#   include(lwip.cmake)      # after freertos_kernel exists
#   target_link_libraries(app PRIVATE lwip)
#
# PUBLIC usage requirements: lwIP's include dirs, the FreeRTOS port's
# include dir and this image's include/ (lwipopts.h, arch/cc.h), so every
# user of lwIP headers sees the same options.
#
# Cache variable: CRATE_SOURCE_DIR_lwip (from CrateSources.cmake) to build
# another lwIP 2.2 tree.
#
# Third-party code: compiled with the toolchain's default warnings, never
# our -Werror. __FILE__ in lwIP's asserts is shortened to "lwip/..." so the
# cargo registry path does not end up in flash.

include_guard(GLOBAL)
include(CrateSources)

function(_demo_add_lwip)
    crate_source_dir(lwip _crate)
    set(_src "${_crate}/src")
    set(_port "${_crate}/contrib/ports/freertos")
    if(NOT EXISTS "${_src}/core/tcp.c" OR NOT EXISTS "${_port}/sys_arch.c")
        message(FATAL_ERROR "no lwIP sources or FreeRTOS port in ${_crate}")
    endif()
    file(STRINGS "${_src}/include/lwip/init.h" _v REGEX
         "#define LWIP_VERSION_(MAJOR|MINOR|REVISION) ")
    string(REGEX MATCHALL "[0-9]+" _v "${_v}")
    list(JOIN _v "." _v)
    message(STATUS "lwIP ${_v}: ${_crate}")

    # Everything of core, IPv4 and the netconn API; what lwipopts.h turns
    # off compiles to nothing, and --gc-sections drops what is not called.
    file(GLOB _core "${_src}/core/*.c")
    file(GLOB _ipv4 "${_src}/core/ipv4/*.c")
    file(GLOB _api "${_src}/api/*.c")
    add_library(lwip STATIC ${_core} ${_ipv4} ${_api}
        "${_src}/netif/ethernet.c"
        "${_port}/sys_arch.c")
    target_include_directories(lwip PUBLIC
        "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/include"
        "${_src}/include"
        "${_port}/include")
    target_link_libraries(lwip PUBLIC freertos_kernel)
    target_compile_options(lwip PRIVATE
        "-fmacro-prefix-map=${_crate}/src=lwip"
        "-fmacro-prefix-map=${_crate}/contrib=lwip-contrib")
    set_target_properties(lwip PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
endfunction()

if(NOT TARGET lwip)
    _demo_add_lwip()
endif()
