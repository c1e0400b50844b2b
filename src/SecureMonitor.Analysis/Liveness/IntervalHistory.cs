namespace SecureMonitor.Analysis.Liveness;

/// <summary>
/// The latest inter-arrival intervals, in milliseconds, in a fixed ring: memory is fixed at construction.
/// Mean and standard deviation are recomputed from the ring on each add (at most a few hundred values), so
/// no floating-point drift accumulates over months of heartbeats as running sums would.
/// </summary>
internal sealed class IntervalHistory
{
    private readonly double[] _intervals;
    private int _next;

    public IntervalHistory(int capacity) => _intervals = new double[capacity];

    public int Count { get; private set; }

    public int Capacity => _intervals.Length;

    public double Mean { get; private set; }

    public double StdDeviation { get; private set; }

    public void Add(double intervalMillis)
    {
        _intervals[_next] = intervalMillis;
        _next = (_next + 1) % _intervals.Length;
        Count = Math.Min(Count + 1, _intervals.Length);

        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += _intervals[i];
        }

        double mean = sum / Count;
        double squares = 0;
        for (int i = 0; i < Count; i++)
        {
            double d = _intervals[i] - mean;
            squares += d * d;
        }

        Mean = mean;
        StdDeviation = Math.Sqrt(squares / Count);
    }
}
