#include "tls_tcp_server.h"

#include <QFile>
#include <QSslSocket>

bool TlsTcpServer::setTlsFiles(const QString &certificateFile, const QString &keyFile)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificateFile);
    QFile keyIn(keyFile);
    if (chain.isEmpty() || !keyIn.open(QIODevice::ReadOnly)) {
        return false;
    }
    const QSslKey key(&keyIn, QSsl::Rsa);
    if (key.isNull()) {
        return false;
    }
    m_chain = chain;
    m_key = key;
    return true;
}

void TlsTcpServer::incomingConnection(qintptr socketDescriptor)
{
    if (!isTls()) {
        QTcpServer::incomingConnection(socketDescriptor);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    socket->setLocalCertificateChain(m_chain);
    socket->setPrivateKey(m_key);
    socket->setPeerVerifyMode(QSslSocket::VerifyNone); // clients show no certificate
    // A client that refuses our certificate aborts the handshake: count it (whoever took the
    // socket from nextPendingConnection() owns and deletes it).
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (!socket->isEncrypted()) {
            ++m_handshakesFailed;
        }
    });
    addPendingConnection(socket);
    socket->startServerEncryption();
}
