// A program of its own that reuses NanoClaw's routing and queue rules from the NanoClaw.Core package:
// it decides which of its chat messages address the assistant, builds the agent prompt, and asks the
// group queue what to run, all without NanoClaw's daemon, store or containers.
using LanguageExt;
using NanoClaw.Core.Domain;
using NanoClaw.Core.Queue;
using NanoClaw.Core.Routing;
using static LanguageExt.Prelude;

var trigger = new TriggerMatcher("Andy");
ChatMessage Message(string id, string sender, string text, string at) =>
    new(id, "family@g.us", sender + "@s.whatsapp.net", sender, text, at, false, false, None);

var inbox = Seq(
    Message("m1", "Alice", "dinner at 7?", "2026-01-31T18:02:00.000Z"),
    Message("m2", "Bob", "@Andy what should we cook?", "2026-01-31T18:03:00.000Z"),
    Message("m3", "Carol", "@andy vegetarian please & quick", "2026-01-31T18:04:00.000Z"));

// Routing: which messages wake the assistant, and the prompt it would get for the whole batch.
foreach (var m in inbox) Console.WriteLine($"trigger {m.Id}: {trigger.Matches(m.Content)}");
Console.WriteLine(PromptFormatter.Format(inbox, TimeZoneInfo.Utc));

// Queue: at most two containers at once; a third group waits until one finishes.
var state = QueueState.Initial(maxConcurrent: 2);
QueueEvent[] events =
[
    new QueueEvent.MessagesArrived("family"),
    new QueueEvent.MessagesArrived("work"),
    new QueueEvent.MessagesArrived("club"),
    new QueueEvent.ContainerExited("family", RunOutcome.Success),
];
foreach (var e in events)
{
    (state, var commands) = GroupQueue.Update(state, e);
    Console.WriteLine($"queue {Describe(e)} -> {(commands.IsEmpty ? "(wait)" : string.Join(", ", commands.Map(Describe)))}");
}

static string Describe(object o) => o switch
{
    QueueEvent.MessagesArrived m => $"messages for {m.Group}",
    QueueEvent.ContainerExited x => $"{x.Group} finished ({x.Outcome})",
    QueueCommand c => $"{c.GetType().Name} {c.Group}",
    _ => o.ToString() ?? "",
};
