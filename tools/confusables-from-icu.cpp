// Prints the UTS #39 skeleton prototype of every code point that has one, as ICU's spoof
// checker knows it (ICU compiles Unicode's confusables.txt into its data; Debian ships that
// data, not the text). Run by tools/make-confusables.sh only: the product does not link ICU.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/uversion.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr char SmallCapital[] = "LATIN LETTER SMALL CAPITAL ";

// "0430 ; 0061 # а → a"
void print(const icu::UnicodeString &source, const icu::UnicodeString &target)
{
    std::printf("%04X ;", unsigned(source.char32At(0)));
    for (int32_t i = 0; i < target.length(); i = target.moveIndex32(i, 1))
        std::printf(" %04X", unsigned(target.char32At(i)));
    std::string from;
    std::string to;
    source.toUTF8String(from);
    target.toUTF8String(to);
    std::printf(" # %s → %s\n", from.c_str(), to.c_str());
}

} // namespace

int main()
{
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker *checker = uspoof_open(&status);
    const icu::Normalizer2 *nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) {
        std::fprintf(stderr, "ICU: %s\n", u_errorName(status));
        return 1;
    }
    UVersionInfo unicode;
    u_getUnicodeVersion(unicode);
    char version[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(unicode, version);
    std::printf("# unicode %s, icu %s\n", version, U_ICU_VERSION);
    for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
        if (!u_isdefined(c) || (c >= 0xD800 && c <= 0xDFFF))
            continue;
        // After NFD only NFD-stable code points are looked up, so only they need an entry.
        icu::UnicodeString source(c);
        if (nfd->normalize(source, status) != source)
            continue;
        UChar skeleton[64];
        const int32_t length = uspoof_getSkeleton(checker, 0, source.getBuffer(), source.length(),
                                                  skeleton, 64, &status);
        if (U_FAILURE(status)) {
            std::fprintf(stderr, "U+%04X: %s\n", unsigned(c), u_errorName(status));
            return 1;
        }
        const icu::UnicodeString target(skeleton, length);
        if (target == source)
            continue;
        print(source, target);
    }
    // Latin small capitals look like capitals (and so, once case-folded, like small letters),
    // but confusables.txt maps only some of them: the rest are mapped to their capital here.
    std::printf("# natter additions\n");
    for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
        char name[128];
        if (u_charName(c, U_UNICODE_CHAR_NAME, name, sizeof name, &status) <= 0
            || std::strncmp(name, SmallCapital, sizeof SmallCapital - 1) != 0
            || std::strlen(name) != sizeof SmallCapital) // one letter after the prefix
            continue;
        const icu::UnicodeString source(c);
        UChar skeleton[64];
        const int32_t length = uspoof_getSkeleton(checker, 0, source.getBuffer(), source.length(),
                                                  skeleton, 64, &status);
        if (U_SUCCESS(status) && icu::UnicodeString(skeleton, length) == source)
            print(source, icu::UnicodeString(UChar32(name[sizeof SmallCapital - 1])));
    }
    uspoof_close(checker);
    return 0;
}
