# cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cpp> -P embed_migrations.cmake
# Writes a C++ file holding the text of every <dir>/*.sql, so the binary carries its own schema and
# never depends on files installed next to it. Run at build time: editing a .sql rebuilds the file.
file(GLOB sql_files "${MIGRATIONS_DIR}/*.sql")
list(SORT sql_files)
set(delimiter "scale_sql")
set(entries "")
foreach(path IN LISTS sql_files)
  get_filename_component(file_name "${path}" NAME)
  file(READ "${path}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file_name} contains the raw-string delimiter )${delimiter}\"")
  endif()
  string(APPEND entries "      {\"${file_name}\", R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()
set(content "// Generated from db/migrations/*.sql by db/embed_migrations.cmake. Do not edit.
#include \"db/migration_plan.h\"

namespace scale::db {

const std::vector<EmbeddedMigration>& embedded_migrations() {
  static const std::vector<EmbeddedMigration> files = {
${entries}  };
  return files;
}

}  // namespace scale::db
")
file(WRITE "${OUTPUT}" "${content}")
