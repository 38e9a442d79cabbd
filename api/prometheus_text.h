#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Pieces of the Prometheus text exposition format (version 0.0.4) that every family rendered by
// hand needs: escaped labels, numbers as the format spells them, and histograms. A library of its
// own (scale_prometheus_text, no other dependency), so the replica's other instruments (promotion
// steps, commit latency, ...) can use it without linking the REST server.
namespace scale::prometheus {

// A label value escaped as the format requires: backslash, double quote and newline.
std::string escape_label(std::string_view value);

// `name="value",...` with every value escaped; "" for no labels.
std::string label_set(std::initializer_list<std::pair<std::string_view, std::string_view>> labels);

// A sample value or bucket bound: integers without an exponent ("1234567"), the shortest text that
// reads back as the same double otherwise ("0.005"), "+Inf", "-Inf", "NaN".
std::string format_number(double value);

// Upper bounds for request and commit latencies, in seconds: 0.5 ms to 10 s.
const std::vector<double>& latency_buckets_seconds();

// Observations counted into fixed buckets, as a Prometheus histogram. Not synchronised: the owner
// serialises observe() with rendering (HttpMetrics holds one mutex for both).
class Histogram {
 public:
  // `upper_bounds`: finite, strictly increasing; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Observations per bucket, not cumulative; one more entry than upper_bounds() (the +Inf one).
  const std::vector<uint64_t>& bucket_counts() const { return counts_; }
  double sum() const { return sum_; }
  uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// "# HELP <name> <help>\n# TYPE <name> <type>\n"
void write_family_header(std::string& out, std::string_view name, std::string_view type,
                         std::string_view help);

// One series of a histogram family: <name>_bucket{<labels>,le="..."} (cumulative, ending with
// le="+Inf"), <name>_sum{<labels>} and <name>_count{<labels>}. `labels` comes from label_set().
void write_histogram(std::string& out, std::string_view name, std::string_view labels,
                     const Histogram& histogram);

}  // namespace scale::prometheus
