// libFuzzer target over the sample app's configuration (AppConfig::fromEnvironment,
// sampleapp/src/core/config.h): the environment it starts with, including the guardrail values
// (APP_MAX_RPS, APP_MAX_SECONDS, APP_MAX_CONCURRENCY, APP_MAX_BODY_BYTES). Each input line is one
// NAME=value variable.
// Promises: never a crash or undefined behaviour; a refusal names a variable in a sentence and
// never repeats a database password or the control token (it is printed at start and logged); an
// accepted configuration keeps every guardrail positive and finite and the drain below the
// shutdown timeout.
#include "config.h"
#include "fuzz_support.h"

#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    QProcessEnvironment env;
    const QString text = QString::fromUtf8(fuzzBytes(data, size));
    for (const QString &line : text.split(u'\n')) {
        const qsizetype eq = line.indexOf(u'=');
        if (eq > 0) {
            env.insert(line.left(eq), line.mid(eq + 1));
        }
    }
    QString error;
    const auto config = AppConfig::fromEnvironment(env, &error);
    if (!config) {
        FUZZ_PROMISE(isSentence(error) && error.contains(u"APP_"_s));
        for (const QString &name : env.keys()) {
            QStringList secrets;
            if (name == u"APP_DB_WRITER_URL"_s || name == u"APP_DB_READER_URL"_s) {
                secrets = passwordsIn(env.value(name));
            } else if (name == u"APP_CONTROL_TOKEN"_s) {
                secrets << env.value(name);
            }
            for (const QString &secret : std::as_const(secrets)) {
                if (secret.size() < 4 || !error.contains(secret)) {
                    continue;
                }
                // Quoted from another variable that spells the same text, or the error's own
                // words: not a leak.
                bool elsewhere = false;
                for (const QString &other : env.keys()) {
                    elsewhere
                        = elsewhere || (other != name && (env.value(other).contains(secret) || other.contains(secret)));
                }
                QProcessEnvironment without = env;
                without.insert(name,
                    name == u"APP_CONTROL_TOKEN"_s ? QString(secret.size(), u'#') : maskPasswords(env.value(name)));
                QString otherError;
                AppConfig::fromEnvironment(without, &otherError);
                FUZZ_PROMISE(elsewhere || otherError.count(secret) >= error.count(secret));
            }
        }
        return 0;
    }
    FUZZ_PROMISE(std::isfinite(config->maxRps) && config->maxRps > 0 && std::isfinite(config->maxSeconds)
        && config->maxSeconds > 0);
    FUZZ_PROMISE(config->maxConcurrency >= 1 && config->maxBodyBytes >= 256 && config->tickMs >= 100);
    FUZZ_PROMISE(config->shutdownDrainMs < config->shutdownTimeoutMs);
    FUZZ_PROMISE(config->controlToken.isEmpty() || config->controlToken.size() >= 8);
#ifdef FUZZ_PLANTED_BUG
    // Planted (tests/fuzz.sh --planted): a control token holding a '~' is copied to a buffer of its
    // own length and read one byte past it.
    const QByteArray token = config->controlToken;
    if (token.contains('~')) {
        char *copy = new char[token.size()];
        std::memcpy(copy, token.constData(), token.size());
        volatile char past = copy[token.size()];
        (void)past;
        delete[] copy;
    }
#endif
    return 0;
}
