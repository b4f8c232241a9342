using System.Collections;
using System.Collections.Immutable;
using LanguageExt;
using LanguageExt.ClassInstances;

namespace NanoClaw.Core.Queue;

/// <summary>
/// The queue's first-come line of waiting groups: an immutable FIFO with O(1) amortised enqueue and dequeue
/// (<see cref="ImmutableQueue{T}"/>, a banker's queue of two linked stacks) and a membership test in effectively constant time
/// (a LanguageExt hash-array-mapped trie kept beside it), holding exactly the groups that wait: nothing already dequeued is retained.
/// Two lines are equal when they hold the same groups in the same order.
/// </summary>
public sealed class WaitingLine : IReadOnlyCollection<string>, IEquatable<WaitingLine>
{
    private readonly ImmutableQueue<string> order;
    private readonly HashSet<EqStringOrdinal, string> members;

    private WaitingLine(ImmutableQueue<string> order, HashSet<EqStringOrdinal, string> members)
    {
        this.order = order;
        this.members = members;
    }

    /// <summary>The empty line.</summary>
    public static WaitingLine Empty { get; } = new(ImmutableQueue<string>.Empty, HashSet<EqStringOrdinal, string>.Empty);

    /// <summary>True when no group waits.</summary>
    public bool IsEmpty => order.IsEmpty;

    /// <summary>How many groups wait.</summary>
    public int Count => members.Count;

    /// <summary>The group that has waited longest; throws on an empty line.</summary>
    public string Head => order.Peek();

    /// <summary>True when <paramref name="group"/> waits (ordinal comparison).</summary>
    public bool Contains(string group) => members.Contains(group);

    /// <summary>The line with <paramref name="group"/> at the back; unchanged when it already waits.</summary>
    public WaitingLine Enqueue(string group) =>
        members.Contains(group) ? this : new(order.Enqueue(group), members.TryAdd(group));

    /// <summary>The line without its head; the empty line stays empty.</summary>
    public WaitingLine Dequeue() =>
        order.IsEmpty ? this : new(order.Dequeue(out var head), members.Remove(head));

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
