#pragma once

// Standard Base64 (RFC 4648, with padding): how the JSON mapping carries `bytes` fields such as
// TaskStatus.uuid and Acknowledge.uuid.

#include <optional>
#include <string>
#include <string_view>

namespace mesos_sim {

std::string base64_encode(std::string_view bytes);
// std::nullopt on characters outside the alphabet or a bad length/padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mesos_sim
