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

# rrr_flatbuffers_embedded_schema(target SCHEMA_DIR dir ROOT envelope.fbs SCHEMAS ...)
# Serializes the root schema (with its includes) to binary form with flatc and embeds it in a
# generated source of `target`, as rrr::schemas::kBinarySchema / kBinarySchemaSize, so that tools can
# print any message as JSON through FlatBuffers reflection.
function(rrr_flatbuffers_embedded_schema target)
  cmake_parse_arguments(ARG "" "SCHEMA_DIR;ROOT" "SCHEMAS" ${ARGN})
  get_filename_component(stem "${ARG_ROOT}" NAME_WE)
  list(TRANSFORM ARG_SCHEMAS PREPEND "${ARG_SCHEMA_DIR}/")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  set(bfbs "${out_dir}/${stem}.bfbs")
  set(source "${out_dir}/${stem}_binary_schema.cpp")
  add_custom_command(
    OUTPUT "${bfbs}"
    COMMAND flatbuffers::flatc -b --schema -I "${ARG_SCHEMA_DIR}" -o "${out_dir}" "${ARG_SCHEMA_DIR}/${ARG_ROOT}"
    DEPENDS ${ARG_SCHEMAS}
    WORKING_DIRECTORY "${ARG_SCHEMA_DIR}"
    COMMENT "flatc --schema ${ARG_ROOT}"
    VERBATIM)
  add_custom_command(
    OUTPUT "${source}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${bfbs} -DOUTPUT=${source} -P "${PROJECT_SOURCE_DIR}/cmake/embed_binary.cmake"
    DEPENDS "${bfbs}" "${PROJECT_SOURCE_DIR}/cmake/embed_binary.cmake"
    COMMENT "embedding ${stem}.bfbs"
    VERBATIM)
  target_sources(${target} PRIVATE "${source}")
endfunction()
