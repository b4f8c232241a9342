using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace NanoClaw.Shell.Logging;

/// <summary>
/// Wraps the real sinks: every event's template text, property values (nested ones included) and exception
/// text pass through the <see cref="SecretRedactor"/> before any sink sees them, so a secret cannot be
/// logged however it got into the event. The same pass escapes control characters (<see cref="LogText"/>), so a
/// string from a chat or an agent cannot forge a log line in the console or the file.
/// </summary>
public sealed class RedactingSink(ILogEventSink inner, SecretRedactor redactor) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        var template = logEvent.MessageTemplate.Text;
        var cleanTemplate = LogText.Escape(redactor.Redact(template));
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Clean(p.Value)));
        var exception = logEvent.Exception;
        if (exception is not null)
        {
            var original = exception.ToString();
            var cleaned = LogText.EscapeBlock(redactor.Redact(original));
            if (cleaned != original) exception = new RedactedException(cleaned, exception);
        }
        inner.Emit(new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            cleanTemplate == template ? logEvent.MessageTemplate : Parser.Parse(cleanTemplate),
            properties));
    }

    private LogEventPropertyValue Clean(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(Text(s)),
        // Numbers, flags, times, ids and enums render without control characters; keep their type for formatting.
        ScalarValue { Value: null or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
            or DateTime or DateTimeOffset or TimeSpan or Guid or Enum } scalar => scalar is { Value: char ch } && LogText.NeedsEscape(ch)
            ? new ScalarValue(LogText.Escape(ch.ToString()))
            : scalar,
        // Anything else is rendered with ToString() (records, Uri, exceptions…), which may carry raw agent text.
        ScalarValue scalar => new ScalarValue(Text(scalar.Value.ToString() ?? "")),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Clean)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Clean(p.Value))), st.TypeTag),
        DictionaryValue dict => new DictionaryValue(dict.Elements.Select(kv =>
            new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Clean(kv.Key), Clean(kv.Value)))),
        _ => new ScalarValue(Text(value.ToString())),
    };

    private string Text(string s) => LogText.Escape(redactor.Redact(s));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Stands in for an exception whose text held a secret or control characters: sinks print this text instead.</summary>
    private sealed class RedactedException(string redactedText, Exception original) : Exception(original.GetType().FullName)
    {
        public override string ToString() => redactedText;
        public override string? StackTrace => null;
    }
}
