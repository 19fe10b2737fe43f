#include "preflight_result.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace presenter {

QString PreflightResult::statusName(Status status)
{
    switch (status) {
    case Status::Pass:
        return u"PASS"_s;
    case Status::Skip:
        return u"SKIP"_s;
    case Status::Warn:
        return u"WARN"_s;
    case Status::Wait:
        return u"WAIT"_s;
    case Status::Fail:
        break;
    }
    return u"FAIL"_s;
}

QString PreflightResult::line() const
{
    QString text = u"%1  %2: %3"_s.arg(statusName(status), name, detail);
    if ((status == Status::Fail || status == Status::Warn) && !fix.isEmpty()) {
        text += u" Fix: "_s + fix;
    }
    return text;
}

bool preflightPassed(const QList<PreflightResult> &results)
{
    return std::none_of(results.cbegin(), results.cend(), [](const PreflightResult &r) {
        return r.status == PreflightResult::Status::Fail || r.status == PreflightResult::Status::Wait;
    });
}

} // namespace presenter
