using Serilog;

namespace NanoClaw.Shell.Daemon;

/// <summary>
/// Runs file work on a group's agent-writable directories off the event-loop thread, per group in the order it was
/// queued (prepare → input → close). A group whose files hang or fail delays only its own later work; the loop and
/// every other group go on. One continuation chain per group on the thread pool; no thread is kept per group, and
/// a finished chain is forgotten.
/// </summary>
public sealed class GroupWorkQueue
{
    private readonly object gate = new();
    private readonly Dictionary<string, Task> tails = new(StringComparer.Ordinal);
    private readonly ILogger log;

    /// <param name="log">Where a failing work item is reported (it never breaks the chain).</param>
    public GroupWorkQueue(ILogger log) => this.log = log;

    /// <summary>Queues <paramref name="work"/> after everything queued before for <paramref name="key"/>.</summary>
    /// <returns>The item's task; it never faults (failures are logged).</returns>
    public Task Enqueue(string key, Action work) =>
        Chain(key, previous => previous.ContinueWith(_ => Run(key, work), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));

    /// <summary>
    /// Queues asynchronous <paramref name="work"/>: the group's later items wait until its task ends (e.g. a start that
    /// waits for the container runtime), without a thread blocked meanwhile.
    /// </summary>
    /// <returns>The item's task; it never faults (failures are logged).</returns>
    public Task Enqueue(string key, Func<Task> work) =>
        Chain(key, previous => previous.ContinueWith(_ => RunAsync(key, work), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap());

    private Task Chain(string key, Func<Task, Task> after)
    {
        lock (gate)
        {
            var previous = tails.TryGetValue(key, out var tail) ? tail : Task.CompletedTask;
            var next = after(previous);
            tails[key] = next;
            next.ContinueWith(_ =>
            {
                lock (gate)
                {
                    if (tails.TryGetValue(key, out var current) && current == next) tails.Remove(key);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return next;
        }
    }

    private async Task RunAsync(string key, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            log.Error("File work for {Folder} failed: {Error}", key, e.Message);
        }
    }

    private void Run(string key, Action work)
    {
        try
        {
            work();
        }
        catch (Exception e)
        {
            log.Error("File work for {Folder} failed: {Error}", key, e.Message);
        }
    }
}
