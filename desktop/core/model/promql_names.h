#pragma once

#include <QString>
#include <QStringList>

namespace presenter {

// The metric names a PromQL expression reads, so tests can check each one against the list of
// metrics CockroachDB and the sample app really expose. A small lexer, not a parser: it skips
// strings, label matchers ({...}), range/offset durations ([1m]), numbers, function names (an
// identifier followed by '('), keywords and the label lists of by/without/on/ignoring/group_*.
QStringList promqlMetricNames(const QString &promql);

// The base name of a histogram/summary series ("sql_service_latency_bucket" ->
// "sql_service_latency"); other names unchanged.
QString promqlBaseMetricName(const QString &name);

} // namespace presenter
