#include "api/tls_identity.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace scale::api {
namespace {

// OpenSSL's reason for the last failure, on one line; the error queue is cleared either way so a
// later, unrelated call does not report it.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "no details from OpenSSL";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

// Refuses to prompt for a passphrase (OpenSSL's default reads the terminal, which would hang an
// unattended replica): an encrypted key simply fails to load.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr open_file(const std::string& path, const char* flag) {
  if (path.empty()) throw std::runtime_error(std::string(flag) + " is empty");
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    const int error = errno;
    ERR_clear_error();
    throw std::runtime_error(std::string("cannot read ") + flag + " " + path + ": " +
                             std::strerror(error));
  }
  return bio;
}

}  // namespace

TlsIdentity::~TlsIdentity() {
  X509_free(certificate_);
  sk_X509_pop_free(chain_, X509_free);
  EVP_PKEY_free(key_);
}

std::shared_ptr<const TlsIdentity> TlsIdentity::load(const std::string& cert_file,
                                                     const std::string& key_file) {
  std::shared_ptr<TlsIdentity> identity(new TlsIdentity());
  BioPtr certs = open_file(cert_file, "--tls_cert");
  identity->certificate_ = PEM_read_bio_X509(certs.get(), nullptr, no_passphrase, nullptr);
  if (identity->certificate_ == nullptr) {
    throw std::runtime_error("--tls_cert " + cert_file +
                             " holds no PEM certificate: " + openssl_reason());
  }
  identity->chain_ = sk_X509_new_null();
  while (X509* intermediate = PEM_read_bio_X509(certs.get(), nullptr, no_passphrase, nullptr)) {
    sk_X509_push(identity->chain_, intermediate);
  }
  ERR_clear_error();  // the end of the file reads as a "no start line" error

  BioPtr key = open_file(key_file, "--tls_key");
  identity->key_ = PEM_read_bio_PrivateKey(key.get(), nullptr, no_passphrase, nullptr);
  if (identity->key_ == nullptr) {
    throw std::runtime_error("--tls_key " + key_file +
                             " holds no unencrypted PEM private key: " + openssl_reason());
  }
  if (X509_check_private_key(identity->certificate_, identity->key_) != 1) {
    ERR_clear_error();
    throw std::runtime_error("--tls_key " + key_file + " does not match the certificate in " +
                             cert_file);
  }
  return identity;
}

bool TlsIdentity::install(SSL_CTX* ctx) const {
  bool ok = SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
            SSL_CTX_use_certificate(ctx, certificate_) == 1;
  for (int i = 0; ok && i < sk_X509_num(chain_); ++i) {
    ok = SSL_CTX_add1_chain_cert(ctx, sk_X509_value(chain_, i)) == 1;
  }
  ok = ok && SSL_CTX_use_PrivateKey(ctx, key_) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace scale::api
