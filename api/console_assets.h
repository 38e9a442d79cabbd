#pragma once

#include <string_view>
#include <vector>

namespace scale::api {

// A file of the operator's console, embedded in the binary at build time (api/embed_console.cmake).
struct ConsoleAsset {
  std::string_view name;  // "index.html", "app.js", "chart.min.js", ...
  std::string_view content;
};

// Every asset, in the order api/CMakeLists.txt lists them. Defined in the generated
// console_assets.cpp of the build tree.
const std::vector<ConsoleAsset>& console_assets();

}  // namespace scale::api
