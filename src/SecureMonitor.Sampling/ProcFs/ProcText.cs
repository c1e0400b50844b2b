using System.Globalization;

namespace SecureMonitor.Sampling.ProcFs;

/// <summary>
/// Allocation-free tokenising of /proc text. The kernel writes these files in ASCII (interface
/// names excepted, which are opaque bytes), so parsers work on the raw bytes and never decode.
/// </summary>
internal static class ProcText
{
    /// <summary>Takes the next line off <paramref name="text"/> (without its '\n').</summary>
    public static bool TryReadLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty)
        {
            line = default;
            return false;
        }

        int newline = text.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = text;
            text = default;
        }
        else
        {
            line = text[..newline];
            text = text[(newline + 1)..];
        }

        return true;
    }

    /// <summary>Takes the next whitespace-separated token off <paramref name="line"/>.</summary>
    public static bool TryReadToken(ref ReadOnlySpan<byte> line, out ReadOnlySpan<byte> token)
    {
        int start = 0;
        while (start < line.Length && IsBlank(line[start]))
        {
            start++;
        }

        if (start == line.Length)
        {
            line = default;
            token = default;
            return false;
        }

        int end = start;
        while (end < line.Length && !IsBlank(line[end]))
        {
            end++;
        }

        token = line[start..end];
        line = line[end..];
        return true;
    }

    public static ReadOnlySpan<byte> TrimBlanks(ReadOnlySpan<byte> text)
    {
        int start = 0;
        while (start < text.Length && IsBlank(text[start]))
        {
            start++;
        }

        int end = text.Length;
        while (end > start && IsBlank(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Parses an unsigned decimal counter; no sign, no spaces, no overflow.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> token, out ulong value)
    {
        value = 0;
        if (token.IsEmpty || token.Length > 20)
        {
            return false;
        }

        foreach (byte b in token)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                value = 0;
                return false;
            }

            ulong next = unchecked((value * 10) + digit);
            if (value > ulong.MaxValue / 10 || next < value * 10)
            {
                value = 0;
                return false;
            }

            value = next;
        }

        return true;
    }

    public static ulong ParseUInt64(ReadOnlySpan<byte> token, string file, string what, ReadOnlySpan<byte> line)
    {
        if (!TryParseUInt64(token, out ulong value))
        {
            throw new ProcFormatException(file, $"{what} is not an unsigned integer", line);
        }

        return value;
    }

    public static bool TryParseHexByte(ReadOnlySpan<byte> token, out byte value)
    {
        return byte.TryParse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    public static double ParseDouble(ReadOnlySpan<byte> token, string file, string what, ReadOnlySpan<byte> line)
    {
        if (!double.TryParse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value))
        {
            throw new ProcFormatException(file, $"{what} is not a decimal number", line);
        }

        return value;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';
}
