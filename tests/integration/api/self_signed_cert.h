#pragma once

#include <filesystem>
#include <string>

namespace scale::api::testing {

// A self-signed certificate for "localhost" and 127.0.0.1 (subjectAltName, so hostname
// verification passes on https://127.0.0.1:PORT), made with the OpenSSL API for one test.
struct SelfSignedCert {
  std::filesystem::path cert;  // PEM certificate; also what a client trusts as its CA
  std::filesystem::path key;   // PEM private key, unencrypted
};

// Writes `<prefix>.crt` and `<prefix>.key` into dir. `passphrase`, when not empty, encrypts the
// key (a replica must refuse such a key rather than prompt). Throws std::runtime_error.
SelfSignedCert make_self_signed_cert(const std::filesystem::path& dir,
                                     const std::string& prefix = "api",
                                     const std::string& passphrase = "");

}  // namespace scale::api::testing
