#pragma once

#include <openssl/types.h>
#include <openssl/x509.h>  // STACK_OF(X509)

#include <memory>
#include <string>

namespace scale::api {

// The API's TLS certificate chain and private key (--tls_cert, --tls_key), parsed once.
// cpprestsdk builds a new SSL context for every accepted connection and calls the listener's
// callback to configure it; install() hands it these already-parsed objects (reference counted by
// OpenSSL), so a connection never reads or parses the files and a changed or removed file cannot
// break the server after start-up.
class TlsIdentity {
 public:
  // Reads PEM files. Throws std::runtime_error with one line naming the file and the problem:
  // unreadable, no certificate, no private key, an encrypted key (no passphrase prompt: the
  // replica runs unattended), or a key that does not match the certificate. Never includes key
  // material in the message.
  static std::shared_ptr<const TlsIdentity> load(const std::string& cert_file,
                                                 const std::string& key_file);
  ~TlsIdentity();
  TlsIdentity(const TlsIdentity&) = delete;
  TlsIdentity& operator=(const TlsIdentity&) = delete;

  // Puts the certificate, its chain and the key into `ctx` and refuses protocols older than
  // TLS 1.2. Returns false (nothing usable installed) when OpenSSL refuses one of them.
  bool install(SSL_CTX* ctx) const;

 private:
  TlsIdentity() = default;

  X509* certificate_ = nullptr;
  STACK_OF(X509) * chain_ = nullptr;  // intermediates after the leaf in --tls_cert, may be empty
  EVP_PKEY* key_ = nullptr;
};

}  // namespace scale::api
