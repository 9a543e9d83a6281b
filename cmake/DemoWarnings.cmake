# DemoWarnings.cmake - warning flags for the project's own C code.
#
#   demo_enable_warnings(<target> [<target>...])
#
# adds -Wall -Wextra (and -Werror unless DEMO_WERROR is OFF) to the target's
# own sources. Third-party code (FreeRTOS kernel, mbedTLS, freertos-rust's
# shim.c) is compiled without them: it is not ours to fix.

include_guard(GLOBAL)

option(DEMO_WERROR "Treat warnings in the project's own C code as errors" ON)

function(demo_enable_warnings)
    set(_flags -Wall -Wextra)
    if(DEMO_WERROR)
        list(APPEND _flags -Werror)
    endif()
    foreach(_target IN LISTS ARGN)
        target_compile_options(${_target} PRIVATE ${_flags})
    endforeach()
endfunction()

# demo_enable_warnings_on_sources(<source>...): the same flags for single
# files inside a target that otherwise holds third-party code.
function(demo_enable_warnings_on_sources)
    set(_flags -Wall -Wextra)
    if(DEMO_WERROR)
        list(APPEND _flags -Werror)
    endif()
    set_source_files_properties(${ARGN} PROPERTIES COMPILE_OPTIONS "${_flags}")
endfunction()
