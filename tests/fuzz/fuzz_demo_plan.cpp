// libFuzzer target over the demo plan loader (DemoPlan::fromJson, desktop/core/model/demo_plan.h;
// demo/plan.json is the story as data).
// Promises: never a crash or undefined behaviour; a refused plan gives one or more sentences; an
// accepted plan gives none, its beat ids are unique and found by indexOf(), and every position,
// focus and list it derives can be asked for.
#include "config/demo_plan.h"
#include "fuzz_support.h"

#include <QSet>

#include <cstring>

using namespace presenter;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    QStringList errors;
    const auto plan = DemoPlan::fromJson(fuzzBytes(data, size), &errors);
    if (!plan) {
        FUZZ_PROMISE(!errors.isEmpty());
        for (const QString &e : std::as_const(errors)) {
            FUZZ_PROMISE(isSentence(e));
        }
        return 0;
    }
    FUZZ_PROMISE(errors.isEmpty());
    const QStringList ids = plan->beatIds();
    FUZZ_PROMISE(QSet<QString>(ids.begin(), ids.end()).size() == ids.size());
    const QStringList charts = DemoPlan::chartIds();
    for (int i = -1; i <= int(plan->beats.size()); ++i) {
        if (i >= 0 && i < plan->beats.size()) {
            FUZZ_PROMISE(plan->indexOf(plan->beats.at(i).id) == i);
            for (const PlanAction &a : plan->beats.at(i).actions) {
                FUZZ_PROMISE(!a.describe().isEmpty());
            }
            for (const PlanExpectation &x : plan->beats.at(i).expectations) {
                FUZZ_PROMISE(!x.describe().isEmpty());
            }
        }
        if (i >= 0) {
            const DemoPlan::Position p = plan->positionBefore(i);
            FUZZ_PROMISE(p.nodes >= 0 && p.replicationFactor >= 1);
        }
        for (const QString &chart : plan->focusAt(i)) {
            FUZZ_PROMISE(charts.contains(chart));
        }
    }
    plan->sqlFiles();
    plan->promqlExpressions();
#ifdef FUZZ_PLANTED_BUG
    // Planted (tests/fuzz.sh --planted): a beat title holding a '~' is copied to a buffer of its
    // own length and read one byte past it.
    for (const Beat &beat : plan->beats) {
        const QByteArray title = beat.title.toUtf8();
        if (title.contains('~')) {
            char *copy = new char[title.size()];
            std::memcpy(copy, title.constData(), title.size());
            volatile char past = copy[title.size()];
            (void)past;
            delete[] copy;
        }
    }
#endif
    return 0;
}
