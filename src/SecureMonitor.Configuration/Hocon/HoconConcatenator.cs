using System.Text;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>
/// Joins adjacent resolved values: simple values into one string keeping the whitespace between
/// them, arrays into one array, objects by merging. Mixing kinds is an error at the first part
/// that does not fit.
/// </summary>
internal static class HoconConcatenator
{
    /// <returns>The joined value, or null when there are no parts (all were undefined).</returns>
    public static HoconValue? Concatenate(IReadOnlyList<ConcatenationPart> parts, string? appendedKey, HoconOrigin appendOrigin)
    {
        if (parts.Count == 0)
        {
            return null;
        }

        var first = parts[0].Value;
        if (appendedKey is not null && first.Kind != HoconValueKind.Array)
        {
            throw new HoconException(appendOrigin, $"'+=' appends to an array, but '{appendedKey}' holds {HoconValue.Describe(first.Kind)} (set at {first.Origin})");
        }

        if (parts.Count == 1)
        {
            return first;
        }

        var category = Category(first.Kind);
        for (var i = 1; i < parts.Count; i++)
        {
            var part = parts[i].Value;
            if (Category(part.Kind) != category)
            {
                throw new HoconException(part.Origin, $"cannot concatenate {HoconValue.Describe(parts[i - 1].Value.Kind)} with {HoconValue.Describe(part.Kind)}");
            }
        }

        return category switch
        {
            HoconValueKind.Object => MergeObjects(parts),
            HoconValueKind.Array => JoinArrays(parts),
            _ => JoinText(parts),
        };
    }

    private static HoconValueKind Category(HoconValueKind kind) =>
        kind is HoconValueKind.Object or HoconValueKind.Array ? kind : HoconValueKind.String;

    private static HoconObject MergeObjects(IReadOnlyList<ConcatenationPart> parts)
    {
        var merged = (HoconObject)parts[0].Value;
        for (var i = 1; i < parts.Count; i++)
        {
            merged = HoconMerger.Merge(merged, (HoconObject)parts[i].Value);
        }

        return merged;
    }

    private static HoconArray JoinArrays(IReadOnlyList<ConcatenationPart> parts)
    {
        var items = new List<HoconValue>();
        foreach (var part in parts)
        {
            var array = (HoconArray)part.Value;
            HoconSizeLimits.CheckArrayLength(items.Count + (long)array.Count, part.Value.Origin);
            items.AddRange(array.Items);
        }

        return new HoconArray(items, parts[0].Value.Origin);
    }

    private static HoconScalar JoinText(IReadOnlyList<ConcatenationPart> parts)
    {
        var text = new StringBuilder(((HoconScalar)parts[0].Value).ConcatenationText);
        for (var i = 1; i < parts.Count; i++)
        {
            var part = ((HoconScalar)parts[i].Value).ConcatenationText;
            HoconSizeLimits.CheckTextLength(text.Length + (long)parts[i].LeadingWhitespace.Length + part.Length, parts[i].Value.Origin);
            text.Append(parts[i].LeadingWhitespace).Append(part);
        }

        return HoconScalar.String(text.ToString(), parts[0].Value.Origin);
    }
}
