# RustComponentCargo.cmake - run by cmake -P from RustComponent.cmake's cargo
# step: makes rebuilds follow the content of the C headers rust-component's
# build.rs reads, not their modification times.
#
# Cargo reruns a build script when a file it watches is NEWER than the last
# run; a restored older header (cp -p, mv, a re-pointed symlink) would leave
# the previous root CA in the firmware. build.rs writes the list of headers
# bindgen read to INPUTS_LIST (DEMO_INPUTS_LIST_FILE); this script hashes
# their contents into DEMO_INPUT_DIGEST, which build.rs watches
# (rerun-if-env-changed), then runs cargo.
#
# Variables (-D): CARGO, INPUTS_LIST, WORKDIR, ARGS (the cargo arguments, a
# ;-list). The environment (cmake -E env) carries everything else.

if(NOT CARGO OR NOT INPUTS_LIST OR NOT WORKDIR)
    message(FATAL_ERROR "RustComponentCargo.cmake: CARGO, INPUTS_LIST and WORKDIR are required")
endif()

set(_all "")
if(EXISTS "${INPUTS_LIST}")
    file(STRINGS "${INPUTS_LIST}" _files)
    foreach(_f IN LISTS _files)
        if(EXISTS "${_f}" AND NOT IS_DIRECTORY "${_f}")
            file(SHA256 "${_f}" _h)
        else()
            set(_h missing)
        endif()
        string(APPEND _all "${_f} ${_h}\n")
    endforeach()
endif()
string(SHA256 _digest "${_all}")
set(ENV{DEMO_INPUT_DIGEST} "${_digest}")
set(ENV{DEMO_INPUTS_LIST_FILE} "${INPUTS_LIST}")

execute_process(COMMAND "${CARGO}" ${ARGS}
                WORKING_DIRECTORY "${WORKDIR}"
                RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cargo ${ARGS} failed (${_rc})")
endif()
