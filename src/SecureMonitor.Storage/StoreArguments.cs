namespace SecureMonitor.Storage;

/// <summary>Argument checks every implementation makes before touching its database, so all refuse alike.</summary>
internal static class StoreArguments
{
    public static void ValidateLeaseRequest(string nodeId, string endpoint, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
    }

    public static void ValidateIncident(IncidentRecord incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentException.ThrowIfNullOrEmpty(incident.Id);
        ArgumentOutOfRangeException.ThrowIfNegative(incident.Version);
        ArgumentOutOfRangeException.ThrowIfNegative(incident.AlertCount);
        ArgumentNullException.ThrowIfNull(incident.Kinds);
        ArgumentNullException.ThrowIfNull(incident.Hosts);
        ArgumentNullException.ThrowIfNull(incident.Metrics);
        ArgumentNullException.ThrowIfNull(incident.Evidence);
    }

    public static void ValidateAudit(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Subject);
        ArgumentException.ThrowIfNullOrEmpty(record.Command);
        ArgumentNullException.ThrowIfNull(record.Role);
        ArgumentNullException.ThrowIfNull(record.Arguments);
        ArgumentNullException.ThrowIfNull(record.Result);
    }

    /// <summary>Audit and alert listings share the one upper bound.</summary>
    public static void ValidateThresholdSettings(ThresholdSettingsRecord settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(settings.Scope);
        ArgumentException.ThrowIfNullOrEmpty(settings.UpdatedBy);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Revision, 1);
        ArgumentNullException.ThrowIfNull(settings.Settings);
        if (settings.Settings.Any(setting => setting is null)) throw new ArgumentException("A threshold setting is null.", nameof(settings));
    }

    public static void ValidateThresholdsApplied(ThresholdsAppliedRecord applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentException.ThrowIfNullOrEmpty(applied.HostId);
        ArgumentOutOfRangeException.ThrowIfLessThan(applied.Revision, 1);
    }

    public static void ValidateRaisedAlert(RaisedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        alert.Validate();
    }

    public static void ValidateRejectionCounts(IReadOnlyList<RejectionTally> increments)
    {
        ArgumentNullException.ThrowIfNull(increments);
        foreach (var increment in increments)
        {
            ArgumentNullException.ThrowIfNull(increment, nameof(increments));
            ArgumentException.ThrowIfNullOrEmpty(increment.Subject, nameof(increments));
            ArgumentException.ThrowIfNullOrEmpty(increment.Reason, nameof(increments));
            ArgumentOutOfRangeException.ThrowIfNegative(increment.Count, nameof(increments));
        }
    }

    public static void ValidateLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, AlertQuery.MaxLimit);
    }

    /// <summary>Every message of an append batch, before any is written (one bad message fails the batch).</summary>
    public static void ValidateBatch(IReadOnlyList<StoredMessage> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var message in batch)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(batch));
            message.Validate();
        }
    }
}
