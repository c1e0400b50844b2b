using System.Diagnostics.CodeAnalysis;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>Finds the key that opens (or seals) a host's envelopes.</summary>
/// <remarks>
/// Contract: returns true with a key whose <see cref="EnvelopeKey.HostId"/>, <see cref="EnvelopeKey.KeyId"/>
/// and <see cref="EnvelopeKey.Direction"/> equal the arguments; otherwise false with
/// <paramref name="whyNot"/> one of <see cref="RejectionReason.UnknownHost"/>,
/// <see cref="RejectionReason.Revoked"/>, <see cref="RejectionReason.UnknownKeyId"/> or
/// <see cref="RejectionReason.KeyExpired"/>. Must not throw for unknown input. A returned key is
/// not thread-safe: only the host's own actor may use it.
/// </remarks>
public interface IEnvelopeKeyProvider
{
    bool TryGetKey(string hostId, uint keyId, Direction direction, [NotNullWhen(true)] out EnvelopeKey? key, out RejectionReason whyNot);
}
