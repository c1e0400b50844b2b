using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Sealing;

public sealed class KeyDerivationTests
{
    private static readonly byte[] CountingPsk = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Derived_keys_match_an_independent_hkdf_sha256_computation()
    {
        // Computed with Python's hmac module: HKDF(salt "SecureMonitor/envelope/v1", ikm 00..1f,
        // info "aead|watcher_to_monitor|web-01|7" / "mac|watcher_to_monitor|web-01|7").
        (byte[] aead, byte[] mac) = Derive(CountingPsk, "web-01", 7, Direction.WatcherToMonitor);

        Assert.Equal("17a394055265846a3ed9ba8f6dd262c779c36991a0cca972c300acdac64bec97", Convert.ToHexStringLower(aead));
        Assert.Equal("98aba190b781a33d4182abf2d3d6241fd58f6df40ee23f68a6085f05f4fe7a6f", Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Deriving_twice_gives_the_same_keys()
    {
        (byte[] aead1, byte[] mac1) = Derive(CountingPsk, "web-01", 1, Direction.WatcherToMonitor);
        (byte[] aead2, byte[] mac2) = Derive(CountingPsk, "web-01", 1, Direction.WatcherToMonitor);

        Assert.Equal(aead1, aead2);
        Assert.Equal(mac1, mac2);
        Assert.NotEqual(aead1, mac1);
    }

    [Fact]
    public void Each_host_key_id_direction_and_psk_gets_its_own_keys()
    {
        byte[] otherPsk = CountingPsk.Select(b => (byte)(b ^ 0xFF)).ToArray();
        var variants = new[]
        {
            Derive(CountingPsk, "web-01", 1, Direction.WatcherToMonitor),
            Derive(CountingPsk, "web-01", 1, Direction.MonitorToWatcher),
            Derive(CountingPsk, "web-02", 1, Direction.WatcherToMonitor),
            Derive(CountingPsk, "web-01", 2, Direction.WatcherToMonitor),
            Derive(otherPsk, "web-01", 1, Direction.WatcherToMonitor),
        };

        var distinct = variants.SelectMany(v => new[] { Convert.ToHexString(v.Aead), Convert.ToHexString(v.Mac) }).Distinct().Count();

        Assert.Equal(2 * variants.Length, distinct);
    }

    [Fact]
    public void The_two_directions_keys_cannot_open_each_others_envelopes()
    {
        using EnvelopeKey watcherToMonitor = EnvelopeKey.Derive(CountingPsk, "web-01", 1, Direction.WatcherToMonitor);
        using var keys = new InMemoryEnvelopeKeys();
        keys.AddKey("web-01", 1, CountingPsk);
        SealedEnvelope envelope = new EnvelopeSealer(watcherToMonitor).Seal(1, 0, new byte[8]);
        // Relabel the envelope as monitor-to-watcher: only the key differs now.
        SealedEnvelope relabelled = SealingFixture.WithHeader(envelope, h => h.Direction = Direction.MonitorToWatcher);

        var watcherSide = new EnvelopeOpener(Direction.MonitorToWatcher);

        Assert.False(watcherSide.TryOpen(relabelled, "web-01", keys, out _, out RejectionReason reason));
        Assert.Equal(RejectionReason.BadTag, reason);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void A_pre_shared_key_must_have_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => EnvelopeKey.Derive(new byte[length], "web-01", 1, Direction.WatcherToMonitor));
    }

    [Fact]
    public void Keys_exist_only_for_real_directions_and_valid_host_ids()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeKey.Derive(CountingPsk, "web-01", 1, Direction.Unspecified));
        Assert.ThrowsAny<ArgumentException>(() => EnvelopeKey.Derive(CountingPsk, "", 1, Direction.WatcherToMonitor));
        Assert.Throws<ArgumentException>(() => EnvelopeKey.Derive(CountingPsk, new string('h', 129), 1, Direction.WatcherToMonitor));
    }

    private static (byte[] Aead, byte[] Mac) Derive(byte[] psk, string hostId, uint keyId, Direction direction)
    {
        byte[] aead = new byte[32];
        byte[] mac = new byte[32];
        KeyDerivation.DeriveEnvelopeKeys(psk, hostId, keyId, direction, aead, mac);
        return (aead, mac);
    }
}
