#pragma once

#include <QMetaEnum>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace presenter {

// An enum's values as the strings a recording, a plan or the wire carries, spelled from the enum's
// own enumerator names (the enum is declared with Q_ENUM): one spelling per value, kept by the
// compiler instead of a hand-written switch that can drift from the enum.
//
//   KeyStyle::AsIs   the enumerator's name:             KeepDown  -> "KeepDown"
//   KeyStyle::Snake  lower case, '_' before each word:  RunSql    -> "run_sql"
//                    (every capital starts a word: an acronym would read "prom_q_l")
//
// enumFromKey() accepts exactly the strings enumKey() gives, nothing else (no case folding, no
// numbers): a key read from a file is either one of them or unknown.
enum class KeyStyle { AsIs, Snake };

namespace enumnames {
QString styled(const char *enumerator, KeyStyle style);
}

template<typename E> QString enumKey(E value, KeyStyle style = KeyStyle::AsIs)
{
    const char *name = QMetaEnum::fromType<E>().valueToKey(int(value));
    return name ? enumnames::styled(name, style) : QString();
}

template<typename E> std::optional<E> enumFromKey(QStringView key, KeyStyle style = KeyStyle::AsIs)
{
    const QMetaEnum meta = QMetaEnum::fromType<E>();
    for (int i = 0; i < meta.keyCount(); ++i) {
        if (enumnames::styled(meta.key(i), style) == key) {
            return E(meta.value(i));
        }
    }
    return std::nullopt;
}

// Every key of the enum in declaration order: the list an error message offers.
template<typename E> QStringList enumKeys(KeyStyle style = KeyStyle::AsIs)
{
    const QMetaEnum meta = QMetaEnum::fromType<E>();
    QStringList keys;
    for (int i = 0; i < meta.keyCount(); ++i) {
        keys.append(enumnames::styled(meta.key(i), style));
    }
    return keys;
}

} // namespace presenter
