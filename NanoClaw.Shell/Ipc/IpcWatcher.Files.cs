using System.Text;
using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Ipc;

public sealed partial class IpcWatcher
{
    /// <summary>NAME_MAX (255) less ".reason.txt".</summary>
    private const int MaxErrorsName = 255 - 11;

    private const UnixFileMode ReasonFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Reads one file through the inbox handle, hands it to the handler, then unlinks it or moves it aside.</summary>
    private async Task ProcessAsync(IpcInbox inbox, SafeDirectory directory, string name)
    {
        var file = new IpcFile(inbox.Group.Folder, inbox.Directory, Path.Combine(inbox.Path, name), name);
        string? failure;
        switch (directory.ReadFile(name, MaxFileBytes))
        {
            case SafeRead.Refused { Missing: true }:
                return; // handled or removed meanwhile
            case SafeRead.Refused refused:
                MoveAside(file, directory, refused.Reason);
                return;
            case SafeRead.Ok ok:
                try
                {
                    failure = await handle(file, Decode(ok.Bytes));
                }
                catch (Exception e)
                {
                    failure = $"{e.GetType().Name}: {e.Message}";
                }
                break;
            default:
                return;
        }
        if (failure is not null)
        {
            MoveAside(file, directory, failure);
            return;
        }
        try
        {
            // Relative to the pinned handle: swapping messages/ for a link meanwhile cannot redirect this (F6).
            directory.Delete(name);
        }
        catch (SafeFsException e)
        {
            log.Error("Could not remove handled IPC file {File}: {Error}", file.Path, e.Message);
        }
    }

    /// <summary>Text as File.ReadAllText decodes it: UTF-8 unless a byte order mark says otherwise.</summary>
    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Moves a refused entry (whatever it is: file, link, FIFO, directory; never opened or followed) to
    /// <c>errors/&lt;folder&gt;-&lt;name&gt;</c> by renameat between handles, with <c>.reason.txt</c> created exclusively
    /// beside it. If it cannot be moved, it is removed.
    /// </summary>
    private void MoveAside(IpcFile file, SafeDirectory directory, string reason)
    {
        lock (errorsGate)
        {
            string? target = $"{file.SourceFolder}-{file.Name}";
            try
            {
                // A name too long for "<folder>-<name>.reason.txt" keeps only the folder and a unique part.
                if (Encoding.UTF8.GetByteCount(target) > MaxErrorsName) target = $"{file.SourceFolder}-{Guid.NewGuid():N}";
                else if (errors.Kind(target) != EntryKind.Missing || errors.Kind(target + ".reason.txt") != EntryKind.Missing)
                    target = $"{file.SourceFolder}-{Guid.NewGuid():N}-{file.Name}";
                if (Encoding.UTF8.GetByteCount(target) > MaxErrorsName) target = $"{file.SourceFolder}-{Guid.NewGuid():N}";
                directory.Rename(file.Name, errors, target);
            }
            catch (SafeFsException e) when (e.Errno == Mono.Unix.Native.Errno.ENOENT)
            {
                return; // gone meanwhile
            }
            catch (SafeFsException e)
            {
                log.Error("Could not move bad IPC file {File} aside: {Error}", file.Path, e.Message);
                try { directory.Delete(file.Name); }
                catch (SafeFsException again) { log.Error("Could not remove bad IPC file {File}: {Error}", file.Path, again.Message); }
                target = null;
            }
            if (target is not null)
            {
                try
                {
                    errors.CreateFile(target + ".reason.txt", Encoding.UTF8.GetBytes(reason + Environment.NewLine), ReasonFileMode);
                }
                catch (SafeFsException e)
                {
                    log.Error("Could not write the reason for {File}: {Error}", target, e.Message);
                }
            }
        }
        log.Warning("IPC file {Folder}/{Dir}/{Name} refused: {Reason}", file.SourceFolder, file.Directory, file.Name, reason);
    }
}
