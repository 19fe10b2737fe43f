#include "otel/sampler.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace otel {

namespace {

constexpr std::uint64_t kRandomnessRange = std::uint64_t(1) << 56;

bool sampleRoot(Sampler::Kind kind, double ratio, const TraceId &traceId)
{
    switch (kind) {
    case Sampler::Kind::AlwaysOn:
    case Sampler::Kind::ParentBasedAlwaysOn:
        return true;
    case Sampler::Kind::AlwaysOff:
    case Sampler::Kind::ParentBasedAlwaysOff:
        return false;
    case Sampler::Kind::TraceIdRatio:
    case Sampler::Kind::ParentBasedTraceIdRatio:
        return traceRandomness(traceId) >= Sampler::rejectionThreshold(ratio);
    }
    return false;
}

bool parentBased(Sampler::Kind kind)
{
    return kind == Sampler::Kind::ParentBasedAlwaysOn || kind == Sampler::Kind::ParentBasedAlwaysOff
        || kind == Sampler::Kind::ParentBasedTraceIdRatio;
}

} // namespace

bool Sampler::shouldSample(const SpanContext *parent, const TraceId &traceId) const
{
    if (parentBased(kind) && parent != nullptr && parent->valid()) {
        return parent->sampled();
    }
    return sampleRoot(kind, ratio, traceId);
}

std::uint64_t Sampler::rejectionThreshold(double ratio)
{
    if (!(ratio > 0.0)) {
        return kRandomnessRange; // nothing is at or above it: never sampled
    }
    if (ratio >= 1.0) {
        return 0;
    }
    return std::uint64_t(std::llround((1.0 - ratio) * double(kRandomnessRange)));
}

std::optional<Sampler::Kind> Sampler::kindFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"always_on") {
        return Kind::AlwaysOn;
    }
    if (n == u"always_off") {
        return Kind::AlwaysOff;
    }
    if (n == u"traceidratio") {
        return Kind::TraceIdRatio;
    }
    if (n == u"parentbased_always_on") {
        return Kind::ParentBasedAlwaysOn;
    }
    if (n == u"parentbased_always_off") {
        return Kind::ParentBasedAlwaysOff;
    }
    if (n == u"parentbased_traceidratio") {
        return Kind::ParentBasedTraceIdRatio;
    }
    return std::nullopt;
}

bool Sampler::takesRatio(Kind kind)
{
    return kind == Kind::TraceIdRatio || kind == Kind::ParentBasedTraceIdRatio;
}

QString Sampler::description() const
{
    const QString ratioText = u"TraceIdRatioBased{%1}"_s.arg(ratio);
    switch (kind) {
    case Kind::AlwaysOn:
        return u"AlwaysOnSampler"_s;
    case Kind::AlwaysOff:
        return u"AlwaysOffSampler"_s;
    case Kind::TraceIdRatio:
        return ratioText;
    case Kind::ParentBasedAlwaysOn:
        return u"ParentBased{root=AlwaysOnSampler}"_s;
    case Kind::ParentBasedAlwaysOff:
        return u"ParentBased{root=AlwaysOffSampler}"_s;
    case Kind::ParentBasedTraceIdRatio:
        return u"ParentBased{root=%1}"_s.arg(ratioText);
    }
    return {};
}

} // namespace otel
