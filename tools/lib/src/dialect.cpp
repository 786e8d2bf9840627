// SPDX-License-Identifier: GPL-2.0
#include <binderlite/dialect.hpp>

#include <cctype>
#include <string>

namespace binderlite {

const char *toString(Dialect dialect) noexcept
{
	switch (dialect) {
	case Dialect::Android8: return "android8";
	case Dialect::Android9: return "android9";
	case Dialect::Android10: return "android10";
	case Dialect::Android11: return "android11";
	case Dialect::Android12: return "android12";
	case Dialect::Android13: return "android13";
	case Dialect::Android15: return "android15";
	case Dialect::Android16: return "android16";
	}
	return "?";
}

std::optional<Dialect> parseDialect(std::string_view text) noexcept
{
	std::string s;
	for (const char c : text)
		s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	if (s.starts_with("android"))
		s.erase(0, 7);
	if (s == "8" || s == "8.1")
		return Dialect::Android8;
	if (s == "9")
		return Dialect::Android9;
	if (s == "10")
		return Dialect::Android10;
	if (s == "11")
		return Dialect::Android11;
	if (s == "12" || s == "12l")
		return Dialect::Android12;
	if (s == "13" || s == "14")
		return Dialect::Android13;
	if (s == "15")
		return Dialect::Android15;
	if (s == "16")
		return Dialect::Android16;
	return std::nullopt;
}

const char *androidReleases(Dialect dialect) noexcept
{
	switch (dialect) {
	case Dialect::Android8: return "8 and 8.1";
	case Dialect::Android9: return "9";
	case Dialect::Android10: return "10";
	case Dialect::Android11: return "11";
	case Dialect::Android12: return "12 and 12L";
	case Dialect::Android13: return "13 and 14";
	case Dialect::Android15: return "15";
	case Dialect::Android16: return "16";
	}
	return "?";
}

const char *gbinderProtocol(Dialect dialect) noexcept
{
	switch (dialect) {
	case Dialect::Android8:
	case Dialect::Android9: return "aidl";
	case Dialect::Android10: return "aidl2";
	case Dialect::Android12: return "aidl4";
	default: return "aidl3";
	}
}

const char *gbinderServiceManager(Dialect dialect) noexcept
{
	switch (dialect) {
	case Dialect::Android8: return "aidl";
	case Dialect::Android9:
	case Dialect::Android10: return "aidl2";
	case Dialect::Android15: return "aidl5";
	case Dialect::Android16: return "aidl6";
	default: return "aidl3";
	}
}

bool sameParcelFormat(Dialect a, Dialect b) noexcept
{
	return std::string_view(gbinderProtocol(a)) == gbinderProtocol(b);
}

} // namespace binderlite
