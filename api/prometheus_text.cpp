#include "api/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace scale::prometheus {

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

std::string label_set(std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out += ',';
    out.append(name).append("=\"").append(escape_label(value)).append("\"");
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers of a magnitude a double holds exactly print as integers: an ostream would
  // write 1234567 as 1.23457e+06, which loses the count.
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  // Plain decimals for the magnitudes of bucket bounds and latencies ("0.0005", not "5e-04"):
  // the shortest fixed text that reads back as the same double.
  const bool plain = std::fabs(value) >= 1e-6 && std::fabs(value) < 1e15;
  char text[64];
  const auto [end, ec] =
      plain ? std::to_chars(text, text + sizeof text, value, std::chars_format::fixed)
            : std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::to_string(value);
}

const std::vector<double>& latency_buckets_seconds() {
  static const std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  // The first bucket whose bound is >= value (le means "less than or equal").
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[static_cast<size_t>(bucket)];
  sum_ += value;
  ++count_;
}

void write_family_header(std::string& out, std::string_view name, std::string_view type,
                         std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void write_histogram(std::string& out, std::string_view name, std::string_view labels,
                     const Histogram& histogram) {
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  const auto& bounds = histogram.upper_bounds();
  const auto& counts = histogram.bucket_counts();
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += counts[i];
    const std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
    out.append(name).append("_bucket{").append(prefix).append("le=\"").append(le).append("\"} ");
    out.append(std::to_string(cumulative)).append("\n");
  }
  const std::string braces = labels.empty() ? std::string() : "{" + std::string(labels) + "}";
  out.append(name).append("_sum").append(braces).append(" ");
  out.append(format_number(histogram.sum())).append("\n");
  out.append(name).append("_count").append(braces).append(" ");
  out.append(std::to_string(histogram.count())).append("\n");
}

}  // namespace scale::prometheus
