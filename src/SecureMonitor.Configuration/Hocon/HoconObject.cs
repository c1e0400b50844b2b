using System.Diagnostics.CodeAnalysis;

namespace SecureMonitor.Configuration.Hocon;

/// <summary>An object: fields in the order their keys first appeared.</summary>
public sealed class HoconObject : HoconValue
{
    private readonly OrderedDictionary<string, HoconValue> fields = new(StringComparer.Ordinal);

    // Set once the resolver has resolved every field, so that shared objects are walked once.
    private bool knownResolved;

    internal HoconObject(HoconOrigin origin)
        : base(origin)
    {
    }

    public override HoconValueKind Kind => HoconValueKind.Object;

    public int Count => fields.Count;

    public IEnumerable<string> Keys => fields.Keys;

    public IEnumerable<KeyValuePair<string, HoconValue>> Fields => fields;

    public HoconValue this[string key] => fields[key];

    internal override bool IsResolved => knownResolved || fields.Values.All(value => value.IsResolved);

    internal bool IsKnownResolved => knownResolved;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out HoconValue value) =>
        fields.TryGetValue(key, out value);

    /// <summary>
    /// The value at a HOCON path such as <c>monitor.listen.port</c> or <c>"a.b".c</c>, or null.
    /// </summary>
    public HoconValue? Find(string path)
    {
        HoconValue current = this;
        foreach (var segment in HoconPath.Parse(path).Segments)
        {
            if (current is not HoconObject obj || !obj.TryGetValue(segment, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// Every leaf below this object, depth first in field order: scalars, and empty objects or
    /// arrays (so that a display shows them too). Array elements have their index as segment.
    /// </summary>
    public IEnumerable<HoconLeaf> EnumerateLeaves()
    {
        var segments = new List<string>();
        return Walk(this, segments);

        static IEnumerable<HoconLeaf> Walk(HoconValue value, List<string> segments)
        {
            switch (value)
            {
                case HoconObject { Count: > 0 } obj:
                    foreach (var (key, child) in obj.fields)
                    {
                        segments.Add(key);
                        foreach (var leaf in Walk(child, segments))
                        {
                            yield return leaf;
                        }

                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                case HoconArray { Count: > 0 } array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        segments.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        foreach (var leaf in Walk(array[i], segments))
                        {
                            yield return leaf;
                        }

                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    if (segments.Count > 0)
                    {
                        yield return new HoconLeaf(segments.ToArray(), value);
                    }

                    break;
            }
        }
    }

    internal HoconValue? GetOrNull(string key) => fields.TryGetValue(key, out var value) ? value : null;

    internal void Set(string key, HoconValue value)
    {
        fields[key] = value;
        knownResolved &= value is HoconScalar;
    }

    internal void MarkResolved() => knownResolved = true;

    internal void Remove(string key) => fields.Remove(key);

    internal string[] SnapshotKeys() => [.. fields.Keys];
}
