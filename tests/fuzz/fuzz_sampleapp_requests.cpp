// libFuzzer target over everything a client sends the sample app (sampleapp/src/core/requests.h):
// the JSON bodies of /api/login, /api/load/start and /api/load/spike, and the query string of
// /api/search. The first byte picks the parser and the rate already running; the rest is the
// body or the query string.
// Promises: never a crash or undefined behaviour; a refusal is a 4xx with a code and a sentence,
// naming its limit when it is a guardrail; an accepted load command keeps every guardrail
// (seconds, total rate) and a mix that sums to 1; an accepted search has a limit of 1 to 50.
#include "core/requests.h"
#include "fuzz_support.h"

#include <cmath>
#include <cstring>

namespace {

template<typename T> const T *accepted(const Parsed<T> &parsed)
{
    if (const auto *e = std::get_if<ApiError>(&parsed)) {
        FUZZ_PROMISE(e->status >= 400 && e->status < 500 && !e->code.isEmpty() && isSentence(e->message));
        FUZZ_PROMISE((e->code == QLatin1String("limit_exceeded")) == !e->limit.isEmpty() || e->status == 413);
        const QJsonObject o = e->toJson();
        FUZZ_PROMISE(o.value(QLatin1String("error")).toString() == e->code);
        return nullptr;
    }
    return &std::get<T>(parsed);
}

bool validMix(const LoadMix &m)
{
    return m.login >= 0 && m.login <= 1 && m.search >= 0 && m.search <= 1 && std::abs(m.login + m.search - 1) <= 0.001;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    const Guardrails limits;
    const int which = data[0] % 4;
    const double otherRps = (data[0] / 4) * 20.0; // 0 .. 1260: below and above max_rps
    const QByteArray body = fuzzBytes(data + 1, size - 1);
    if (const auto e = checkBodySize(body.size(), limits)) {
        FUZZ_PROMISE(e->status == 413 && e->limit == QLatin1String("max_body_bytes"));
        return 0;
    }
    switch (which) {
    case 0: {
        const auto parsed = parseSpike(body, limits, otherRps);
        if (const SpikeRequest *s = accepted(parsed)) {
            FUZZ_PROMISE(s->seconds > 0 && s->seconds <= limits.maxSeconds);
            FUZZ_PROMISE(s->rps > 0 && s->rps + otherRps <= limits.maxRps && validMix(s->mix));
        }
        break;
    }
    case 1: {
        const auto parsed = parseLoadStart(body, limits, otherRps);
        if (const LoadRequest *l = accepted(parsed)) {
            FUZZ_PROMISE(l->rps > 0 && l->rps + otherRps <= limits.maxRps && validMix(l->mix));
        }
        break;
    }
    case 2: {
        const auto parsed = parseLogin(body);
        if (const QString *user = accepted(parsed)) {
            FUZZ_PROMISE(!user->isEmpty() && user->size() <= 128);
#ifdef FUZZ_PLANTED_BUG
            // Planted (tests/fuzz.sh --planted): a user_id holding a '~' is copied to a buffer of
            // its own length and read one byte past it.
            const QByteArray bytes = user->toUtf8();
            if (bytes.contains('~')) {
                char *copy = new char[bytes.size()];
                std::memcpy(copy, bytes.constData(), bytes.size());
                volatile char past = copy[bytes.size()];
                (void)past;
                delete[] copy;
            }
#endif
        }
        break;
    }
    default: {
        const auto parsed = parseSearch(QUrlQuery(QString::fromUtf8(body)));
        if (const SearchRequest *s = accepted(parsed)) {
            FUZZ_PROMISE(!s->q.isEmpty() && s->q.size() <= 64 && s->limit >= 1 && s->limit <= 50);
        }
        break;
    }
    }
    return 0;
}
