# rrr_flatbuffers_library(name SCHEMAS a.fbs b.fbs ...)
# Compiles the schemas with flatc at build time into an INTERFACE library `name` whose
# include directory holds the generated <schema>_generated.h headers.
function(rrr_flatbuffers_library name)
  cmake_parse_arguments(ARG "" "" "SCHEMAS" ${ARGN})
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/generated/schemas")
  set(headers)
  foreach(schema IN LISTS ARG_SCHEMAS)
    get_filename_component(stem "${schema}" NAME_WE)
    set(header "${out_dir}/${stem}_generated.h")
    add_custom_command(
      OUTPUT "${header}"
      COMMAND flatbuffers::flatc --cpp --scoped-enums
              -I "${CMAKE_CURRENT_SOURCE_DIR}" -o "${out_dir}"
              "${CMAKE_CURRENT_SOURCE_DIR}/${schema}"
      DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${schema}" ${ARG_SCHEMAS}
      WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
      COMMENT "flatc ${schema}"
      VERBATIM)
    list(APPEND headers "${header}")
  endforeach()
  add_custom_target(${name}_generate DEPENDS ${headers})
  add_library(${name} INTERFACE)
  add_dependencies(${name} ${name}_generate)
  target_include_directories(${name} INTERFACE "${CMAKE_CURRENT_BINARY_DIR}/generated")
  target_link_libraries(${name} INTERFACE flatbuffers::flatbuffers)
endfunction()
