#include "requests.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <cmath>

using namespace Qt::StringLiterals;

namespace {

Parsed<QJsonObject> parseObject(const QByteArray &body, bool allowEmpty)
{
    if (body.trimmed().isEmpty()) {
        if (allowEmpty) {
            return QJsonObject {};
        }
        return ApiError::badRequest(
            QStringLiteral("invalid_json"), QStringLiteral("the request body must be a JSON object"));
    }
    QJsonParseError err {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (err.error != QJsonParseError::NoError) {
        return ApiError::badRequest(QStringLiteral("invalid_json"),
            QStringLiteral("malformed JSON at offset %1: %2").arg(err.offset).arg(err.errorString()));
    }
    if (!doc.isObject()) {
        return ApiError::badRequest(
            QStringLiteral("invalid_json"), QStringLiteral("the request body must be a JSON object"));
    }
    return doc.object();
}

std::optional<ApiError> rejectUnknownKeys(const QJsonObject &o, const QSet<QString> &allowed, const QString &where)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!allowed.contains(it.key())) {
            QStringList names(allowed.cbegin(), allowed.cend());
            names.sort();
            return ApiError::badRequest(QStringLiteral("unknown_field"),
                QStringLiteral("unknown field '%1'%2 (allowed: %3)").arg(it.key(), where, names.join(u", ")));
        }
    }
    return std::nullopt;
}

// A finite JSON number (rejects strings, bools, null; JSON itself has no NaN/Infinity literals).
std::optional<ApiError> readNumber(const QJsonObject &o, const QString &key, double *out)
{
    if (!o.contains(key)) {
        return std::nullopt;
    }
    const QJsonValue v = o.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        return ApiError::badRequest(QStringLiteral("invalid_field"), QStringLiteral("'%1' must be a number").arg(key));
    }
    *out = v.toDouble();
    return std::nullopt;
}

std::optional<ApiError> readMix(const QJsonObject &o, LoadMix *mix)
{
    if (!o.contains(u"mix")) {
        return std::nullopt;
    }
    if (!o.value(u"mix").isObject()) {
        return ApiError::badRequest(QStringLiteral("invalid_field"),
            QStringLiteral("'mix' must be an object like {\"login\": 0.2, \"search\": 0.8}"));
    }
    const QJsonObject m = o.value(u"mix").toObject();
    if (auto e = rejectUnknownKeys(m, {QStringLiteral("login"), QStringLiteral("search")}, QStringLiteral(" in mix"))) {
        return e;
    }
    if (!m.contains(u"login") || !m.contains(u"search")) {
        return ApiError::badRequest(
            QStringLiteral("invalid_field"), QStringLiteral("'mix' needs both 'login' and 'search'"));
    }
    LoadMix parsed;
    if (auto e = readNumber(m, QStringLiteral("login"), &parsed.login)) {
        return ApiError::badRequest(e->code, QStringLiteral("'mix.login' must be a number"));
    }
    if (auto e = readNumber(m, QStringLiteral("search"), &parsed.search)) {
        return ApiError::badRequest(e->code, QStringLiteral("'mix.search' must be a number"));
    }
    if (parsed.login < 0 || parsed.login > 1 || parsed.search < 0 || parsed.search > 1
        || std::abs(parsed.login + parsed.search - 1.0) > 0.001) {
        return ApiError::badRequest(QStringLiteral("invalid_field"),
            QStringLiteral("'mix' shares must be between 0 and 1 and sum to 1 (got %1 + %2)")
                .arg(parsed.login)
                .arg(parsed.search));
    }
    *mix = parsed;
    return std::nullopt;
}

std::optional<ApiError> checkRps(double rps, const Guardrails &limits, double otherRps)
{
    if (!(rps > 0)) {
        return ApiError::badRequest(QStringLiteral("invalid_field"), QStringLiteral("'rps' must be greater than 0"));
    }
    if (rps + otherRps > limits.maxRps) {
        return ApiError {422, QStringLiteral("limit_exceeded"),
            otherRps > 0 ? QStringLiteral("rps %1 plus the %2 rps already running exceeds max_rps %3")
                               .arg(rps)
                               .arg(otherRps)
                               .arg(limits.maxRps)
                         : QStringLiteral("rps %1 exceeds max_rps %2").arg(rps).arg(limits.maxRps),
            QStringLiteral("max_rps"), limits.maxRps};
    }
    return std::nullopt;
}

} // namespace

QJsonObject ApiError::toJson() const
{
    QJsonObject o {{u"error"_s, code}, {u"message"_s, message}};
    if (!limit.isEmpty()) {
        o.insert(u"limit"_s, limit);
        o.insert(u"max"_s, max);
    }
    return o;
}

QJsonObject LoadMix::toJson() const
{
    return QJsonObject {{u"login"_s, login}, {u"search"_s, search}};
}

