namespace SecureMonitor.Protocol.Sealing;

/// <summary>What a received sequence number means for a host.</summary>
public enum SequenceClass
{
    /// <summary>Above the committed mark: process it, then commit it.</summary>
    Fresh,

    /// <summary>At or below the committed mark: acknowledge as a duplicate, do not process again.</summary>
    Duplicate,
}
