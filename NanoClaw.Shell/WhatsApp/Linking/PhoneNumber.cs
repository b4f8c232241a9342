using LanguageExt;
using static LanguageExt.Prelude;

namespace NanoClaw.Shell.WhatsApp.Linking;

/// <summary>The phone number for pairing-code linking: international format, digits only.</summary>
public static class PhoneNumber
{
    /// <summary>Accepts <c>+1 555-123 4567</c> style input; gives the digits, or why it is not a number.</summary>
    public static Either<string, string> Parse(string text)
    {
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        var junk = text.Where(c => !char.IsAsciiDigit(c) && c is not ('+' or ' ' or '-' or '(' or ')' or '.')).ToArray();
        if (junk.Length > 0) return Left<string, string>($"--phone: unexpected characters \"{new string(junk)}\"; give the number with country code, e.g. +15551234567");
        if (digits.Length is < 8 or > 15) return Left<string, string>("--phone: give the full number with country code (8 to 15 digits), e.g. +15551234567");
        return Right<string, string>(digits);
    }
}