std::optional<ApiError> checkBodySize(qsizetype size, const Guardrails &limits)
{
    if (size > limits.maxBodyBytes) {
        return ApiError {413, QStringLiteral("body_too_large"),
            QStringLiteral("request body of %1 bytes exceeds max_body_bytes %2").arg(size).arg(limits.maxBodyBytes),
            QStringLiteral("max_body_bytes"), double(limits.maxBodyBytes)};
    }
    return std::nullopt;
}

Parsed<SpikeRequest> parseSpike(const QByteArray &body, const Guardrails &limits, double otherRps)
{
    auto parsed = parseObject(body, false);
    if (auto *e = std::get_if<ApiError>(&parsed)) {
        return *e;
    }
    const QJsonObject o = std::get<QJsonObject>(parsed);
    if (auto e = rejectUnknownKeys(o, {QStringLiteral("seconds"), QStringLiteral("rps"), QStringLiteral("mix")}, {})) {
        return *e;
    }
    SpikeRequest r;
    if (auto e = readNumber(o, QStringLiteral("seconds"), &r.seconds)) {
        return *e;
    }
    if (auto e = readNumber(o, QStringLiteral("rps"), &r.rps)) {
        return *e;
    }
    if (auto e = readMix(o, &r.mix)) {
        return *e;
    }
    if (!(r.seconds > 0)) {
        return ApiError::badRequest(
            QStringLiteral("invalid_field"), QStringLiteral("'seconds' must be greater than 0"));
    }
    if (r.seconds > limits.maxSeconds) {
        return ApiError {422, QStringLiteral("limit_exceeded"),
            QStringLiteral("seconds %1 exceeds max_seconds %2").arg(r.seconds).arg(limits.maxSeconds),
            QStringLiteral("max_seconds"), limits.maxSeconds};
    }
    if (auto e = checkRps(r.rps, limits, otherRps)) {
        return *e;
    }
    return r;
}

Parsed<LoadRequest> parseLoadStart(const QByteArray &body, const Guardrails &limits, double otherRps)
{
    auto parsed = parseObject(body, true);
    if (auto *e = std::get_if<ApiError>(&parsed)) {
        return *e;
    }
    const QJsonObject o = std::get<QJsonObject>(parsed);
    if (auto e = rejectUnknownKeys(o, {QStringLiteral("rps"), QStringLiteral("mix")}, {})) {
        return *e;
    }
    LoadRequest r;
    if (auto e = readNumber(o, QStringLiteral("rps"), &r.rps)) {
        return *e;
    }
    if (auto e = readMix(o, &r.mix)) {
        return *e;
    }
    if (auto e = checkRps(r.rps, limits, otherRps)) {
        return *e;
    }
    return r;
}

Parsed<QString> parseLogin(const QByteArray &body)
{
    auto parsed = parseObject(body, false);
    if (auto *e = std::get_if<ApiError>(&parsed)) {
        return *e;
    }
    const QJsonObject o = std::get<QJsonObject>(parsed);
    if (auto e = rejectUnknownKeys(o, {QStringLiteral("user_id")}, {})) {
        return *e;
    }
    const QJsonValue v = o.value(u"user_id");
    if (!v.isString()) {
        return ApiError::badRequest(
            QStringLiteral("invalid_field"), QStringLiteral("'user_id' is required and must be a string"));
    }
    const QString user = v.toString();
    if (user.isEmpty() || user.size() > 128) {
        return ApiError::badRequest(
            QStringLiteral("invalid_field"), QStringLiteral("'user_id' must be 1 to 128 characters"));
    }
    for (QChar c : user) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            return ApiError::badRequest(
                QStringLiteral("invalid_field"), QStringLiteral("'user_id' must not contain control characters"));
        }
    }
    return user;
}

Parsed<SearchRequest> parseSearch(const QUrlQuery &query)
{
    for (const auto &item : query.queryItems()) {
        if (item.first != u"q" && item.first != u"limit") {
            return ApiError::badRequest(QStringLiteral("unknown_field"),
                QStringLiteral("unknown query parameter '%1' (allowed: q, limit)").arg(item.first));
        }
    }
    SearchRequest r;
    r.q = query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    if (r.q.isEmpty()) {
        return ApiError::badRequest(QStringLiteral("invalid_field"), QStringLiteral("query parameter 'q' is required"));
    }
    if (r.q.size() > 64) {
        return ApiError::badRequest(QStringLiteral("invalid_field"),
            QStringLiteral("'q' must be at most 64 characters (got %1)").arg(r.q.size()));
    }
    for (QChar c : std::as_const(r.q)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            return ApiError::badRequest(
                QStringLiteral("invalid_field"), QStringLiteral("'q' must not contain control characters"));
        }
    }
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        r.limit = query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || r.limit < 1 || r.limit > 50) {
            return ApiError::badRequest(
                QStringLiteral("invalid_field"), QStringLiteral("'limit' must be an integer from 1 to 50"));
        }
    }
    return r;
}
