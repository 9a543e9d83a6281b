# c_mqtt_demo.cmake - the C demos over the coreMQTT v2.3 C API, as a static
# library for any image (cmake/DemoImage.cmake adds it for DEMO_TASK=c).
#
#   include(<repo>/demos/common/c_mqtt_demo/c_mqtt_demo.cmake)
#   add_c_mqtt_demo(<target>)
#
# <target> holds c_mqtt_demo.c (the mutual-auth demo, c_mqtt_demo_run),
# agent_demo.c + mqtt_agent.c (several tasks sharing one connection,
# agent_demo_run) and mqtt_link.c (TLS + CONNECT with backoff); a firmware
# links only what it calls. It needs the targets coremqtt_rs (built with
# the cargo feature coremqtt: core_mqtt.h, backoff_algorithm.h), c_shim (TLS
# transport, PKCS#11, log sink), demo_config and freertos_kernel.

include_guard(GLOBAL)

function(add_c_mqtt_demo target)
    foreach(_dep coremqtt_rs c_shim demo_config freertos_kernel)
        if(NOT TARGET ${_dep})
            message(FATAL_ERROR "add_c_mqtt_demo: target '${_dep}' must exist first")
        endif()
    endforeach()
    set(_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
    add_library(${target} STATIC
        "${_dir}/c_mqtt_demo.c" "${_dir}/mqtt_link.c"
        "${_dir}/mqtt_agent.c" "${_dir}/agent_demo.c")
    target_include_directories(${target} PUBLIC "${_dir}")
    target_link_libraries(${target} PUBLIC coremqtt_rs c_shim demo_config freertos_kernel)
    set_target_properties(${target} PROPERTIES
        C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
    demo_enable_warnings(${target})
    target_compile_options(${target} PRIVATE
        -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes
        -Wformat=2 -Wundef)
endfunction()
