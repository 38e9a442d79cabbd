#include "api/pagination.h"

#include <charconv>

#include "api/json_response.h"

namespace scale::api {
namespace {

// A positive integer parameter: nullopt when absent, the value, or `error` set when malformed.
std::optional<long long> positive(const QueryParams& params, std::string_view name,
                                  std::string& error) {
  const auto text = params.last(name);
  if (!text) return std::nullopt;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1) {
    error = std::string(name) + " must be an integer >= 1, not \"" + sanitize(*text) + "\"";
    return std::nullopt;
  }
  return value;
}

std::string link(std::string_view path, std::string_view filter, long long page, int size) {
  return std::string(path) + "?page=" + std::to_string(page) +
         "&page_size=" + std::to_string(size) + std::string(filter);
}

}  // namespace

PageRequestResult parse_page_request(const QueryParams& params) {
  PageRequestResult result;
  PageRequest request;
  if (auto page = positive(params, "page", result.error)) request.page = *page;
  if (!result.error.empty()) return result;
  // An absurd page would overflow the row offset: no such page can exist anyway.
  if (request.page > (1LL << 40)) {
    result.error = "page is too large";
    return result;
  }
  if (auto size = positive(params, "page_size", result.error)) {
    request.page_size = static_cast<int>(std::min<long long>(*size, kMaxPageSize));
  }
  if (!result.error.empty()) return result;
  result.request = request;
  return result;
}

Response page_response(std::string_view path, std::string_view filter, const PageRequest& page,
                       long long count, const std::function<void(JsonWriter&)>& write_results) {
  const long long first_of_page = (page.page - 1) * page.page_size;
  if (page.page > 1 && first_of_page >= count) return error_response(404, "Invalid page.");
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("count");
  writer.Int64(count);
  writer.Key("next");
  if (first_of_page + page.page_size < count) {
    writer.String(link(path, filter, page.page + 1, page.page_size));
  } else {
    writer.Null();
  }
  writer.Key("previous");
  if (page.page > 1) {
    writer.String(link(path, filter, page.page - 1, page.page_size));
  } else {
    writer.Null();
  }
  writer.Key("results");
  writer.StartArray();
  write_results(writer);
  writer.EndArray();
  writer.EndObject();
  return json_response(200, std::string(buffer.GetString(), buffer.GetSize()));
}

void write_optional(JsonWriter& writer, const std::optional<std::string>& value) {
  if (value) {
    writer.String(*value);
  } else {
    writer.Null();
  }
}

}  // namespace scale::api
