// libFuzzer target over the SQL runner's file parser (pgkit::SqlScript::parse with its `-- @`
// directives, pgkit/src/pgkit/sql_script.h; sql/README.md lists them), and the masking every
// check of the SQL goes through.
// Promises: never a crash or undefined behaviour; a refused file has a sentence and no steps; an
// accepted one has steps in file order on lines of the file, every @database naming a database;
// masking keeps the length and every line break.
#include "fuzz_support.h"
#include "pgkit/sql_script.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const QString text = QString::fromUtf8(fuzzBytes(data, size));
    const pgkit::SqlScript script = pgkit::SqlScript::parse(text, QStringLiteral("fuzz.sql"));
    const QString masked = pgkit::maskCommentsAndLiterals(text);
    FUZZ_PROMISE(masked.size() == text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        FUZZ_PROMISE((text.at(i) == u'\n') == (masked.at(i) == u'\n'));
    }
    if (!script.isValid()) {
        FUZZ_PROMISE(script.steps.isEmpty() && isSentence(script.error));
        return 0;
    }
    const int lines = int(text.count(u'\n')) + 1;
    int previous = 0;
    for (const pgkit::SqlStep &step : script.steps) {
        FUZZ_PROMISE(step.line >= 1 && step.line <= lines && step.line >= previous);
        previous = step.line;
        FUZZ_PROMISE(!step.text.trimmed().isEmpty());
        for (const QString &state : step.tolerated) {
            FUZZ_PROMISE(state.size() == 5);
        }
#ifdef FUZZ_PLANTED_BUG
        // Planted (tests/fuzz.sh --planted): a @database name holding a '_' is copied to a buffer
        // of its own length and read one byte past it.
        const QByteArray database = step.text.toUtf8();
        if (step.kind == pgkit::SqlStep::Kind::UseDatabase && database.contains('_')) {
            char *copy = new char[database.size()];
            std::memcpy(copy, database.constData(), database.size());
            volatile char past = copy[database.size()];
            (void)past;
            delete[] copy;
        }
#endif
    }
    FUZZ_PROMISE(script.statementCount() <= script.steps.size());
    pgkit::findDestructiveStatements(script);
    return 0;
}
