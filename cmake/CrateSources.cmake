# CrateSources.cmake - locate C source trees bundled in crates.io packages.
#
# The FreeRTOS kernel, mbedTLS and lwIP sources come from the crates that
# bundle them (freertos-next, mbedtls-sys-auto, lwip). They are resolved by
# `cargo metadata` on the tiny locator manifest in cmake/crate-sources/, whose
# Cargo.lock is committed, so every machine gets the same versions.
#
#   crate_source_dir(<crate-name> <out-var>)
#
# sets <out-var> to the directory holding the crate's Cargo.toml. The result
# is cached per crate (CRATE_SOURCE_DIR_<name>), so a firmware project can
# preset it to use its own tree instead.

include_guard(GLOBAL)

set(_CRATE_SOURCES_MANIFEST "${CMAKE_CURRENT_LIST_DIR}/crate-sources/Cargo.toml")

function(_crate_sources_metadata out_var)
    get_property(_json GLOBAL PROPERTY _CRATE_SOURCES_METADATA)
    if(_json)
        set(${out_var} "${_json}" PARENT_SCOPE)
        return()
    endif()
    find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
    execute_process(
        COMMAND "${CARGO_EXECUTABLE}" metadata --format-version 1 --locked
                --manifest-path "${_CRATE_SOURCES_MANIFEST}"
        OUTPUT_VARIABLE _json
        ERROR_VARIABLE _err
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "cargo metadata on ${_CRATE_SOURCES_MANIFEST} failed:\n${_err}")
    endif()
    set_property(GLOBAL PROPERTY _CRATE_SOURCES_METADATA "${_json}")
    set(${out_var} "${_json}" PARENT_SCOPE)
endfunction()

function(crate_source_dir crate out_var)
    string(MAKE_C_IDENTIFIER "${crate}" _id)
    if(CRATE_SOURCE_DIR_${_id})
        set(${out_var} "${CRATE_SOURCE_DIR_${_id}}" PARENT_SCOPE)
        return()
    endif()
    _crate_sources_metadata(_json)
    string(JSON _n LENGTH "${_json}" packages)
    math(EXPR _last "${_n} - 1")
    foreach(_i RANGE ${_last})
        string(JSON _name GET "${_json}" packages ${_i} name)
        if(_name STREQUAL crate)
            string(JSON _manifest GET "${_json}" packages ${_i} manifest_path)
            get_filename_component(_dir "${_manifest}" DIRECTORY)
            set(CRATE_SOURCE_DIR_${_id} "${_dir}" CACHE PATH "Source tree of crate ${crate}")
            set(${out_var} "${_dir}" PARENT_SCOPE)
            return()
        endif()
    endforeach()
    message(FATAL_ERROR "crate ${crate} is not in ${_CRATE_SOURCES_MANIFEST}")
endfunction()
