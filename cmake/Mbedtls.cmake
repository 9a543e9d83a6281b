# Mbedtls.cmake - mbedTLS 2.28 (vendored in the mbedtls-sys-auto crate) as one
# static library target, `mbedtls` (crypto + X.509 + TLS), built with our
# configuration header cmake/mbedtls/demo_mbedtls_config.h.
#
#   include(<repo>/cmake/Mbedtls.cmake)
#   target_link_libraries(app PRIVATE mbedtls)
#
# PUBLIC usage requirements: include dirs vendor/include and cmake/mbedtls,
# MBEDTLS_CONFIG_FILE="demo_mbedtls_config.h" and DEMO_MBEDTLS_HAVE_TIME, so
# every user of the mbedTLS headers sees the same configuration (struct layouts
# depend on it).
#
# Cache variables:
#   MBEDTLS_DEMO_HAVE_TIME   ON: certificate validity dates are checked against
#                            the system clock (hosted builds, default there);
#                            OFF: no clock, dates not checked (bare metal,
#                            CMAKE_SYSTEM_NAME Generic, default there).
#   CRATE_SOURCE_DIR_mbedtls_sys_auto  (from CrateSources.cmake) another
#                            mbedtls-sys-auto / mbedTLS 2.28 tree.
#
# mbedTLS's own sources are compiled with the toolchain's default warnings and
# no -Werror; our own file (demo_mbedtls_platform.c) with DemoWarnings.

include_guard(GLOBAL)

include("${CMAKE_CURRENT_LIST_DIR}/CrateSources.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/DemoWarnings.cmake")

if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
    set(_mbedtls_time_default OFF)
else()
    set(_mbedtls_time_default ON)
endif()
option(MBEDTLS_DEMO_HAVE_TIME
       "mbedTLS checks certificate dates against the system clock"
       ${_mbedtls_time_default})

function(_demo_add_mbedtls)
    crate_source_dir(mbedtls-sys-auto _crate)
    set(_vendor "${_crate}/vendor")
    if(NOT EXISTS "${_vendor}/library/ssl_tls.c")
        message(FATAL_ERROR "no mbedTLS sources in ${_vendor}/library")
    endif()
    file(STRINGS "${_vendor}/include/mbedtls/version.h" _version
         REGEX "#define MBEDTLS_VERSION_STRING ")
    string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" _version "${_version}")
    message(STATUS "mbedTLS ${_version}: ${_vendor} (time checks: ${MBEDTLS_DEMO_HAVE_TIME})")

    # Every library source; modules our config leaves out compile to nothing.
    file(GLOB _sources "${_vendor}/library/*.c")
    set(_own "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/mbedtls/demo_mbedtls_platform.c")

    add_library(mbedtls STATIC ${_sources} "${_own}")
    target_include_directories(mbedtls
        PUBLIC "${_vendor}/include" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/mbedtls"
        PRIVATE "${_vendor}/library")
    if(MBEDTLS_DEMO_HAVE_TIME)
        set(_time 1)
    else()
        set(_time 0)
    endif()
    target_compile_definitions(mbedtls PUBLIC
        "MBEDTLS_CONFIG_FILE=\"demo_mbedtls_config.h\""
        DEMO_MBEDTLS_HAVE_TIME=${_time})
    set_target_properties(mbedtls PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    demo_enable_warnings_on_sources("${_own}")
endfunction()

if(NOT TARGET mbedtls)
    _demo_add_mbedtls()
endif()
