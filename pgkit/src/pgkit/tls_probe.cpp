#include "tls_probe.h"

#include <QDateTime>
#include <QFileInfo>
#include <QScopeGuard>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace pgkit {

namespace {

// A blocking TCP connection with send/receive timeouts (Linux applies SO_SNDTIMEO to connect()).
int connectTcp(const QByteArray &address, const QByteArray &port, int timeoutSeconds)
{
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    if (getaddrinfo(address.constData(), port.constData(), &hints, &found) != 0) {
        return -1;
    }
    const auto freeFound = qScopeGuard([found] { freeaddrinfo(found); });
    for (addrinfo *a = found; a; a = a->ai_next) {
        const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            continue;
        }
        timeval tv {};
        tv.tv_sec = timeoutSeconds;
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            return fd;
        }
        close(fd);
    }
    return -1;
}

QString asn1TimeText(const ASN1_TIME *t)
{
    tm parsed {};
    if (!t || ASN1_TIME_to_tm(t, &parsed) != 1) {
        return QStringLiteral("?");
    }
    const QDateTime dt(QDate(parsed.tm_year + 1900, parsed.tm_mon + 1, parsed.tm_mday),
        QTime(parsed.tm_hour, parsed.tm_min, parsed.tm_sec), Qt::UTC);
    return dt.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

QString nameText(const X509_NAME *name)
{
    if (!name) {
        return QStringLiteral("?");
    }
    std::array<char, 512> buf {};
    X509_NAME_oneline(name, buf.data(), int(buf.size()));
    return QString::fromUtf8(buf.data());
}

} // namespace

QString probeCertificateVerification(const QByteArray &host, const QByteArray &hostaddr, const QByteArray &port,
    const QString &rootCertFile, int timeoutSeconds)
{
    const QByteArray address = hostaddr.isEmpty() ? host : hostaddr;
    if (address.isEmpty() || address.startsWith('/')) {
        return {}; // a Unix socket has no TLS
    }
    const int fd = connectTcp(address, port.isEmpty() ? QByteArrayLiteral("5432") : port, timeoutSeconds);
    if (fd < 0) {
        return {};
    }
    const auto closeFd = qScopeGuard([fd] { close(fd); });
    // SSLRequest: length 8, code 80877103 (PostgreSQL protocol, "SSL Session Encryption").
    const std::array<unsigned char, 8> sslRequest {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    if (send(fd, sslRequest.data(), sslRequest.size(), MSG_NOSIGNAL) != ssize_t(sslRequest.size())) {
        return {};
    }
    char answer = 0;
    if (recv(fd, &answer, 1, 0) != 1 || answer != 'S') {
        return {};
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        return {};
    }
    const auto freeCtx = qScopeGuard([ctx] { SSL_CTX_free(ctx); });
    const QByteArray rootPath = QFileInfo(rootCertFile).absoluteFilePath().toLocal8Bit();
    if (SSL_CTX_load_verify_locations(ctx, rootPath.constData(), nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    // Verify, but finish the handshake whatever the result: the result is what we came for.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    SSL *ssl = SSL_new(ctx);
    if (!ssl) {
        return {};
    }
    const auto freeSsl = qScopeGuard([ssl] { SSL_free(ssl); });
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        ERR_clear_error();
        return {};
    }
    const long result = SSL_get_verify_result(ssl);
    X509 *cert = SSL_get1_peer_certificate(ssl);
    const auto freeCert = qScopeGuard([cert] { X509_free(cert); });
    SSL_shutdown(ssl);
    ERR_clear_error();
    if (result == X509_V_OK || !cert) {
        return {};
    }
    const QString openssl = QString::fromUtf8(X509_verify_cert_error_string(result));
    QString words;
    switch (result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        words = QStringLiteral("the server's certificate has expired (valid until %1")
                    .arg(asn1TimeText(X509_get0_notAfter(cert)));
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        words = QStringLiteral("the server's certificate is not valid yet (valid from %1")
                    .arg(asn1TimeText(X509_get0_notBefore(cert)));
        break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        words = QStringLiteral("the server's certificate (issued by %1) is not signed by a CA in sslrootcert %2 "
                               "(wrong CA file, or a server certificate from another CA")
                    .arg(nameText(X509_get_issuer_name(cert)), rootCertFile);
        break;
    default:
        words
            = QStringLiteral("the server's certificate %1 is not trusted (").arg(nameText(X509_get_subject_name(cert)));
        return words + u"OpenSSL: " + openssl + u')';
    }
    return words + u"; OpenSSL: " + openssl + u')';
}

} // namespace pgkit
