#pragma once
// Parsing and validation of everything a client sends, in one place, so the rules (types, ranges,
// guardrails) are unit-testable without a server. Every failure is an ApiError with an HTTP
// status, a stable code and a sentence; guardrail failures also name the limit.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>
#include <variant>

struct ApiError
{
    int status = 400;
    QString code; // e.g. "invalid_json", "invalid_field", "limit_exceeded"
    QString message;
    QString limit; // guardrail name (max_rps, max_seconds, max_concurrency, max_body_bytes), if any
    double max = 0;

    QJsonObject toJson() const;
    static ApiError badRequest(const QString &code, const QString &message) { return {400, code, message, {}, 0}; }
};

struct Guardrails
{
    double maxRps = 1000;
    double maxSeconds = 300;
    int maxConcurrency = 64;
    qsizetype maxBodyBytes = 65536;
};

struct LoadMix
{
    double login = 0.2;
    double search = 0.8;
    QJsonObject toJson() const;
};

struct SpikeRequest
{
    double seconds = 30;
    double rps = 200;
    LoadMix mix;
};

struct LoadRequest
{
    double rps = 20;
    LoadMix mix;
};

struct SearchRequest
{
    QString q;
    int limit = 10;
};

template<typename T> using Parsed = std::variant<T, ApiError>;

// `otherRps` is the rate already committed by the other load source (the base load for a spike,
// the spike for the base load): the guardrail caps the total.
Parsed<SpikeRequest> parseSpike(const QByteArray &body, const Guardrails &limits, double otherRps);
Parsed<LoadRequest> parseLoadStart(const QByteArray &body, const Guardrails &limits, double otherRps);
Parsed<QString> parseLogin(const QByteArray &body); // the user_id
Parsed<SearchRequest> parseSearch(const QUrlQuery &query);
std::optional<ApiError> checkBodySize(qsizetype size, const Guardrails &limits);
