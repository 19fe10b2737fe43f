// libFuzzer target over CockroachDB's own answers read by NodeStatusClient
// (desktop/core/sources/node_status_answers.h): /api/v2/nodes/ (parseNodesResponse) and
// /_status/vars (parseStatusVars). Each input is given to both.
// Promises: never a crash or undefined behaviour; a refused nodes answer says why in a sentence;
// every accepted node has a positive id and an address, and a known liveness is a known enum
// value; what parseStatusVars read, written back as Prometheus text, reads back the same.
#include "fuzz_support.h"
#include "sources/node_status_answers.h"

#include <cmath>
#include <cstring>

using namespace presenter;

namespace {

bool same(const std::optional<double> &a, const std::optional<double> &b)
{
    return a.has_value() == b.has_value() && (!a || (std::isnan(*a) && std::isnan(*b)) || *a == *b);
}

QByteArray number(double v)
{
    if (std::isnan(v)) {
        return "NaN";
    }
    if (std::isinf(v)) {
        return v > 0 ? "+Inf" : "-Inf";
    }
    return QByteArray::number(v, 'g', 17);
}

QByteArray asVarsText(const NodeVars &vars)
{
    QByteArray text = "# HELP node_id node ID with labels for advertised RPC and HTTP addresses\n";
    if (vars.nodeId) {
        text += "node_id{advertise_addr=\"" + vars.advertiseAddress.toUtf8() + "\"} " + QByteArray::number(*vars.nodeId)
            + '\n';
    }
    const std::pair<const char *, const std::optional<double> *> gauges[]
        = {{"ranges", &vars.ranges}, {"replicas", &vars.replicas}, {"replicas_leaseholders", &vars.leaseholders},
            {"ranges_underreplicated", &vars.underReplicated}, {"ranges_unavailable", &vars.unavailable},
            {"sys_uptime", &vars.uptimeS}};
    for (const auto &[name, value] : gauges) {
        if (*value) {
            text += QByteArray(name) + "{store=\"1\"} " + number(**value) + '\n';
        }
    }
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QByteArray bytes = fuzzBytes(data, size);
    QString error;
    const auto nodes = parseNodesResponse(bytes, &error);
    FUZZ_PROMISE(nodes || isSentence(error));
    if (nodes) {
        for (const CrdbNode &n : *nodes) {
            FUZZ_PROMISE(n.nodeId > 0 && !n.address.isEmpty());
            FUZZ_PROMISE(!n.livenessKnown || !livenessName(n.liveness).isEmpty());
        }
    }

    const NodeVars vars = parseStatusVars(bytes);
    const NodeVars again = parseStatusVars(asVarsText(vars));
    FUZZ_PROMISE(again.nodeId == vars.nodeId);
    FUZZ_PROMISE(!vars.nodeId || again.advertiseAddress == vars.advertiseAddress);
    FUZZ_PROMISE(same(again.ranges, vars.ranges) && same(again.replicas, vars.replicas)
        && same(again.leaseholders, vars.leaseholders) && same(again.underReplicated, vars.underReplicated)
        && same(again.unavailable, vars.unavailable) && same(again.uptimeS, vars.uptimeS));
#ifdef FUZZ_PLANTED_BUG
    // Planted (tests/fuzz.sh --planted): an advertise address holding a '~' is copied to a buffer
    // of its own length and read one byte past it.
    const QByteArray address = vars.advertiseAddress.toUtf8();
    if (vars.nodeId && address.contains('~')) {
        char *copy = new char[address.size()];
        std::memcpy(copy, address.constData(), address.size());
        volatile char past = copy[address.size()];
        (void)past;
        delete[] copy;
    }
#endif
    return 0;
}
