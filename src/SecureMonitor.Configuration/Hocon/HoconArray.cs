namespace SecureMonitor.Configuration.Hocon;

public sealed class HoconArray : HoconValue
{
    private readonly List<HoconValue> items;
    private readonly bool isResolved;

    internal HoconArray(List<HoconValue> items, HoconOrigin origin)
        : base(origin)
    {
        this.items = items;
        isResolved = items.TrueForAll(item => item.IsResolved);
    }

    public override HoconValueKind Kind => HoconValueKind.Array;

    public IReadOnlyList<HoconValue> Items => items;

    public int Count => items.Count;

    public HoconValue this[int index] => items[index];

    internal override bool IsResolved => isResolved;
}
