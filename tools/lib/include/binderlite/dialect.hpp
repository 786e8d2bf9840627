// SPDX-License-Identifier: GPL-2.0
//
// Dialect: which Android release's wire format a Process speaks.
//
// Parcels are libbinder's format in every dialect; the releases differ in
// a few fields (Documentation/userspace.rst, "Dialects"):
//
//   dialect    interface token header           after a binder object   service manager
//   Android8   strict-mode policy               nothing                 C servicemanager, no dump flags
//   Android9   as Android8                      nothing                 + dump priority
//   Android10  + work source                    nothing                 as Android9
//   Android11  + 'SYST'                         int32 stability level   AIDL, status replies
//   Android12  as Android11                     int32 {1, 0, 0, level}  as Android11
//   Android13  as Android11 (13 and 14)         int32 stability level   as Android11
//   Android15  as Android11                     as Android13            + getService2: codes shift
//   Android16  as Android11                     as Android13            + checkService2: codes shift
//
// They are libgbinder's protocol and service-manager variants ("aidl" to
// "aidl4", "aidl" to "aidl6") in the pairs its ApiLevel presets make
// (gbinderProtocol(), gbinderServiceManager()).
//
// Thread-safety: plain values and pure functions.
#ifndef BINDERLITE_DIALECT_HPP
#define BINDERLITE_DIALECT_HPP

#include <array>
#include <optional>
#include <string_view>

namespace binderlite {

enum class Dialect {
	Android8,
	Android9,
	Android10,
	Android11,
	Android12, // 12 and 12L
	Android13, // 13 and 14
	Android15,
	Android16,
};

// The default of every Process (ProcessOptions::dialect).
inline constexpr Dialect kNewestDialect = Dialect::Android16;

inline constexpr std::array<Dialect, 8> kDialects{
	Dialect::Android8,  Dialect::Android9,  Dialect::Android10, Dialect::Android11,
	Dialect::Android12, Dialect::Android13, Dialect::Android15, Dialect::Android16,
};

// "android11".
[[nodiscard]] const char *toString(Dialect dialect) noexcept;
// "11" or "android11" (case-insensitive); "12L" and "14" name the dialects
// that cover them; nullopt for anything else.
[[nodiscard]] std::optional<Dialect> parseDialect(std::string_view text) noexcept;
// The Android releases a dialect covers: "13 and 14".
[[nodiscard]] const char *androidReleases(Dialect dialect) noexcept;
// libgbinder's names for the same format: its [Protocol] ("aidl3") and
// [ServiceManager] ("aidl6") settings in gbinder.conf.
[[nodiscard]] const char *gbinderProtocol(Dialect dialect) noexcept;
[[nodiscard]] const char *gbinderServiceManager(Dialect dialect) noexcept;

// Whether two dialects write interface tokens and binder objects alike
// (Android11, 13, 15 and 16 do; they differ only in the service manager).
[[nodiscard]] bool sameParcelFormat(Dialect a, Dialect b) noexcept;

} // namespace binderlite

#endif
