namespace SecureMonitor.Storage;

/// <summary>
/// The high-water-mark half of an append's duplicate detection, decided before anything is written: a
/// message is a candidate if its sequence is above its host's mark as of its place in the batch (the
/// stored mark, raised by the candidates before it). A candidate alert can still turn out a duplicate
/// when its row already exists (the unique key decides); such a message was stored by a transaction that
/// also raised the mark at least to its sequence, so every message this plan calls a duplicate is at or
/// below a committed mark.
/// </summary>
internal sealed class AppendPlan
{
    private readonly bool[] _candidates;

    /// <param name="marks">The stored marks of the batch's hosts; a host missing here has mark 0.</param>
    public AppendPlan(IReadOnlyList<StoredMessage> batch, IReadOnlyDictionary<string, long> marks)
    {
        _candidates = new bool[batch.Count];
        var running = new Dictionary<string, long>(marks, StringComparer.Ordinal);
        var alertRows = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            var sequence = (long)m.Sequence;
            if (sequence <= running.GetValueOrDefault(m.HostId)) continue;
            running[m.HostId] = sequence;
            _candidates[i] = true;
            if (m.Alert is not null) alertRows.Add(i);
        }

        AlertRows = alertRows;
    }

    /// <summary>Positions in the batch of the candidates that become alert rows.</summary>
    public IReadOnlyList<int> AlertRows { get; }

    /// <summary>Whether the message at <paramref name="index"/> is above its host's mark.</summary>
    public bool IsCandidate(int index) => _candidates[index];
}
