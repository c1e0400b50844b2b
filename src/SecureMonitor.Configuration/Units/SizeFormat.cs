using System.Diagnostics.CodeAnalysis;

namespace SecureMonitor.Configuration.Units;

/// <summary>
/// HOCON sizes in bytes: <c>100B</c>, <c>512KiB</c>, <c>64MB</c>, <c>1GiB</c>, <c>1k</c>. As in the
/// spec, kB/MB/GB/TB are powers of 1000 and K/Ki/KiB (M, G, T alike) powers of 1024; a bare
/// number is bytes. The result must be a whole number of bytes.
/// </summary>
public static class SizeFormat
{
    public const string UnitList = "B, kB, MB, GB, TB (powers of 1000), K/KiB, M/MiB, G/GiB, T/TiB (powers of 1024)";

    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildUnits();

    public static bool TryParse(string text, out long bytes, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        if (!QuantityText.TrySplit(text, out var number, out var unit, out error))
        {
            return false;
        }

        if (!BytesPerUnit.TryGetValue(unit, out var factor))
        {
            error = $"unknown size unit '{unit}' (expected {UnitList})";
            return false;
        }

        if (!QuantityText.TryScale(number, factor, long.MaxValue, out var scaled))
        {
            error = $"the size is too large (the maximum is {long.MaxValue} bytes)";
            return false;
        }

        if (scaled != decimal.Truncate(scaled))
        {
            error = $"the size is not a whole number of bytes ({scaled} B)";
            return false;
        }

        bytes = (long)scaled;
        return true;
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal factor, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, factor);
            }
        }

        Add(1m, "", "B", "b", "byte", "bytes");
        string[] decimalNames = ["kB", "MB", "GB", "TB"];
        string[] decimalLong = ["kilobyte", "megabyte", "gigabyte", "terabyte"];
        string[] binaryShort = ["K", "M", "G", "T"];
        string[] binaryLong = ["kibibyte", "mebibyte", "gibibyte", "tebibyte"];
        decimal thousands = 1, kibis = 1;
        for (var i = 0; i < 4; i++)
        {
            thousands *= 1000;
            kibis *= 1024;
            Add(thousands, decimalNames[i], decimalLong[i], decimalLong[i] + "s");
            var letter = binaryShort[i];
            Add(kibis, letter, letter.ToLowerInvariant(), letter + "i", letter + "iB", binaryLong[i], binaryLong[i] + "s");
        }

        return units;
    }
}
