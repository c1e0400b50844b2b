using System.Text;
using SecureMonitor.Sampling.ProcFs;

namespace SecureMonitor.Sampling.Tcp;

/// <summary>
/// /proc/net/snmp and /proc/net/netstat: each section is a pair of lines, names then values,
/// both starting with the section's prefix:
/// <code>
/// Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ... RetransSegs InErrs OutRsts InCsumErrors
/// Tcp: 1 200 120000 -1 122 ... 15 0 80 0
/// </code>
/// Columns are found by name, never by position: kernels add counters over time.
/// </summary>
public static class SnmpCounterParser
{
    /// <summary>
    /// The value of counter <paramref name="counter"/> in section <paramref name="section"/>
    /// (without the colon, e.g. "TcpExt"), or null when this kernel does not have it.
    /// </summary>
    /// <exception cref="ProcFormatException">The section's names and values do not pair up.</exception>
    public static ulong? Find(string text, string section, string counter, string file = "/proc/net/snmp")
        => Find(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(section), Encoding.UTF8.GetBytes(counter), file);

    public static ulong? Find(ReadOnlySpan<byte> text, ReadOnlySpan<byte> section, ReadOnlySpan<byte> counter, string file)
    {
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> names))
        {
            ReadOnlySpan<byte> nameRest = names;
            if (!ProcText.TryReadToken(ref nameRest, out ReadOnlySpan<byte> prefix) || !IsSection(prefix, section))
            {
                continue;
            }

            if (!ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> values))
            {
                throw new ProcFormatException(file, $"section {Encoding.UTF8.GetString(section)} has names but no values line", names);
            }

            ReadOnlySpan<byte> valueRest = values;
            if (!ProcText.TryReadToken(ref valueRest, out ReadOnlySpan<byte> valuePrefix) || !IsSection(valuePrefix, section))
            {
                throw new ProcFormatException(file, $"the line after section {Encoding.UTF8.GetString(section)}'s names is not its values", values);
            }

            while (ProcText.TryReadToken(ref nameRest, out ReadOnlySpan<byte> name))
            {
                if (!ProcText.TryReadToken(ref valueRest, out ReadOnlySpan<byte> value))
                {
                    throw new ProcFormatException(file, $"section {Encoding.UTF8.GetString(section)} has fewer values than names", values);
                }

                if (name.SequenceEqual(counter))
                {
                    return ProcText.ParseUInt64(value, file, $"counter {Encoding.UTF8.GetString(counter)}", values);
                }
            }

            return null;
        }

        return null;
    }

    private static bool IsSection(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> section)
        => prefix.Length == section.Length + 1 && prefix[^1] == (byte)':' && prefix.StartsWith(section);
}
