using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace NanoClaw.Shell.Dashboard;

/// <summary>
/// The dashboard's access token and chosen port, kept host-only in the store directory (never <c>data/</c> or
/// <c>groups/</c>, which containers see parts of): <c>store/dashboard.token</c> (32 random bytes, base64url, 0600,
/// made at the first start and kept) and <c>store/dashboard.port</c> (written while the dashboard listens).
/// </summary>
public static class DashboardToken
{
    public const string TokenFile = "dashboard.token";
    public const string PortFile = "dashboard.port";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The stored token, or a new one stored now (also when the file is not a plain file holding a token).</summary>
    public static string LoadOrCreate(string storeDir)
    {
        Directory.CreateDirectory(storeDir);
        var path = Path.Combine(storeDir, TokenFile);
        if (Read(storeDir) is { } existing) return existing;
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        WritePrivate(path, token + "\n");
        return token;
    }

    /// <summary>The stored token, or null when there is none (or it is not a plain file holding one).</summary>
    public static string? Read(string storeDir)
    {
        var path = Path.Combine(storeDir, TokenFile);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > 200) return null;
        var text = File.ReadAllText(path).Trim();
        return IsWellFormed(text) ? text : null;
    }

    /// <summary>43 base64url characters (32 bytes).</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Constant-time comparison of an offered token with the real one.</summary>
    public static bool Matches(string? offered, string token) =>
        offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(token));

    /// <summary>Records the port the dashboard listens on.</summary>
    public static void WritePort(string storeDir, int port) => WritePrivate(Path.Combine(storeDir, PortFile), port + "\n");

    /// <summary>The recorded port, or null.</summary>
    public static int? ReadPort(string storeDir)
    {
        var path = Path.Combine(storeDir, PortFile);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > 20) return null;
        return int.TryParse(File.ReadAllText(path).Trim(), out var port) && port is > 0 and <= 65535 ? port : null;
    }

    /// <summary>Forgets the port (the dashboard stopped).</summary>
    public static void DeletePort(string storeDir)
    {
        try { File.Delete(Path.Combine(storeDir, PortFile)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // Written to a fresh 0600 file and renamed over, so a link planted at the name is replaced, never followed.
    private static void WritePrivate(string path, string text)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var f = new FileStream(temp, options)) f.Write(Encoding.UTF8.GetBytes(text));
        File.Move(temp, path, overwrite: true);
    }
}
