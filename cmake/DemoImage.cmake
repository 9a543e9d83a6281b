# DemoImage.cmake - the parts every demo image's CMakeLists.txt shares.
#
#   include(DemoImage)
#   demo_image_base(<POSIX|ARM_CM3>)   # after project()
#   ...                                # the image's own parts, c-shim,
#   demo_config_setup()                # DemoConfig.cmake
#   add_executable(<image> ...)
#   demo_image_link(<image> FALLBACK <source>...
#                   [RUST_TARGET <triple>] [LIBS <lib>...])
#
# demo_image_base() (a macro, so the kernel's variables reach the image):
# RelWithDebInfo unless a build type is given, the FreeRTOS kernel for the
# port (the cache variable FREERTOS_PORT must agree), and mbedTLS.
#
# demo_image_link() defines the cache variables
#   DEMO_USE_RUST_TASK  ON: link rust-component and run its mqtt_demo_run();
#                       OFF: compile the image's FALLBACK sources instead.
#                       Default: ON when rust-component/include/mqtt_demo.h
#                       exists.
#   DEMO_TASK           which demo task runs (with DEMO_USE_RUST_TASK ON):
#                       rust (default): the Rust demo, mqtt_demo_run();
#                       c: the C demo over the coreMQTT C API,
#                       c_mqtt_demo_run() (demos/common/c_mqtt_demo), with
#                       the staticlib built with FEATURES freertos;coremqtt.
#   DEMO_RUST_ENV       extra NAME=value entries for cargo's environment
# sets DEMO_USE_RUST_TASK=1/0 and DEMO_USE_C_TASK=1/0 on the image, and links
# it in the order the staticlib needs: c_mqtt_demo (DEMO_TASK=c),
# coremqtt_rs, c_shim, freertos_rust_shim, mbedtls, the LIBS (e.g. lwip),
# demo_config, freertos_kernel. That list is left in DEMO_IMAGE_LIBS for
# more executables of the same image (demos/posix: the agent demo).

include_guard(GLOBAL)

# The repository root, from this file's location (include_guard(GLOBAL)
# would leave a variable set at include time unset in other directories).
function(_demo_image_root out_var)
    get_filename_component(_root "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/.." ABSOLUTE)
    set(${out_var} "${_root}" PARENT_SCOPE)
endfunction()

macro(demo_image_base port)
    if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
        set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
    endif()
    set(FREERTOS_PORT ${port} CACHE STRING "FreeRTOS port: POSIX or ARM_CM3")
    if(NOT FREERTOS_PORT STREQUAL "${port}")
        message(FATAL_ERROR "${PROJECT_NAME} needs FREERTOS_PORT=${port}, "
                            "not ${FREERTOS_PORT}")
    endif()
    _demo_image_root(_demo_image_root)
    add_subdirectory("${_demo_image_root}/freertos-kernel" freertos-kernel)
    include("${_demo_image_root}/cmake/Mbedtls.cmake")
endmacro()

function(demo_image_link image)
    cmake_parse_arguments(PARSE_ARGV 1 _di "" "RUST_TARGET" "FALLBACK;LIBS")
    _demo_image_root(_root)
    if(EXISTS "${_root}/rust-component/include/mqtt_demo.h")
        set(_rust_default ON)
    else()
        set(_rust_default OFF)
    endif()
    option(DEMO_USE_RUST_TASK
           "Run rust-component's mqtt_demo_run() in the demo task" ${_rust_default})
    set(DEMO_RUST_ENV "" CACHE STRING
        "NAME=value entries added to cargo's environment (;-list)")
    set(DEMO_TASK "rust" CACHE STRING
        "Demo task: rust (mqtt_demo_run) or c (c_mqtt_demo_run over core_mqtt.h)")
    set_property(CACHE DEMO_TASK PROPERTY STRINGS rust c)
    if(NOT DEMO_TASK MATCHES "^(rust|c)$")
        message(FATAL_ERROR "DEMO_TASK must be rust or c, not '${DEMO_TASK}'")
    endif()

    set(_libs "")
    if(DEMO_USE_RUST_TASK)
        include("${_root}/cmake/RustComponent.cmake")
        set(_target_args "")
        if(_di_RUST_TARGET)
            set(_target_args RUST_TARGET "${_di_RUST_TARGET}")
        endif()
        set(_features freertos)
        if(DEMO_TASK STREQUAL "c")
            list(APPEND _features coremqtt)
        endif()
        add_rust_component(TARGET coremqtt_rs
            FEATURES ${_features}
            ${_target_args}
            ENV "DEMO_CLANG_ARGS_FILE=${DEMO_CLANG_ARGS_FILE}" ${DEMO_RUST_ENV})
        if(DEMO_TASK STREQUAL "c")
            include("${_root}/demos/common/c_mqtt_demo/c_mqtt_demo.cmake")
            add_c_mqtt_demo(c_mqtt_demo)
            target_compile_definitions(${image} PRIVATE DEMO_USE_RUST_TASK=0
                                       DEMO_USE_C_TASK=1)
            list(APPEND _libs c_mqtt_demo)
        else()
            target_compile_definitions(${image} PRIVATE DEMO_USE_RUST_TASK=1
                                       DEMO_USE_C_TASK=0)
        endif()
        list(APPEND _libs coremqtt_rs)
    elseif(DEMO_TASK STREQUAL "c")
        message(FATAL_ERROR "DEMO_TASK=c runs the C demo over the staticlib's "
                            "coreMQTT API: it needs DEMO_USE_RUST_TASK=ON")
    else()
        target_sources(${image} PRIVATE ${_di_FALLBACK})
        target_compile_definitions(${image} PRIVATE DEMO_USE_RUST_TASK=0
                                   DEMO_USE_C_TASK=0)
    endif()
    # The staticlib calls into everything after it: keep this order.
    list(APPEND _libs c_shim freertos_rust_shim mbedtls ${_di_LIBS}
         demo_config freertos_kernel)
    target_link_libraries(${image} PRIVATE ${_libs})
    set(DEMO_IMAGE_LIBS "${_libs}" PARENT_SCOPE)
endfunction()
