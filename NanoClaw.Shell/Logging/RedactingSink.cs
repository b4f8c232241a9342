using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace NanoClaw.Shell.Logging;

/// <summary>
/// Wraps the real sinks: every event's template text, property values (nested ones included) and exception
/// text pass through the <see cref="SecretRedactor"/> before any sink sees them, so a secret cannot be
/// logged however it got into the event.
/// </summary>
public sealed class RedactingSink(ILogEventSink inner, SecretRedactor redactor) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent)
    {
        if (redactor.IsEmpty)
        {
            inner.Emit(logEvent);
            return;
        }
        var template = logEvent.MessageTemplate.Text;
        var redactedTemplate = redactor.Redact(template);
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value)));
        var exception = logEvent.Exception is { } e && redactor.Redact(e.ToString()) is var text && text != e.ToString()
            ? new RedactedException(text, e)
            : logEvent.Exception;
        inner.Emit(new LogEvent(
            logEvent.Timestamp,
            logEvent.Level,
            exception,
            ReferenceEquals(redactedTemplate, template) || redactedTemplate == template ? logEvent.MessageTemplate : Parser.Parse(redactedTemplate),
            properties));
    }

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } => new ScalarValue(redactor.Redact(s)),
        ScalarValue { Value: Uri or Exception } scalar => new ScalarValue(redactor.Redact(scalar.Value.ToString() ?? "")),
        ScalarValue scalar => scalar,
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Redact)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), st.TypeTag),
        DictionaryValue dict => new DictionaryValue(dict.Elements.Select(kv =>
            new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Redact(kv.Key), Redact(kv.Value)))),
        _ => new ScalarValue(redactor.Redact(value.ToString())),
    };

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Stands in for an exception whose text held a secret: sinks print this redacted text instead.</summary>
    private sealed class RedactedException(string redactedText, Exception original) : Exception(original.GetType().FullName)
    {
        public override string ToString() => redactedText;
        public override string? StackTrace => null;
    }
}
