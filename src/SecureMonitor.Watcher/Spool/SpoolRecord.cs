namespace SecureMonitor.Watcher.Spool;

/// <summary>One unacknowledged envelope read back from the spool.</summary>
/// <param name="Kind">What the envelope carries.</param>
/// <param name="Sequence">The envelope's sequence.</param>
/// <param name="Payload">The sealed envelope exactly as appended: send it as it is, never re-seal
/// (a second seal of the same sequence would reuse an AES-GCM nonce).</param>
public readonly record struct SpoolRecord(SpoolRecordKind Kind, ulong Sequence, ReadOnlyMemory<byte> Payload);
