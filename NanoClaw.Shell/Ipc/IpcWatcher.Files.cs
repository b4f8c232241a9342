using System.Text;
using NanoClaw.Shell.SafeFs;

namespace NanoClaw.Shell.Ipc;

public sealed partial class IpcWatcher
{
    /// <summary>NAME_MAX (255) less ".reason.txt" and what WriteAtomically adds for its temporary name (".", ".", 16 hex digits, ".tmp").</summary>
    private const int MaxErrorsName = 255 - 11 - 22;

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
    /// <c>errors/&lt;folder&gt;-&lt;name&gt;</c> by renameat between handles. Its <c>.reason.txt</c> is written whole
    /// (temporary name, then rename) before the entry moves, so whoever sees the refused entry can read why. If it
    /// cannot be moved, it is removed, and so is the reason.
    /// </summary>
    private void MoveAside(IpcFile file, SafeDirectory directory, string reason)
    {
        lock (errorsGate)
        {
            var target = FreeErrorsName(file);
            var reasonName = target + ".reason.txt";
            var reasonWritten = false;
            try
            {
                errors.WriteAtomically(reasonName, Encoding.UTF8.GetBytes(reason + Environment.NewLine), ReasonFileMode);
                reasonWritten = true;
            }
            catch (SafeFsException e)
            {
                log.Error("Could not write the reason for {File}: {Error}", target, e.Message);
            }
            try
            {
                directory.Rename(file.Name, errors, target);
            }
            catch (SafeFsException e)
            {
                if (reasonWritten) ForgetReason(reasonName);
                if (e.Errno == Mono.Unix.Native.Errno.ENOENT) return; // gone meanwhile
                log.Error("Could not move bad IPC file {File} aside: {Error}", file.Path, e.Message);
                try { directory.Delete(file.Name); }
                catch (SafeFsException again) { log.Error("Could not remove bad IPC file {File}: {Error}", file.Path, again.Message); }
            }
        }
        log.Warning("IPC file {Folder}/{Dir}/{Name} refused: {Reason}", file.SourceFolder, file.Directory, file.Name, reason);
    }

    /// <summary><c>&lt;folder&gt;-&lt;name&gt;</c> if free; else with a unique part. A name too long for its <c>.reason.txt</c> keeps only the folder and a unique part.</summary>
    private string FreeErrorsName(IpcFile file)
    {
        var target = $"{file.SourceFolder}-{file.Name}";
        if (Encoding.UTF8.GetByteCount(target) > MaxErrorsName) return $"{file.SourceFolder}-{Guid.NewGuid():N}";
        bool taken;
        try { taken = errors.Kind(target) != EntryKind.Missing || errors.Kind(target + ".reason.txt") != EntryKind.Missing; }
        catch (SafeFsException) { taken = true; }
        if (!taken) return target;
        target = $"{file.SourceFolder}-{Guid.NewGuid():N}-{file.Name}";
        return Encoding.UTF8.GetByteCount(target) > MaxErrorsName ? $"{file.SourceFolder}-{Guid.NewGuid():N}" : target;
    }

    private void ForgetReason(string reasonName)
    {
        try { errors.Delete(reasonName); }
        catch (SafeFsException e) { log.Error("Could not remove the reason {File}: {Error}", reasonName, e.Message); }
    }
}
