using System.Collections;
using System.Collections.Immutable;

namespace NanoClaw.Core.Queue;

/// <summary>
/// The queue's first-come line of waiting groups: an immutable FIFO with O(1) amortised enqueue and dequeue
/// (<see cref="ImmutableQueue{T}"/>, a banker's queue of two linked stacks) and a running count, holding exactly the groups that
/// wait: nothing already dequeued is retained. Two lines are equal when they hold the same groups in the same order.
/// The group queue knows who waits without asking the line (a group waits exactly when it has work and no container), so the
/// line keeps no membership set: <see cref="Contains"/> and <see cref="Enqueue"/> walk it, and the queue appends without the walk.
/// </summary>
public sealed class WaitingLine : IReadOnlyCollection<string>, IEquatable<WaitingLine>
{
    private readonly ImmutableQueue<string> order;
    private readonly int count;

    private WaitingLine(ImmutableQueue<string> order, int count)
    {
        this.order = order;
        this.count = count;
    }

    /// <summary>The empty line.</summary>
    public static WaitingLine Empty { get; } = new(ImmutableQueue<string>.Empty, 0);

    /// <summary>True when no group waits.</summary>
    public bool IsEmpty => order.IsEmpty;

    /// <summary>How many groups wait.</summary>
    public int Count => count;

    /// <summary>The group that has waited longest; throws on an empty line.</summary>
    public string Head => order.Peek();

    /// <summary>True when <paramref name="group"/> waits (ordinal comparison; walks the line).</summary>
    public bool Contains(string group)
    {
        foreach (var waiting in order)
            if (string.Equals(waiting, group, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The line with <paramref name="group"/> at the back; unchanged when it already waits (walks the line).</summary>
    public WaitingLine Enqueue(string group) => Contains(group) ? this : Append(group);

    /// <summary>The line with <paramref name="group"/> at the back; the caller knows it does not wait yet.</summary>
    internal WaitingLine Append(string group) => new(order.Enqueue(group), count + 1);

    /// <summary>The line without its head; the empty line stays empty.</summary>
    public WaitingLine Dequeue() =>
        order.IsEmpty ? this : new(order.Dequeue(), count - 1);

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)order).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(WaitingLine? other) =>
        other is not null && (ReferenceEquals(this, other) || (Count == other.Count && this.SequenceEqual(other, StringComparer.Ordinal)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as WaitingLine);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var group in order) hash.Add(group, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", order)}]";
}
