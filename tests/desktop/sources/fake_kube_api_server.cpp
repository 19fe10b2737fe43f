// FakeKubeApi in a process of its own, so a test can stop it with SIGSTOP (every request then
// hangs: the kernel still accepts connections, nothing answers) and continue it with SIGCONT.
// Usage: fake_kube_api_server NAMESPACE NODES KUBECTL_CACHE_DIR. Prints kubectl's global arguments
// one per line, then an empty line, then serves until killed.
#include "fake_kube_api.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        std::fputs("usage: fake_kube_api_server NAMESPACE NODES KUBECTL_CACHE_DIR\n", stderr);
        return 2;
    }
    FakeKubeApi api;
    if (!api.listen()) {
        std::fputs("cannot listen\n", stderr);
        return 1;
    }
    api.reset(args.at(1), args.at(2).toInt());
    for (const QString &a : api.kubectlArgs(args.at(3))) {
        std::printf("%s\n", qPrintable(a));
    }
    std::printf("\n");
    std::fflush(stdout);
    return app.exec();
}
