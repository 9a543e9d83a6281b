# Mbedtls.cmake - mbedTLS as one static library target, `mbedtls` (crypto +
# X.509 + TLS), built from the sources a crate vendors, with our own
# configuration header:
#
#   DEMO_MBEDTLS=3.6  (default) mbedTLS 3.6 LTS from the mbedtls-rs-sys crate
#                     (0.3.1 vendors 3.6.5), cmake/mbedtls/demo_mbedtls3_config.h:
#                     TLS 1.3 + TLS 1.2 client
#   DEMO_MBEDTLS=2.28 mbedTLS 2.28 (end of life) from the mbedtls-sys-auto
#                     crate, cmake/mbedtls/demo_mbedtls2_config.h: TLS 1.2 client
#
#   include(<repo>/cmake/Mbedtls.cmake)
#   target_link_libraries(app PRIVATE mbedtls)
#
# PUBLIC usage requirements: the include dirs (vendored include/ and
# cmake/mbedtls), MBEDTLS_CONFIG_FILE, DEMO_MBEDTLS_HAVE_TIME and
# DEMO_MBEDTLS_ERROR_STRINGS, so every user of the mbedTLS headers sees the
# same configuration (struct layouts depend on it).
#
# Cache variables:
#   DEMO_MBEDTLS             3.6 or 2.28 (above).
#   MBEDTLS_DEMO_HAVE_TIME   ON: certificate validity dates are checked against
#                            the system clock (hosted builds, default there);
#                            OFF: no clock, dates not checked (bare metal,
#                            CMAKE_SYSTEM_NAME Generic, default there).
#   MBEDTLS_DEMO_ERROR_STRINGS  ON: mbedtls_strerror() with mbedTLS's texts
#                            (error.c, ~14 KB of flash); OFF: the c-shim's own
#                            words for the codes it meets. Certificate
#                            verification failures are in words either way
#                            (mbedtls_x509_crt_verify_info). Default ON for
#                            hosted builds, OFF for bare metal.
#   CRATE_SOURCE_DIR_mbedtls_rs_sys / CRATE_SOURCE_DIR_mbedtls_sys_auto
#                            (CrateSources.cmake) another crate tree.
#
# The crates are located with `cargo metadata` on locator manifests with
# committed lockfiles: cmake/crate-sources/mbedtls3/ (3.6; a graph of its own,
# as both crates declare `links = "mbedtls"`) and cmake/crate-sources/ (2.28).
#
# mbedTLS's own sources are compiled with the toolchain's default warnings and
# no -Werror; our own file (demo_mbedtls_platform.c) with DemoWarnings.

include_guard(GLOBAL)

include("${CMAKE_CURRENT_LIST_DIR}/CrateSources.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/DemoWarnings.cmake")

set(DEMO_MBEDTLS "3.6" CACHE STRING "mbedTLS line: 3.6 (LTS, default) or 2.28 (end of life)")
set_property(CACHE DEMO_MBEDTLS PROPERTY STRINGS 3.6 2.28)

if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
    set(_mbedtls_hosted OFF)
else()
    set(_mbedtls_hosted ON)
endif()
option(MBEDTLS_DEMO_HAVE_TIME
       "mbedTLS checks certificate dates against the system clock"
       ${_mbedtls_hosted})
option(MBEDTLS_DEMO_ERROR_STRINGS
       "mbedtls_strerror() with mbedTLS's error texts (error.c)"
       ${_mbedtls_hosted})

function(_demo_mbedtls_sources out_dir out_config)
    if(DEMO_MBEDTLS STREQUAL "3.6")
        crate_source_dir(mbedtls-rs-sys _crate
            MANIFEST "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/crate-sources/mbedtls3/Cargo.toml")
        set(_dir "${_crate}/mbedtls")
        set(_version_h "${_dir}/include/mbedtls/build_info.h")
        set(_config demo_mbedtls3_config.h)
    elseif(DEMO_MBEDTLS STREQUAL "2.28")
        crate_source_dir(mbedtls-sys-auto _crate)
        set(_dir "${_crate}/vendor")
        set(_version_h "${_dir}/include/mbedtls/version.h")
        set(_config demo_mbedtls2_config.h)
    else()
        message(FATAL_ERROR "DEMO_MBEDTLS must be 3.6 or 2.28, not '${DEMO_MBEDTLS}'")
    endif()
    if(NOT EXISTS "${_dir}/library/ssl_tls.c" OR NOT EXISTS "${_version_h}")
        message(FATAL_ERROR "no mbedTLS sources in ${_dir}")
    endif()
    file(STRINGS "${_version_h}" _version REGEX "#define MBEDTLS_VERSION_STRING ")
    string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" _version "${_version}")
    if(NOT _version MATCHES "^${DEMO_MBEDTLS}\\.")
        message(FATAL_ERROR "DEMO_MBEDTLS=${DEMO_MBEDTLS} but ${_dir} holds mbedTLS ${_version}")
    endif()
    message(STATUS "mbedTLS ${_version}: ${_dir} (${_config}; time checks: "
                   "${MBEDTLS_DEMO_HAVE_TIME}; error strings: ${MBEDTLS_DEMO_ERROR_STRINGS})")
    set(${out_dir} "${_dir}" PARENT_SCOPE)
    set(${out_config} "${_config}" PARENT_SCOPE)
endfunction()

function(_demo_add_mbedtls)
    _demo_mbedtls_sources(_vendor _config)
    # Every library source; modules our config leaves out compile to nothing.
    file(GLOB _sources "${_vendor}/library/*.c")
    set(_own "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/mbedtls/demo_mbedtls_platform.c")

    add_library(mbedtls STATIC ${_sources} "${_own}")
    # SYSTEM for users: third-party headers are not held to our -Wundef etc.
    target_include_directories(mbedtls SYSTEM
        PUBLIC "${_vendor}/include" "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/mbedtls")
    target_include_directories(mbedtls PRIVATE "${_vendor}/library")
    set(_time 0)
    if(MBEDTLS_DEMO_HAVE_TIME)
        set(_time 1)
    endif()
    set(_strings 0)
    if(MBEDTLS_DEMO_ERROR_STRINGS)
        set(_strings 1)
    endif()
    target_compile_definitions(mbedtls PUBLIC
        "MBEDTLS_CONFIG_FILE=\"${_config}\""
        DEMO_MBEDTLS_HAVE_TIME=${_time}
        DEMO_MBEDTLS_ERROR_STRINGS=${_strings})
    set_target_properties(mbedtls PROPERTIES C_STANDARD 11 C_EXTENSIONS ON)
    demo_enable_warnings_on_sources("${_own}")
endfunction()

if(NOT TARGET mbedtls)
    _demo_add_mbedtls()
endif()
