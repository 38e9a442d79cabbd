#include "scheduler/mesos/mesos_connection.h"

namespace scale::mesos {

Disconnected::Disconnected(std::string why) : reason(std::move(why)) {}
Disconnected::Disconnected(const Disconnected& other) = default;
Disconnected::Disconnected(Disconnected&& other) noexcept = default;
Disconnected& Disconnected::operator=(const Disconnected& other) = default;
Disconnected& Disconnected::operator=(Disconnected&& other) noexcept = default;
Disconnected::~Disconnected() = default;

TerminalError::TerminalError(const TerminalError& other) = default;
TerminalError::TerminalError(TerminalError&& other) noexcept = default;
TerminalError& TerminalError::operator=(const TerminalError& other) = default;
TerminalError& TerminalError::operator=(TerminalError&& other) noexcept = default;
TerminalError::~TerminalError() = default;

CallRejected::CallRejected(CallType call, int status, std::string answer)
    : call_type(call), http_status(status), body(std::move(answer)) {}
CallRejected::CallRejected(const CallRejected& other) = default;
CallRejected::CallRejected(CallRejected&& other) noexcept = default;
CallRejected& CallRejected::operator=(const CallRejected& other) = default;
CallRejected& CallRejected::operator=(CallRejected&& other) noexcept = default;
CallRejected::~CallRejected() = default;

}  // namespace scale::mesos
