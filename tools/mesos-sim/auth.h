#pragma once

// HTTP framework authentication as the master does it with --authenticate_http_frameworks
// --http_framework_authenticators=basic --credentials=FILE (spec B.6). Pure functions, so the
// rules are unit-tested without HTTP.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mesos_sim {

using Credentials = std::vector<std::pair<std::string, std::string>>;  // principal, secret

// The master's credentials file: JSON {"credentials":[{"principal":"p","secret":"s"},...]},
// named by a path or a file:// URL. nullopt (and *error, one line) when it cannot be read, is
// not that JSON, or holds no credential: the master refuses to start then too.
std::optional<Credentials> load_credentials(const std::string& path_or_url, std::string* error);
std::optional<Credentials> parse_credentials(const std::string& json, std::string* error);

// The principal an Authorization header authenticates, or nullopt (answer 401). Only
// "Basic <base64(principal:secret)>" with exactly one ':' passes: a secret holding ':' never
// authenticates, as with the master's basic authenticator.
std::optional<std::string> authenticate(const std::optional<std::string>& authorization,
                                        const Credentials& credentials);

// The realm of the scheduler endpoints, for WWW-Authenticate.
constexpr const char* kSchedulerRealm = "mesos-master-scheduler";

}  // namespace mesos_sim
