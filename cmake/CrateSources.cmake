# CrateSources.cmake - locate C source trees bundled in crates.io packages.
#
# The FreeRTOS kernel, mbedTLS and lwIP sources come from the crates that
# bundle them (freertos-next, mbedtls-sys-auto, lwip). They are resolved by
# `cargo metadata` on the tiny locator manifest in cmake/crate-sources/, whose
# Cargo.lock is committed, so every machine gets the same versions.
#
#   crate_source_dir(<crate-name> <out-var> [MANIFEST <path/to/Cargo.toml>])
#
# sets <out-var> to the directory holding the crate's Cargo.toml. The result
# is cached per crate (CRATE_SOURCE_DIR_<name>), so a firmware project can
# preset it to use its own tree instead.
#
# MANIFEST resolves the crate in another graph, e.g. the root workspace for
# freertos-rust (an optional dependency: that graph is read with
# `cargo metadata --all-features --locked`). Without it, the locator manifest
# above is used.

include_guard(GLOBAL)

# _crate_sources_metadata(<out-var> <manifest> [<cargo argument>...]):
# `cargo metadata` JSON of <manifest>, run once per manifest.
function(_crate_sources_metadata out_var manifest)
    string(MD5 _key "${manifest}")
    get_property(_json GLOBAL PROPERTY _CRATE_SOURCES_METADATA_${_key})
    if(_json)
        set(${out_var} "${_json}" PARENT_SCOPE)
        return()
    endif()
    find_program(CARGO_EXECUTABLE cargo HINTS "$ENV{HOME}/.cargo/bin" REQUIRED)
    execute_process(
        COMMAND "${CARGO_EXECUTABLE}" metadata --format-version 1 --locked
                ${ARGN} --manifest-path "${manifest}"
        OUTPUT_VARIABLE _json
        ERROR_VARIABLE _err
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "cargo metadata on ${manifest} failed:\n${_err}\n"
            "(Cargo.lock must match the manifest, as --locked is used; or preset "
            "CRATE_SOURCE_DIR_<crate> to a source tree.)")
    endif()
    set_property(GLOBAL PROPERTY _CRATE_SOURCES_METADATA_${_key} "${_json}")
    set(${out_var} "${_json}" PARENT_SCOPE)
endfunction()

function(crate_source_dir crate out_var)
    cmake_parse_arguments(PARSE_ARGV 2 _csd "" "MANIFEST" "")
    string(MAKE_C_IDENTIFIER "${crate}" _id)
    if(CRATE_SOURCE_DIR_${_id})
        set(${out_var} "${CRATE_SOURCE_DIR_${_id}}" PARENT_SCOPE)
        return()
    endif()
    # The locator manifest from this file's location: include_guard(GLOBAL)
    # would leave a variable set at include time unset in other directories.
    if(_csd_MANIFEST)
        get_filename_component(_manifest "${_csd_MANIFEST}" ABSOLUTE)
        _crate_sources_metadata(_json "${_manifest}" --all-features)
    else()
        set(_manifest "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/crate-sources/Cargo.toml")
        _crate_sources_metadata(_json "${_manifest}")
    endif()
    string(JSON _n LENGTH "${_json}" packages)
    math(EXPR _last "${_n} - 1")
    foreach(_i RANGE ${_last})
        string(JSON _name GET "${_json}" packages ${_i} name)
        if(_name STREQUAL crate)
            string(JSON _crate_manifest GET "${_json}" packages ${_i} manifest_path)
            get_filename_component(_dir "${_crate_manifest}" DIRECTORY)
            set(CRATE_SOURCE_DIR_${_id} "${_dir}" CACHE PATH "Source tree of crate ${crate}")
            set(${out_var} "${_dir}" PARENT_SCOPE)
            return()
        endif()
    endforeach()
    message(FATAL_ERROR "crate ${crate} is not in ${_manifest}")
endfunction()
