#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

// A QTcpServer that can speak TLS: Qt 6.4 has no QSslServer, so once given a certificate and its
// key it wraps every accepted connection in a QSslSocket in server mode
// (incomingConnection + QSslSocket::startServerEncryption) and hands it out through
// nextPendingConnection() like a plain socket: readyRead carries decrypted data, write() encrypts.
// Without a certificate it is a plain QTcpServer. GUI/owner thread only, like QTcpServer.
class TlsTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;
    // Certificate (PEM, possibly a chain) and private key (PEM) files; false if either does not load.
    bool setTlsFiles(const QString &certificateFile, const QString &keyFile);
    bool isTls() const { return !m_chain.isEmpty(); }
    int handshakesFailed() const { return m_handshakesFailed; } // clients that refused the certificate

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    QList<QSslCertificate> m_chain;
    QSslKey m_key;
    int m_handshakesFailed = 0;
};
