using NanoClaw.Core.Channels;
using NanoClaw.Core.Routing;
using Serilog;

namespace NanoClaw.Shell.Daemon;

/// <summary>Sends text and typing state through whichever channel owns the chat.</summary>
public sealed class OutboundRouter(IReadOnlyList<IChannel> channels, ILogger log)
{
    public IReadOnlyList<IChannel> Channels => channels;

    public async Task SendAsync(string jid, string text, CancellationToken token = default)
    {
        if (ChannelRouting.Select(channels, jid).Case is IChannel channel)
        {
            try
            {
                await channel.SendAsync(jid, text, token);
                log.Information("Sent {Length} chars to {Jid} via {Channel}", text.Length, jid, channel.Name);
            }
            catch (Exception e)
            {
                log.Error("Sending to {Jid} via {Channel} failed: {Error}", jid, channel.Name, e.Message);
            }
        }
        else
        {
            log.Warning("No channel owns {Jid}; message dropped", jid);
        }
    }

    /// <summary>Queues a file on the channel that owns the chat; the reason when none can send files.</summary>
    public async Task<string?> SendFileAsync(string jid, OutgoingFile file, CancellationToken token = default)
    {
        var selected = ChannelRouting.Select(channels, jid).Case as IChannel;
        if (selected is null) return $"refused: no channel owns chat '{jid}'";
        if (selected is not IFileChannel files) return $"refused: the {selected.Name} channel cannot send files";
        await files.SendFileAsync(jid, file, token);
        log.Information("Queued a {Kind} file ({Mime}) for {Jid} via {Channel}", file.Kind, file.Mime, jid, selected.Name);
        return null;
    }

    public async Task SetTypingAsync(string jid, bool on)
    {
        if (ChannelRouting.Select(channels, jid).Case is not IChannel channel) return;
        try
        {
            await channel.SetTypingAsync(jid, on, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.Debug("Typing indicator for {Jid} failed: {Error}", jid, e.Message);
        }
    }
}
