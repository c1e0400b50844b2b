using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Memory;

/// <summary>/proc/meminfo (proc(5)): "Name:   value kB" per line.</summary>
public static class MemInfoParser
{
    private const string File = "/proc/meminfo";

    public static MemInfo Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static MemInfo Parse(ReadOnlySpan<byte> text)
    {
        ulong? memTotal = null, memFree = null, memAvailable = null, cached = null, activeFile = null;
        ulong? inactiveFile = null, sReclaimable = null, swapTotal = null, swapFree = null;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                if (ProcText.TrimBlanks(line).IsEmpty)
                {
                    continue;
                }

                throw new ProcFormatException(File, "a line has no \"name:\"", line);
            }

            ReadOnlySpan<byte> name = line[..colon];
            if (name.SequenceEqual("MemTotal"u8)) { Store(ref memTotal, line, colon); }
            else if (name.SequenceEqual("MemFree"u8)) { Store(ref memFree, line, colon); }
            else if (name.SequenceEqual("MemAvailable"u8)) { Store(ref memAvailable, line, colon); }
            else if (name.SequenceEqual("Cached"u8)) { Store(ref cached, line, colon); }
            else if (name.SequenceEqual("Active(file)"u8)) { Store(ref activeFile, line, colon); }
            else if (name.SequenceEqual("Inactive(file)"u8)) { Store(ref inactiveFile, line, colon); }
            else if (name.SequenceEqual("SReclaimable"u8)) { Store(ref sReclaimable, line, colon); }
            else if (name.SequenceEqual("SwapTotal"u8)) { Store(ref swapTotal, line, colon); }
            else if (name.SequenceEqual("SwapFree"u8)) { Store(ref swapFree, line, colon); }
        }

        return new MemInfo(memTotal, memFree, memAvailable, cached, activeFile, inactiveFile, sReclaimable, swapTotal, swapFree);
    }

    private static void Store(ref ulong? field, ReadOnlySpan<byte> line, int colon)
    {
        ReadOnlySpan<byte> rest = line[(colon + 1)..];
        if (!ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> value))
        {
            throw new ProcFormatException(File, "a field has no value", line);
        }

        field = ProcText.ParseUInt64(value, File, "a field's value", line);
    }
}

/// <summary>
/// The "low" watermarks of /proc/zoneinfo, summed over all zones, in pages: only needed to
/// estimate available memory on kernels older than 3.14.
/// </summary>
public static class ZoneInfoParser
{
    private const string File = "/proc/zoneinfo";

    public static ulong SumLowWatermarkPages(string text) => SumLowWatermarkPages(Encoding.UTF8.GetBytes(text));

    public static ulong SumLowWatermarkPages(ReadOnlySpan<byte> text)
    {
        ulong sum = 0;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            ReadOnlySpan<byte> rest = line;
            if (ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> name) && name.SequenceEqual("low"u8)
                && ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> value))
            {
                sum += ProcText.ParseUInt64(value, File, "a low watermark", line);
            }
        }

        return sum;
    }
}
