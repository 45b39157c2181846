# cmake -DINPUT=file -DOUTPUT=file.cpp -P embed_binary.cmake
# Writes a C++ source defining rrr::schemas::kBinarySchema (the bytes of INPUT) and its size.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/embed_binary.cmake.\n"
  "#include <cstddef>\n#include <cstdint>\n"
  "namespace rrr::schemas {\n"
  "extern const std::uint8_t kBinarySchema[];\nextern const std::size_t kBinarySchemaSize;\n"
  "alignas(8) const std::uint8_t kBinarySchema[] = {${bytes}};\n"
  "const std::size_t kBinarySchemaSize = ${size};\n"
  "}  // namespace rrr::schemas\n")
