using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SecureMonitor.Configuration.Units;

/// <summary>Splits "250ms", "1.5 GiB" into a non-negative number and a unit.</summary>
internal static class QuantityText
{
    public static bool TrySplit(string text, out decimal number, out string unit, [NotNullWhen(false)] out string? error)
    {
        number = 0;
        unit = "";
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            error = "the value is empty";
            return false;
        }

        if (trimmed[0] == '-')
        {
            error = "negative values are not allowed";
            return false;
        }

        var end = 0;
        while (end < trimmed.Length && (char.IsAsciiDigit(trimmed[end]) || trimmed[end] == '.'))
        {
            end++;
        }

        var digits = trimmed[..end];
        if (digits.IsEmpty || digits[0] == '.' || digits[^1] == '.' || digits.Count('.') > 1)
        {
            error = "expected a number followed by a unit";
            return false;
        }

        if (!decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
        {
            error = "the number is too large";
            return false;
        }

        unit = trimmed[end..].TrimStart().ToString();
        error = null;
        return true;
    }

    /// <summary>number × factor, or false on overflow past <paramref name="maximum"/>.</summary>
    public static bool TryScale(decimal number, decimal factor, decimal maximum, out decimal scaled)
    {
        try
        {
            scaled = number * factor;
        }
        catch (OverflowException)
        {
            scaled = 0;
            return false;
        }

        return scaled <= maximum;
    }
}
