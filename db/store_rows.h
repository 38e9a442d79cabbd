#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.h"
#include "db/job_status.h"
#include "db/resources.h"

// Row helpers shared by the job, node and queue stores.
namespace scale::db {

// SQL that reads timestamptz `column` as ISO-8601 UTC with milliseconds
// ("2026-01-02T03:04:05.678Z"), NULL staying NULL, so every store and replica prints times alike.
// `column` is always a fixed column name of the caller's, never input.
std::string iso_utc(std::string_view column);

// A double precision column; throws Error when the text is not a number.
double real_at(const Result& r, int row, int col);
// cpus, mem, disk, gpus from four consecutive columns starting at `col`.
Resources resources_at(const Result& r, int row, int col);
std::optional<long long> optional_integer_at(const Result& r, int row, int col);
std::optional<double> optional_real_at(const Result& r, int row, int col);
// A job status column; throws Error for a name the schema does not allow.
JobStatus job_status_at(const Result& r, int row, int col);
// Shortest text that reads back as the same double (a query parameter).
std::string real_param(double value);
Param optional_real_param(const std::optional<double>& value);

// Runs fn in one read-only REPEATABLE READ snapshot, so a count and the rows it describes agree;
// inside the caller's transaction instead when one is open (its isolation is already fixed).
void in_snapshot(Connection& conn, const std::function<void(Connection&)>& fn);

}  // namespace scale::db
