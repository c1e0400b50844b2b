using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Network;

/// <summary>The counters of one interface since boot (or since the interface was created).</summary>
public readonly record struct InterfaceCounters(string Name, ulong RxBytes, ulong RxPackets, ulong TxBytes, ulong TxPackets);

/// <summary>
/// /proc/net/dev: two header lines, then "  name: 8 receive counters 8 transmit counters".
/// Interface names cannot contain ':' or blanks (the kernel's dev_valid_name), so the first ':'
/// ends the name.
/// </summary>
public static class NetDevParser
{
    private const string File = "/proc/net/dev";
    private const int ReceiveFields = 8;
    private const int TransmitFields = 8;
    private const int MaxNameBytes = 64; // IFNAMSIZ is 16; leave room

    public static IReadOnlyList<InterfaceCounters> Parse(string text)
    {
        var interfaces = new List<InterfaceCounters>();
        ParseInto(Encoding.UTF8.GetBytes(text), interfaces);
        return interfaces;
    }

    /// <summary>
    /// Parses into a caller-owned list (cleared first). <paramref name="names"/> interns the
    /// interface names so that a sampler does not allocate them again every second.
    /// </summary>
    public static void ParseInto(ReadOnlySpan<byte> text, List<InterfaceCounters> interfaces, InterfaceNameTable? names = null)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        interfaces.Clear();
        Span<ulong> values = stackalloc ulong[ReceiveFields + TransmitFields];
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            int colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                if (line.IndexOf((byte)'|') >= 0 || ProcText.TrimBlanks(line).IsEmpty)
                {
                    continue; // the two header lines ("Inter-|   Receive ...", " face |bytes ...")
                }

                throw new ProcFormatException(File, "a line is neither a header nor \"name: counters\"", line);
            }

            ReadOnlySpan<byte> name = ProcText.TrimBlanks(line[..colon]);
            if (name.IsEmpty || name.Length > MaxNameBytes)
            {
                throw new ProcFormatException(File, "an interface name is empty or too long", line);
            }

            ReadOnlySpan<byte> rest = line[(colon + 1)..];
            int count = 0;
            while (count < values.Length && ProcText.TryReadToken(ref rest, out ReadOnlySpan<byte> token))
            {
                values[count++] = ProcText.ParseUInt64(token, File, "an interface counter", line);
            }

            if (count < values.Length)
            {
                throw new ProcFormatException(File, $"an interface has {count} counters; expected {values.Length}", line);
            }

            string interned = names is null ? Encoding.UTF8.GetString(name) : names.Get(name);
            interfaces.Add(new InterfaceCounters(interned, RxBytes: values[0], RxPackets: values[1],
                TxBytes: values[ReceiveFields], TxPackets: values[ReceiveFields + 1]));
        }
    }
}

/// <summary>Interns interface names read as bytes, so the same name is one string for ever.</summary>
public sealed class InterfaceNameTable
{
    // Interfaces come and go (containers' veth pairs); forget them all past this many rather
    // than grow without bound.
    private const int MaxNames = 4096;

    private readonly Dictionary<string, string> names = new(StringComparer.Ordinal);

    public string Get(ReadOnlySpan<byte> utf8Name)
    {
        Span<char> chars = stackalloc char[Encoding.UTF8.GetMaxCharCount(utf8Name.Length)];
        ReadOnlySpan<char> name = chars[..Encoding.UTF8.GetChars(utf8Name, chars)];
        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out string? existing))
        {
            return existing;
        }

        if (names.Count >= MaxNames)
        {
            names.Clear();
        }

        string created = name.ToString();
        names.Add(created, created);
        return created;
    }
}
