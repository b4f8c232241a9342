namespace NanoClaw.Tests.Shell.Containers;

/// <summary>
/// A fake container CLI: a shell script that records each call's arguments (one line per call) and the stdin of
/// <c>run</c>, then behaves as the test scripted. Stands in for the runtime where no real container is needed.
/// </summary>
internal sealed class FakeRuntime : IDisposable
{
    public FakeRuntime(string run = "exit 0", string info = "exit 0", string system = "exit 0", string list = "exit 0", string stop = "exit 0")
    {
        Dir = Path.Combine(Path.GetTempPath(), "nanoclaw-fakert-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        Executable = Path.Combine(Dir, "fake-runtime");
        File.WriteAllText(Executable, $$"""
            #!/bin/sh
            D='{{Dir}}'
            printf '%s\n' "$*" >> "$D/calls.log"
            case "$1" in
              run) cat > "$D/stdin.json"; {{run}} ;;
              info) {{info}} ;;
              system) {{system}} ;;
              ps|ls) {{list}} ;;
              stop) {{stop}} ;;
              kill) exit 0 ;;
              --version) exit 0 ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Dir { get; }
    public string Executable { get; }

    public string[] Calls => File.Exists(Path.Combine(Dir, "calls.log")) ? File.ReadAllLines(Path.Combine(Dir, "calls.log")) : [];
    public string Stdin => File.ReadAllText(Path.Combine(Dir, "stdin.json"));

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
