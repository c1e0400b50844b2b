namespace SecureMonitor.Analysis.Correlation;

/// <summary>
/// An alert numbered in arrival order. The number tells whether an incident already absorbed the alert, so an
/// alert swept in from the window is never counted twice.
/// </summary>
internal readonly record struct SequencedAlert(ObservedAlert Alert, long Sequence);
