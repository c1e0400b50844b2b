using Google.Protobuf;
using SecureMonitor.Protocol.Sealing;
using SecureMonitor.Protocol.Wire;
using Xunit;

namespace SecureMonitor.Protocol.Tests.Sealing;

public sealed class EnvelopeSealingTests : IDisposable
{
    private readonly SealingFixture _fixture = new();

    [Fact]
    public void A_sealed_alert_opens_to_the_same_message_and_header()
    {
        WatcherMessage alert = SealingFixture.SampleAlert();
        SealedEnvelope envelope = _fixture.Sealer.Seal(sequence: 42, sentUnixMs: 1_700_000_000_123, alert);

        bool opened = _fixture.MonitorOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out RejectionReason reason);

        Assert.True(opened, reason.ToString());
        Assert.Equal(RejectionReason.None, reason);
        Assert.Equal(SealingFixture.HostId, result!.HostId);
        Assert.Equal(SealingFixture.KeyId, result.KeyId);
        Assert.Equal(42UL, result.Sequence);
        Assert.Equal(1_700_000_000_123, result.SentUnixMs);
        Assert.Equal(Direction.WatcherToMonitor, result.Direction);
        Assert.Equal(alert, WatcherMessage.Parser.ParseFrom(result.Plaintext.Span));
    }

    [Fact]
    public void An_envelope_survives_the_wire_as_a_frame()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(256));
        byte[] buffer = new byte[8192];
        int written = FrameEncoder.Encode(Frames.Envelope(envelope), buffer, FrameLimits.Default);

        Assert.True(FrameDecoder.TryDecode(buffer.AsSpan(0, written), FrameLimits.Default, out FrameReadResult read, out _));
        Assert.True(_fixture.MonitorOpener.TryOpen(read.Frame!.Envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out _));
        Assert.Equal(SealingFixture.Plaintext(256), result!.Plaintext.ToArray());
    }

    [Fact]
    public void An_empty_plaintext_seals_and_opens()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, ReadOnlySpan<byte>.Empty);

        Assert.True(_fixture.MonitorOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out _));
        Assert.Equal(0, result!.Plaintext.Length);
    }

    [Fact]
    public void A_header_claiming_another_host_than_the_tls_identity_is_a_host_mismatch()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.HostMismatch, _fixture.OpenExpectingFailure(envelope, expectedHostId: "db-01"));
    }

    [Fact]
    public void Host_ids_are_compared_ordinally()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.HostMismatch, _fixture.OpenExpectingFailure(envelope, expectedHostId: "WEB-01"));
    }

    [Fact]
    public void An_unknown_key_id_is_rejected_as_unknown_key_id()
    {
        using EnvelopeKey otherKeyId = EnvelopeKey.Derive(SealingFixture.Psk, SealingFixture.HostId, 8, Direction.WatcherToMonitor);
        SealedEnvelope envelope = new EnvelopeSealer(otherKeyId).Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.UnknownKeyId, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void An_unknown_host_is_rejected_as_unknown_host()
    {
        using EnvelopeKey stranger = EnvelopeKey.Derive(SealingFixture.Psk, "ghost", SealingFixture.KeyId, Direction.WatcherToMonitor);
        SealedEnvelope envelope = new EnvelopeSealer(stranger).Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.UnknownHost, _fixture.OpenExpectingFailure(envelope, expectedHostId: "ghost"));
    }

    [Fact]
    public void An_expired_key_is_rejected_as_key_expired()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));
        _fixture.Keys.ExpireKey(SealingFixture.HostId, SealingFixture.KeyId);

        Assert.Equal(RejectionReason.KeyExpired, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_revoked_host_is_rejected_as_revoked()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));
        _fixture.Keys.RevokeHost(SealingFixture.HostId);

        Assert.Equal(RejectionReason.Revoked, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void An_envelope_sealed_under_another_pre_shared_key_fails_its_tag()
    {
        using EnvelopeKey forged = EnvelopeKey.Derive(SealingFixture.PreSharedKey(2), SealingFixture.HostId, SealingFixture.KeyId, Direction.WatcherToMonitor);
        SealedEnvelope envelope = new EnvelopeSealer(forged).Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.BadTag, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void An_envelope_from_the_monitor_direction_is_malformed_for_the_monitor()
    {
        using EnvelopeKey monitorKey = EnvelopeKey.Derive(SealingFixture.Psk, SealingFixture.HostId, SealingFixture.KeyId, Direction.MonitorToWatcher);
        SealedEnvelope envelope = new EnvelopeSealer(monitorKey).Seal(1, 0, SealingFixture.Plaintext(16));

        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void The_watcher_opens_what_the_monitor_seals_in_the_other_direction()
    {
        using EnvelopeKey monitorKey = EnvelopeKey.Derive(SealingFixture.Psk, SealingFixture.HostId, SealingFixture.KeyId, Direction.MonitorToWatcher);
        var update = new MonitorMessage { ThresholdUpdate = new ThresholdUpdate { Revision = 3 } };
        SealedEnvelope envelope = new EnvelopeSealer(monitorKey).Seal(1, 0, update);

        var watcherOpener = new EnvelopeOpener(Direction.MonitorToWatcher);
        Assert.True(watcherOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out RejectionReason reason), reason.ToString());
        Assert.Equal(update, MonitorMessage.Parser.ParseFrom(result!.Plaintext.Span));
    }

    [Fact]
    public void A_header_version_other_than_one_is_an_unknown_version()
    {
        SealedEnvelope envelope = SealingFixture.WithHeader(_fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16)), h => h.Version = 3);

        Assert.Equal(RejectionReason.UnknownVersion, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_header_with_sequence_zero_is_malformed()
    {
        SealedEnvelope envelope = SealingFixture.WithHeader(_fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16)), h => h.Sequence = 0);

        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_header_whose_sequence_differs_from_the_nonce_counter_is_malformed()
    {
        SealedEnvelope envelope = SealingFixture.WithHeader(_fixture.Sealer.Seal(5, 0, SealingFixture.Plaintext(16)), h => h.Sequence = 6);

        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_header_changed_after_sealing_fails_the_tag()
    {
        SealedEnvelope envelope = SealingFixture.WithHeader(_fixture.Sealer.Seal(5, 0, SealingFixture.Plaintext(16)), h => h.SentUnixMs = 99);

        Assert.Equal(RejectionReason.BadTag, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_replaced_mac_is_rejected_as_bad_hmac()
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));
        byte[] mac = envelope.Mac.ToByteArray();
        mac[^1] ^= 1;
        envelope.Mac = ByteString.CopyFrom(mac);

        Assert.Equal(RejectionReason.BadHmac, _fixture.OpenExpectingFailure(envelope));
    }

    [Theory]
    [InlineData("nonce", 11)]
    [InlineData("nonce", 13)]
    [InlineData("tag", 15)]
    [InlineData("tag", 0)]
    [InlineData("mac", 31)]
    [InlineData("mac", 0)]
    [InlineData("header", 0)]
    [InlineData("header", 257)]
    public void A_field_of_the_wrong_size_is_malformed(string field, int size)
    {
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));
        ByteString bytes = ByteString.CopyFrom(new byte[size]);
        switch (field)
        {
            case "nonce": envelope.Nonce = bytes; break;
            case "tag": envelope.Tag = bytes; break;
            case "mac": envelope.Mac = bytes; break;
            default: envelope.Header = bytes; break;
        }

        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(envelope));
    }

    [Fact]
    public void A_ciphertext_above_the_limit_is_malformed()
    {
        var strictOpener = new EnvelopeOpener(Direction.WatcherToMonitor, maxCiphertextBytes: 100);
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(101));

        Assert.False(strictOpener.TryOpen(envelope, SealingFixture.HostId, _fixture.Keys, out _, out RejectionReason reason));
        Assert.Equal(RejectionReason.Malformed, reason);
    }

    [Fact]
    public void A_missing_envelope_is_malformed()
    {
        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(null!));
        Assert.Equal(RejectionReason.Malformed, _fixture.OpenExpectingFailure(new SealedEnvelope()));
    }

    [Fact]
    public void A_sealer_refuses_to_seal_a_sequence_twice_because_that_would_reuse_a_nonce()
    {
        _fixture.Sealer.Seal(5, 0, SealingFixture.Plaintext(16));

        Assert.Throws<InvalidOperationException>(() => _fixture.Sealer.Seal(5, 0, SealingFixture.Plaintext(16)));
        Assert.Throws<InvalidOperationException>(() => _fixture.Sealer.Seal(4, 0, SealingFixture.Plaintext(16)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _fixture.Sealer.Seal(0, 0, SealingFixture.Plaintext(16)));
        Assert.Equal(5UL, _fixture.Sealer.LastSequence);
    }

    [Fact]
    public void Gaps_in_sequences_are_allowed()
    {
        _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(16));
        SealedEnvelope later = _fixture.Sealer.Seal(10, 0, SealingFixture.Plaintext(16));

        Assert.True(_fixture.MonitorOpener.TryOpen(later, SealingFixture.HostId, _fixture.Keys, out OpenedEnvelope? result, out _));
        Assert.Equal(10UL, result!.Sequence);
    }

    [Fact]
    public void Nonces_never_repeat_across_100000_seals_and_two_sealers_of_one_key()
    {
        const int count = 100_000;
        var nonces = new HashSet<UInt128>();
        var first = new EnvelopeSealer(_fixture.WatcherKey);
        var second = new EnvelopeSealer(_fixture.WatcherKey);
        byte[] plaintext = SealingFixture.Plaintext(1);

        for (ulong sequence = 1; sequence <= count; sequence++)
        {
            Assert.True(nonces.Add(NonceOf(first.Seal(sequence, 0, plaintext))));
            Assert.True(nonces.Add(NonceOf(second.Seal(sequence, 0, plaintext))));
        }

        Assert.Equal(2 * count, nonces.Count);
    }

    [Fact]
    public void The_nonce_is_the_sealer_prefix_followed_by_the_big_endian_sequence()
    {
        var sealer = new EnvelopeSealer(_fixture.WatcherKey, noncePrefix: 0xA1B2C3D4);

        SealedEnvelope envelope = sealer.Seal(0x0102030405060708, 0, SealingFixture.Plaintext(1));

        Assert.Equal(Convert.FromHexString("A1B2C3D40102030405060708"), envelope.Nonce.ToByteArray());
    }

    [Fact]
    public void The_mac_is_hmac_sha256_over_the_length_prefixed_header_nonce_ciphertext_and_tag()
    {
        byte[] aeadKey = new byte[32];
        byte[] macKey = new byte[32];
        KeyDerivation.DeriveEnvelopeKeys(SealingFixture.Psk, SealingFixture.HostId, SealingFixture.KeyId, Direction.WatcherToMonitor, aeadKey, macKey);
        SealedEnvelope envelope = _fixture.Sealer.Seal(1, 0, SealingFixture.Plaintext(40));

        byte[] headerLength = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(headerLength, (uint)envelope.Header.Length);
        byte[] macInput = [.. headerLength, .. envelope.Header, .. envelope.Nonce, .. envelope.Ciphertext, .. envelope.Tag];

        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(macKey, macInput), envelope.Mac.ToByteArray());
    }

    [Fact]
    public void An_envelope_key_prints_its_identity_but_no_key_material()
    {
        Span<byte> aead = stackalloc byte[32];
        Span<byte> mac = stackalloc byte[32];
        KeyDerivation.DeriveEnvelopeKeys(SealingFixture.Psk, SealingFixture.HostId, SealingFixture.KeyId, Direction.WatcherToMonitor, aead, mac);

        string text = _fixture.WatcherKey.ToString();

        Assert.Equal("EnvelopeKey(web-01#7, WatcherToMonitor)", text);
        Assert.DoesNotContain(Convert.ToHexString(aead[..4]), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_disposed_key_refuses_to_seal()
    {
        EnvelopeKey key = EnvelopeKey.Derive(SealingFixture.Psk, SealingFixture.HostId, SealingFixture.KeyId, Direction.WatcherToMonitor);
        var sealer = new EnvelopeSealer(key);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sealer.Seal(1, 0, SealingFixture.Plaintext(1)));
    }

    private static UInt128 NonceOf(SealedEnvelope envelope)
    {
        Span<byte> padded = stackalloc byte[16];
        envelope.Nonce.Span.CopyTo(padded);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(padded);
    }

    public void Dispose() => _fixture.Dispose();
}
