using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using NanoClaw.Core.Containers;

namespace NanoClaw.Tests.Agent;

/// <summary>
/// A running agent runner (on the host or inside the image): writes the stdin JSON, then parses output records
/// from stdout as they stream. stderr and non-record stdout are kept for failure messages.
/// </summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<ContainerOutput> _records = Channel.CreateUnbounded<ContainerOutput>();
    private readonly StringBuilder _log = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private RunnerProcess(Process process)
    {
        _process = process;
        _stdout = Task.Run(ReadStdoutAsync);
        _stderr = Task.Run(ReadStderrAsync);
    }

    public static RunnerProcess Start(ProcessStartInfo info, ContainerInput input)
    {
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + info.FileName);
        process.StandardInput.Write(ContainerJson.Serialize(input));
        process.StandardInput.Close();
        return new RunnerProcess(process);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL to the process the test started (for the image: the podman client, not the container).</summary>
    public void KillClient() => _process.Kill(entireProcessTree: false);

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The next output record; fails with the runner's log if none comes in time.</summary>
    public async Task<ContainerOutput> NextRecordAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            return await _records.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no output record in time. Runner log:\n" + Log);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("the runner ended without another record. Runner log:\n" + Log);
        }
    }

    /// <summary>Waits for the turn to finish: records up to and including the one with no result.</summary>
    public async Task<IReadOnlyList<ContainerOutput>> NextTurnAsync(TimeSpan? timeout = null)
    {
        var turn = new List<ContainerOutput>();
        while (true)
        {
            var record = await NextRecordAsync(timeout);
            turn.Add(record);
            if (record.Status == OutputStatus.Error)
                throw new InvalidOperationException($"error record: {record.Error.IfNone("")}\nRunner log:\n{Log}");
            if (record.Result.IsNone) return turn;
        }
    }

    /// <summary>Exit code, or a timeout with the log.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdout, _stderr);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the runner did not exit. Runner log:\n" + Log);
        }
    }

    /// <summary>Records printed after the ones already read (used once the process has exited).</summary>
    public IReadOnlyList<ContainerOutput> RemainingRecords()
    {
        var rest = new List<ContainerOutput>();
        while (_records.Reader.TryRead(out var r)) rest.Add(r);
        return rest;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        StringBuilder? json = null;
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == OutputMarkers.Start) { json = new StringBuilder(); continue; }
            if (line == OutputMarkers.End && json is not null)
            {
                var parsed = ContainerJson.ParseOutput(json.ToString());
                parsed.Match(r => _records.Writer.TryWrite(r), e => Append("[bad record] " + e));
                json = null;
                continue;
            }
            if (json is not null) json.Append(line);
            else Append("[stdout] " + line);
        }
        _records.Writer.TryComplete();
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line) Append(line);
    }

    private void Append(string line)
    {
        lock (_log) _log.AppendLine(line);
    }
}
