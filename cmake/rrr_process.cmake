# rrr_add_process(name SOURCES src/a.cpp ... [LIBS extra ...])
# A process component: the library <name>_lib (alias rrr::<name>) with the logic and public
# headers in include/, and the executable rrr-<name> from the thin main.cpp.
function(rrr_add_process name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name}_lib ${ARG_SOURCES})
  add_library(rrr::${name} ALIAS ${name}_lib)
  target_include_directories(${name}_lib PUBLIC include PRIVATE src)
  target_link_libraries(${name}_lib PUBLIC rrr::common ${ARG_LIBS})
  rrr_target_defaults(${name}_lib)
  add_executable(rrr-${name} main.cpp)
  target_link_libraries(rrr-${name} PRIVATE rrr::${name})
  rrr_target_defaults(rrr-${name})
endfunction()
