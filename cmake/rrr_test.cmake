# rrr_add_test(name SOURCES a.cpp ... LIBS lib ...)
# One GoogleTest executable registered with CTest. Tests get a 120 s timeout so a hung
# multi-process test fails instead of stalling CI; each test also carries its own watchdog.
function(rrr_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  rrr_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "RRR_TEST_BINARY_DIR=${CMAKE_BINARY_DIR}")
endfunction()
