namespace NanoClaw.Shell.CredentialProxy;

/// <summary>
/// The proxy's host-only socket directory: checked and created apart from the server, so a lazily started proxy
/// (<see cref="ContainerCredentials"/>) still refuses a bad directory when the daemon starts, without loading Kestrel.
/// </summary>
internal static class ProxySocketDir
{
    /// <summary>Creates <paramref name="dir"/> (0700), refuses a symbolic link, removes sockets a dead daemon left.</summary>
    public static void Prepare(string dir)
    {
        var info = new DirectoryInfo(dir);
        if (info.LinkTarget is not null) throw new IOException($"{dir} is a symbolic link; the proxy's socket directory must be a real directory");
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the credential proxy needs Unix sockets with file modes");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Sockets of a daemon that died without cleaning up.
        foreach (var stale in Directory.EnumerateFiles(dir, "*.sock")) File.Delete(stale);
    }
}
