#pragma once
// spdlog behind a thin wrapper, with QString formatting. Everything logs through applog::logger().

#include <QByteArray>
#include <QString>

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <memory>

template<> struct fmt::formatter<QString> : fmt::formatter<std::string_view>
{
    template<typename FormatContext> auto format(const QString &s, FormatContext &ctx) const -> decltype(ctx.out())
    {
        const QByteArray utf8 = s.toUtf8();
        return fmt::formatter<std::string_view>::format(std::string_view(utf8.constData(), size_t(utf8.size())), ctx);
    }
};

namespace applog {

// The process-wide logger (stderr, "[time] [level] message"). Thread-safe.
std::shared_ptr<spdlog::logger> logger();
// Parses trace|debug|info|warn|error; false if unknown.
bool parseLevel(const QString &text, spdlog::level::level_enum *level);
void setLevel(spdlog::level::level_enum level);

} // namespace applog
