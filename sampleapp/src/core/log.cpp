#include "log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace applog {

std::shared_ptr<spdlog::logger> logger()
{
    static const std::shared_ptr<spdlog::logger> instance = [] {
        auto l = std::make_shared<spdlog::logger>("sampleapp", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%Y-%m-%dT%H:%M:%S.%e [%l] %v");
        l->flush_on(spdlog::level::info);
        return l;
    }();
    return instance;
}

bool parseLevel(const QString &text, spdlog::level::level_enum *level)
{
    static const std::pair<const char16_t *, spdlog::level::level_enum> levels[] = {
        {u"trace", spdlog::level::trace},
        {u"debug", spdlog::level::debug},
        {u"info", spdlog::level::info},
        {u"warn", spdlog::level::warn},
        {u"error", spdlog::level::err},
    };
    for (const auto &[name, value] : levels) {
        if (text == QStringView(name)) {
            *level = value;
            return true;
        }
    }
    return false;
}

void setLevel(spdlog::level::level_enum level)
{
    logger()->set_level(level);
}

} // namespace applog
