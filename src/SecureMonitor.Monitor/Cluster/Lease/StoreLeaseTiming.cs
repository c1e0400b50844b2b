using Akka.Configuration;
using Akka.Coordination;

namespace SecureMonitor.Monitor.Cluster.Lease;

/// <summary>
/// The lease's timing, from its HOCON section: <c>heartbeat-timeout</c> is how long a grant or renewal
/// runs, <c>heartbeat-interval</c> how often the holder renews, <c>lease-operation-timeout</c> the bound
/// on one store call, and <c>step-down-margin</c> what is left of the lease when an unrenewed holder
/// gives it up (covers a renewal in flight and the drift between this node's timer and the store's clock).
/// </summary>
internal sealed record StoreLeaseTiming(TimeSpan Duration, TimeSpan RenewInterval, TimeSpan OperationTimeout, TimeSpan StepDownMargin)
{
    public const string StepDownMarginKey = "step-down-margin";

    public static StoreLeaseTiming From(LeaseSettings settings)
    {
        var timeouts = settings.TimeoutSettings;
        var margin = settings.LeaseConfig.GetTimeSpan(StepDownMarginKey, null, allowInfinite: false);
        if (margin <= TimeSpan.Zero)
        {
            // As the home-made election did: a fifth of the lease, but never less than one renewal interval.
            margin = timeouts.HeartbeatInterval > timeouts.HeartbeatTimeout / 5 ? timeouts.HeartbeatInterval : timeouts.HeartbeatTimeout / 5;
        }
        var timing = new StoreLeaseTiming(timeouts.HeartbeatTimeout, timeouts.HeartbeatInterval, timeouts.OperationTimeout, margin);
        timing.Validate(settings.LeaseName);
        return timing;
    }

    /// <summary>A renewal must be able to start, time out, and be retried once before the watchdog.</summary>
    private void Validate(string leaseName)
    {
        if (RenewInterval <= TimeSpan.Zero || OperationTimeout <= TimeSpan.Zero || StepDownMargin <= TimeSpan.Zero
            || RenewInterval + OperationTimeout > Duration - StepDownMargin - RenewInterval)
        {
            throw new ConfigurationException(
                $"Lease '{leaseName}': heartbeat-timeout ({Duration}) minus step-down-margin ({StepDownMargin}) must leave room for two " +
                $"heartbeat-intervals ({RenewInterval}) and one lease-operation-timeout ({OperationTimeout})");
        }
    }
}
