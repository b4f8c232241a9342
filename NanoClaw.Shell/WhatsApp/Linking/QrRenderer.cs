using QRCoder;

namespace NanoClaw.Shell.WhatsApp.Linking;

/// <summary>Draws a QR code for a terminal with half-block characters (two module rows per text line).</summary>
public static class QrRenderer
{
    public static string Render(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.L);
        // Light modules are drawn as blocks, so the code reads correctly on the usual dark terminal.
        return new AsciiQRCode(data).GetGraphicSmall(true, false, "\n");
    }
}
