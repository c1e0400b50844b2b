namespace SecureMonitor.Transport.Listening;

/// <summary>
/// How many connections a listener may hold: the configured maximum, but never so many that the
/// descriptors run out first. Running out makes accept fail, and the rest of the node (its store, its
/// cluster links, assemblies still to load) fails with it; a connection over the cap is only refused.
/// </summary>
public static class ConnectionCap
{
    /// <param name="configured">The operator's maximum (<c>monitor.limits.max-connections</c>).</param>
    /// <param name="descriptorLimit">The soft RLIMIT_NOFILE; null: unknown or unlimited.</param>
    /// <param name="openDescriptors">Descriptors the process holds before it accepts anything.</param>
    /// <param name="reserve">Descriptors kept for what the node opens later (assemblies it loads, store
    /// and cluster connections, notifications).</param>
    public static int Derive(int configured, ulong? descriptorLimit, int openDescriptors, int reserve)
    {
        if (descriptorLimit is not { } limit)
        {
            return configured;
        }
        var room = (long)Math.Min(limit, int.MaxValue) - openDescriptors - reserve;
        return (int)Math.Clamp(room, 1, configured);
    }
}
