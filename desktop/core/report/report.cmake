# The session report (paths relative to desktop/core): what a session showed, collected from the
# session's signals (SessionLog), the load over the whole session (LoadAccumulator) and the one
# self-contained HTML file they become (ReportWriter, pure).
set(PRESENTER_REPORT_FILES
    report/load_summary.h report/load_summary.cpp
    report/session_log.h report/session_log.cpp
    report/report_writer.h report/report_writer.cpp)
