#pragma once

#include <QByteArray>
#include <QString>

namespace pgkit {

// Why a PostgreSQL-protocol server's certificate fails verification, in words.
//
// libpq reports every chain failure as "SSL error: certificate verify failed": a certificate from
// another CA and an expired one read the same. This probe asks again: it opens its own connection
// to host:port (hostaddr when given, as libpq dialled it), sends the protocol's SSLRequest, runs a
// TLS handshake that verifies the chain against `rootCertFile` without aborting, and returns
// OpenSSL's verification result as a sentence, e.g. "the server's certificate has expired (valid
// until 2021-01-01 00:00 UTC; OpenSSL: certificate has expired)". It returns an empty string when
// it cannot tell (no answer, no TLS, or the chain verifies). Blocking, at most about
// `timeoutSeconds` per network step; thread-safe (no shared state). The probe sends no
// credentials: it closes the connection after the handshake.
QString probeCertificateVerification(const QByteArray &host, const QByteArray &hostaddr, const QByteArray &port,
    const QString &rootCertFile, int timeoutSeconds = 3);

} // namespace pgkit
