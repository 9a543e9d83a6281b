# RustComponent.cmake - build the rust-component staticlib with cargo and use
# it as a CMake library.
#
# Use from any firmware CMakeLists.txt (this repo's demos or another one):
#
#   include(<repo>/cmake/RustComponent.cmake)
#   add_rust_component(TARGET coremqtt_rs
#       FEATURES freertos                    # cargo features, optional
#       RUST_TARGET thumbv7m-none-eabi       # optional; default: host triple
#       ENV "VAR=value" "OTHER=value")       # optional; seen by build.rs
#   target_link_libraries(app PRIVATE coremqtt_rs c_shim freertos_rust_shim
#                                     mbedtls freertos_kernel)
#
# It runs, from the repository root and on every build (cargo itself decides
# what is out of date):
#
#   cargo build --release --locked -p rust-component --lib \
#         --target <triple> [--features <f,...>]
#
# with CARGO_TARGET_DIR=<build>/cargo-<TARGET>, and defines
#   <TARGET>        IMPORTED STATIC library (GLOBAL): libcoremqtt_rs.a,
#                   INTERFACE include dir rust-component/include (the cbindgen
#                   header), depends on the cargo step;
#   <TARGET>_cargo  the custom target running cargo.
#
# Link order: the staticlib calls into C (TLS transport, PKCS#11, log sink,
# freertos_rs_* shim, kernel), so list it before those libraries.
#
# ENV entries are passed verbatim to cargo's environment ("NAME=value", one
# list element each; values may contain spaces). The firmware's C compiler
# and flags reach build.rs as CC_<triple> / CFLAGS_<triple> (the `cc` crate's
# variables): CMAKE_C_COMPILER and CMAKE_C_FLAGS, unless ENV sets them.
# build.rs checks the C types Rust uses against that compiler's layout, gives
# bindgen its ABI (short enums, float ABI) and libc include dirs, and stops
# on a float-ABI mismatch between the Rust target and those flags.
#
# Rebuilds follow header content: cargo runs through RustComponentCargo.cmake,
# which hashes the headers build.rs read last time (listed in
# <build>/<TARGET>_inputs.txt) into DEMO_INPUT_DIGEST, so a header restored
# with an older timestamp still reruns bindgen.
#
# Cache variables: CARGO_EXECUTABLE, RUSTC_EXECUTABLE (found on PATH or in
# ~/.cargo/bin).

include_guard(GLOBAL)

# rust_host_triple(<out-var>): the host triple reported by `rustc -vV`.
function(rust_host_triple out_var)
    find_program(RUSTC_EXECUTABLE rustc HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
    execute_process(COMMAND "${RUSTC_EXECUTABLE}" -vV
                    OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
    string(REGEX MATCH "host: ([^\n]+)" _match "${_out}")
    if(NOT _rc EQUAL 0 OR NOT CMAKE_MATCH_1)
        message(FATAL_ERROR "cannot read the host triple from `rustc -vV`")
    endif()
    set(${out_var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

function(add_rust_component)
    cmake_parse_arguments(PARSE_ARGV 0 _rc "" "TARGET;RUST_TARGET" "FEATURES;ENV")
    if(NOT _rc_TARGET)
        message(FATAL_ERROR "add_rust_component: TARGET <name> is required")
    endif()
    if(_rc_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "add_rust_component: unknown arguments ${_rc_UNPARSED_ARGUMENTS}")
    endif()
    find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
    # From the function's file, not a variable set at include time:
    # include_guard(GLOBAL) would leave that unset in other directories.
    get_filename_component(_root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)

    set(_triple "${_rc_RUST_TARGET}")
    if(NOT _triple)
        rust_host_triple(_triple)
    endif()

    # RUST_COMPONENT_TARGET_DIR lets several build trees share one cargo
    # target dir (dependencies compile once); builds must then not run at the
    # same time, and each build relinks the archive cargo just produced.
    set(RUST_COMPONENT_TARGET_DIR "" CACHE PATH
        "Shared CARGO_TARGET_DIR for the staticlib (empty: per build tree)")
    if(RUST_COMPONENT_TARGET_DIR)
        set(_target_dir "${RUST_COMPONENT_TARGET_DIR}")
    else()
        set(_target_dir "${CMAKE_BINARY_DIR}/cargo-${_rc_TARGET}")
    endif()
    set(_lib "${_target_dir}/${_triple}/release/${CMAKE_STATIC_LIBRARY_PREFIX}coremqtt_rs${CMAKE_STATIC_LIBRARY_SUFFIX}")

    set(_env "CARGO_TARGET_DIR=${_target_dir}")
    string(REGEX REPLACE "[-.]" "_" _tvar "${_triple}")
    if(NOT "${_rc_ENV}" MATCHES "(^|;)CC_${_tvar}=")
        list(APPEND _env "CC_${_tvar}=${CMAKE_C_COMPILER}")
    endif()
    if(NOT "${_rc_ENV}" MATCHES "(^|;)CFLAGS_${_tvar}=")
        string(STRIP "${CMAKE_C_FLAGS}" _cflags)
        list(APPEND _env "CFLAGS_${_tvar}=${_cflags}")
    endif()
    list(APPEND _env ${_rc_ENV})
    set(_inputs "${CMAKE_BINARY_DIR}/${_rc_TARGET}_inputs.txt")

    set(_features "")
    if(_rc_FEATURES)
        list(JOIN _rc_FEATURES "," _joined)
        set(_features --features "${_joined}")
    endif()

    # add_custom_target is always out of date: cargo runs on every build and
    # only rewrites the archive when something changed (BYPRODUCTS lets the
    # generator relink exactly then).
    set(_cargo_args build --release --locked -p rust-component --lib
        --target "${_triple}" ${_features})
    add_custom_target(${_rc_TARGET}_cargo
        COMMAND "${CMAKE_COMMAND}" -E env ${_env}
                "${CMAKE_COMMAND}" "-DCARGO=${CARGO_EXECUTABLE}" "-DINPUTS_LIST=${_inputs}"
                "-DWORKDIR=${_root}" "-DARGS=${_cargo_args}"
                -P "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/RustComponentCargo.cmake"
        WORKING_DIRECTORY "${_root}"
        BYPRODUCTS "${_lib}"
        COMMENT "cargo build -p rust-component --target ${_triple}"
        USES_TERMINAL
        VERBATIM)

    add_library(${_rc_TARGET} STATIC IMPORTED GLOBAL)
    set_target_properties(${_rc_TARGET} PROPERTIES IMPORTED_LOCATION "${_lib}")
    set(_include "${_root}/rust-component/include")
    if(EXISTS "${_include}")
        set_target_properties(${_rc_TARGET} PROPERTIES
            INTERFACE_INCLUDE_DIRECTORIES "${_include}")
    else()
        message(STATUS "add_rust_component: ${_include} does not exist yet "
                       "(cbindgen header); no include dir added")
    endif()
    add_dependencies(${_rc_TARGET} ${_rc_TARGET}_cargo)

    message(STATUS "Rust component ${_rc_TARGET}: ${_triple}, "
                   "features '${_rc_FEATURES}', ${_lib}")
endfunction()
