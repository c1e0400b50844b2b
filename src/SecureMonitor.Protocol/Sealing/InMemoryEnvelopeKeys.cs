using System.Diagnostics.CodeAnalysis;
using SecureMonitor.Protocol.Wire;

namespace SecureMonitor.Protocol.Sealing;

/// <summary>
/// An <see cref="IEnvelopeKeyProvider"/> held in memory, for tests and the simulator. Both
/// directions' keys are derived when a key is added, so the pre-shared key is not retained.
/// Thread-safe for lookups and changes; the keys it hands out are not (see <see cref="EnvelopeKey"/>).
/// </summary>
public sealed class InMemoryEnvelopeKeys : IEnvelopeKeyProvider, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HostKeys> _hosts = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Adds (or replaces) key <paramref name="keyId"/> of a host.</summary>
    public void AddKey(string hostId, uint keyId, ReadOnlySpan<byte> preSharedKey)
    {
        var entry = new KeyEntry(
            EnvelopeKey.Derive(preSharedKey, hostId, keyId, Direction.WatcherToMonitor),
            EnvelopeKey.Derive(preSharedKey, hostId, keyId, Direction.MonitorToWatcher));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_hosts.TryGetValue(hostId, out HostKeys? host))
            {
                host = new HostKeys();
                _hosts.Add(hostId, host);
            }

            // A replaced key may still be in use by an actor, so it is retired, not disposed, until Dispose.
            if (host.Keys.TryGetValue(keyId, out KeyEntry? replaced))
            {
                host.Replaced.Add(replaced);
            }

            host.Keys[keyId] = entry;
        }
    }

    /// <summary>From now on the key is refused with <see cref="RejectionReason.KeyExpired"/>.</summary>
    public void ExpireKey(string hostId, uint keyId)
    {
        lock (_gate)
        {
            if (_hosts.TryGetValue(hostId, out HostKeys? host) && host.Keys.TryGetValue(keyId, out KeyEntry? entry))
            {
                entry.Expired = true;
            }
        }
    }

    /// <summary>From now on every key of the host is refused with <see cref="RejectionReason.Revoked"/>.</summary>
    public void RevokeHost(string hostId)
    {
        lock (_gate)
        {
            if (_hosts.TryGetValue(hostId, out HostKeys? host))
            {
                host.Revoked = true;
            }
        }
    }

    public bool TryGetKey(string hostId, uint keyId, Direction direction, [NotNullWhen(true)] out EnvelopeKey? key, out RejectionReason whyNot)
    {
        key = null;
        lock (_gate)
        {
            if (_disposed || hostId is null || !_hosts.TryGetValue(hostId, out HostKeys? host))
            {
                whyNot = RejectionReason.UnknownHost;
                return false;
            }

            if (host.Revoked)
            {
                whyNot = RejectionReason.Revoked;
                return false;
            }

            if (!host.Keys.TryGetValue(keyId, out KeyEntry? entry))
            {
                whyNot = RejectionReason.UnknownKeyId;
                return false;
            }

            if (entry.Expired)
            {
                whyNot = RejectionReason.KeyExpired;
                return false;
            }

            key = direction switch
            {
                Direction.WatcherToMonitor => entry.WatcherToMonitor,
                Direction.MonitorToWatcher => entry.MonitorToWatcher,
                _ => null,
            };
            whyNot = key is null ? RejectionReason.UnknownKeyId : RejectionReason.None;
            return key is not null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (HostKeys host in _hosts.Values)
            {
                foreach (KeyEntry entry in host.Keys.Values.Concat(host.Replaced))
                {
                    entry.WatcherToMonitor.Dispose();
                    entry.MonitorToWatcher.Dispose();
                }
            }

            _hosts.Clear();
        }
    }

    private sealed class HostKeys
    {
        public Dictionary<uint, KeyEntry> Keys { get; } = [];
        public List<KeyEntry> Replaced { get; } = [];
        public bool Revoked { get; set; }
    }

    private sealed class KeyEntry(EnvelopeKey watcherToMonitor, EnvelopeKey monitorToWatcher)
    {
        public EnvelopeKey WatcherToMonitor { get; } = watcherToMonitor;
        public EnvelopeKey MonitorToWatcher { get; } = monitorToWatcher;
        public bool Expired { get; set; }
    }
}
