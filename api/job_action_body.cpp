#include "api/job_action_body.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/json_body.h"
#include "api/json_response.h"
#include "db/job_status.h"
#include "db/job_store.h"

namespace scale::api {
namespace {

constexpr std::string_view kCancelFields = "job_ids, status, started, ended";
constexpr std::string_view kRequeueFields = "job_ids, status, started, ended, priority";
constexpr size_t kMaxJobIds = 100000;

// Digits at text[pos, pos + n) as a number; -1 when any is not a digit.
int digits(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<long long>(era) * 146097 + doe - 719468;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool parse_job_ids(const rapidjson::Value& value, std::vector<long long>& ids) {
  if (!value.IsArray() || value.Empty() || value.Size() > kMaxJobIds) return false;
  for (const auto& id : value.GetArray()) {
    if (!id.IsInt64() || id.GetInt64() < 1) return false;
    ids.push_back(id.GetInt64());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return true;
}

std::optional<std::string> status_error(db::BulkKind kind, std::string& status) {
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const auto parsed = db::job_status_from(status);
  if (kind == db::BulkKind::Cancel && parsed != db::JobStatus::Queued &&
      parsed != db::JobStatus::Running) {
    return "status must be QUEUED or RUNNING for a cancel";
  }
  if (kind == db::BulkKind::Requeue && parsed != db::JobStatus::Failed &&
      parsed != db::JobStatus::Canceled) {
    return "status must be FAILED or CANCELED for a requeue";
  }
  return std::nullopt;
}

std::string as_string(const rapidjson::Value& value) {
  return std::string(value.GetString(), value.GetStringLength());
}

// Applies one member; returns the 400 detail, or "" when it was accepted.
std::string apply_field(db::BulkKind kind, std::string_view key, const rapidjson::Value& value,
                        db::BulkActionRequest& request) {
  auto& f = request.filters;
  if (key == "job_ids") {
    f.job_ids.emplace();
    if (!parse_job_ids(value, *f.job_ids)) {
      return "job_ids must be a non-empty list of at most " + std::to_string(kMaxJobIds) +
             " job ids (integers >= 1)";
    }
  } else if (key == "status") {
    if (!value.IsString()) return "status must be a string";
    f.status = as_string(value);
    if (auto error = status_error(kind, *f.status)) return *error;
  } else if (key == "started" || key == "ended") {
    if (!value.IsString() || !parse_iso_datetime(as_string(value))) {
      return std::string(key) +
             " must be an ISO-8601 datetime with a zone, e.g. 2026-01-01T00:00:00Z";
    }
    (key == "started" ? f.started : f.ended) = as_string(value);
  } else if (key == "priority" && kind == db::BulkKind::Requeue) {
    if (!value.IsInt() || value.GetInt() < 0) return "priority must be an integer >= 0";
    request.priority = value.GetInt();
  } else {
    return unknown_field(key, kind == db::BulkKind::Cancel ? kCancelFields : kRequeueFields);
  }
  return "";
}

}  // namespace

std::optional<long long> parse_iso_datetime(std::string_view t) {
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  const int y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  const int h = digits(t, 11, 2), mi = digits(t, 14, 2), s = digits(t, 17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 59 || d > days_in_month(y, mo)) {
    return std::nullopt;
  }
  size_t pos = 19;
  long long micros = 0;
  if (t[pos] == '.') {
    const size_t start = ++pos;
    while (pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos]))) ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    for (size_t i = start; i < start + 6; ++i) micros = micros * 10 + (i < pos ? t[i] - '0' : 0);
  }
  long long offset_s = 0;
  const std::string_view zone = t.substr(pos);
  if (zone == "Z") {
    offset_s = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
    // PostgreSQL refuses offsets of 16 h or more (real ones stay within 14 h).
    if (oh < 0 || oh > 15 || om < 0 || om > 59) return std::nullopt;
    offset_s = (zone[0] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
  } else {
    return std::nullopt;
  }
  const long long seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_s;
  return seconds * 1000000 + micros;
}

BulkActionBody parse_bulk_action(db::BulkKind kind, std::string_view body) {
  BulkActionBody result;
  rapidjson::Document doc;
  result.error = parse_json_object(body, doc);
  if (!result.error.empty()) return result;
  db::BulkActionRequest request;
  request.kind = kind;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    result.error = apply_field(kind, key, member.value, request);
    if (!result.error.empty()) return result;
  }
  const auto& f = request.filters;
  if (f.empty()) {
    result.error = "at least one filter is required (job_ids, status, started, ended)";
    return result;
  }
  if (f.started && f.ended && *parse_iso_datetime(*f.started) > *parse_iso_datetime(*f.ended)) {
    result.error = "started must not be after ended";
    return result;
  }
  result.request = std::move(request);
  return result;
}

PriorityBody parse_priority_patch(std::string_view body) {
  PriorityBody result;
  rapidjson::Document doc;
  result.error = parse_json_object(body, doc);
  if (!result.error.empty()) return result;
  if (doc.MemberCount() == 0) {
    result.error = "no fields to update (allowed: priority)";
    return result;
  }
  std::optional<int> priority;
  for (const auto& member : doc.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key != "priority") {
      result.error = unknown_field(key, "priority");
      return result;
    }
    if (!member.value.IsInt() || member.value.GetInt() < 0) {
      result.error = "priority must be an integer >= 0";
      return result;
    }
    priority = member.value.GetInt();
  }
  result.priority = priority;
  return result;
}

}  // namespace scale::api
