# cmake -DASSETS="name=path|name=path..." -DOUTPUT=<file.cpp> -P embed_console.cmake
# Writes a C++ file holding the bytes of every console asset (api/console/* and Debian's Chart.js),
# so the binary serves its console with nothing installed beside it and nothing fetched at run
# time (Scale clusters run air-gapped). Run at build time, like db/embed_migrations.cmake: editing
# an asset rebuilds the file. Text files only (a NUL byte cannot pass through a CMake string).
string(REPLACE "|" ";" assets "${ASSETS}")
set(delimiter "scale_console")
set(arrays "")
set(entries "")
set(index 0)
foreach(entry IN LISTS assets)
  string(FIND "${entry}" "=" eq)
  string(SUBSTRING "${entry}" 0 ${eq} name)
  math(EXPR start "${eq} + 1")
  string(SUBSTRING "${entry}" ${start} -1 path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "console asset ${name}: ${path} does not exist")
  endif()
  file(READ "${path}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw-string delimiter )${delimiter}\"")
  endif()
  # An array rather than a literal in the table: sizeof gives the exact length.
  string(APPEND arrays "constexpr char kAsset${index}[] = R\"${delimiter}(${text})${delimiter}\";\n")
  string(APPEND entries
    "      {\"${name}\", std::string_view(kAsset${index}, sizeof kAsset${index} - 1)},\n")
  math(EXPR index "${index} + 1")
endforeach()
set(content "// Generated from api/console/* and Chart.js by api/embed_console.cmake. Do not edit.
#include \"api/console_assets.h\"

namespace scale::api {
namespace {

${arrays}
}  // namespace

const std::vector<ConsoleAsset>& console_assets() {
  static const std::vector<ConsoleAsset> assets = {
${entries}  };
  return assets;
}

}  // namespace scale::api
")
file(WRITE "${OUTPUT}" "${content}")
