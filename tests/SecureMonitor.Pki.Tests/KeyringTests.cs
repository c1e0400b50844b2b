namespace SecureMonitor.Pki.Tests;

public sealed class KeyringTests
{
    [Fact]
    public void A_newly_issued_watcher_key_is_found_with_the_bytes_from_its_bundle()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        var keyring = fixture.OpenKeyring();

        var lookup = keyring.Lookup("web-01", watcher.Psk!.KeyId);

        Assert.Equal(KeyLookupStatus.Found, lookup.Status);
        Assert.Equal(watcher.Psk.Key.ToArray(), lookup.Psk);
        Assert.Equal(32, lookup.Psk!.Length);
    }

    [Fact]
    public void Unknown_hosts_and_key_ids_are_told_apart()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        var keyring = fixture.OpenKeyring();

        Assert.Equal(KeyLookupStatus.UnknownHost, keyring.Lookup("db-01", 1).Status);
        Assert.Equal(KeyLookupStatus.UnknownKeyId, keyring.Lookup("web-01", 7).Status);
        Assert.Null(keyring.Lookup("web-01", 7).Psk);
    }

    [Fact]
    public void After_rotation_the_old_key_is_valid_within_the_grace_period_then_expires_and_the_new_key_is_found()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");

        var rotation = fixture.Pki.RotateKey("web-01", TimeSpan.FromHours(1));
        var keyring = fixture.OpenKeyring();

        Assert.Equal((1u, 2u), (rotation.RetiringKeyId, rotation.NewKeyId));
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 1).Status);
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 2).Status);
        fixture.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 1).Status);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KeyLookupStatus.KeyExpired, keyring.Lookup("web-01", 1).Status);
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 2).Status);
    }

    [Fact]
    public void Rotation_rewrites_the_bundles_psk_file_with_the_new_key()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");

        var rotation = fixture.Pki.RotateKey("web-01", TimeSpan.FromHours(1));
        using var bundle = IdentityBundle.Load(fixture.Paths.WatcherBundle("web-01"));
        var keyring = fixture.OpenKeyring();

        Assert.Equal(rotation.NewKeyId, bundle.Psk!.KeyId);
        Assert.Equal(keyring.Lookup("web-01", rotation.NewKeyId).Psk, bundle.Psk.Key.ToArray());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(rotation.PskFile));
    }

    [Fact]
    public void Revoking_a_host_revokes_all_its_keys_at_once()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        fixture.Pki.RotateKey("web-01", TimeSpan.FromDays(1));

        var result = fixture.Pki.Revoke("web-01");
        var keyring = fixture.OpenKeyring();

        Assert.Equal([1u, 2u], result.RevokedKeyIds);
        Assert.Equal(KeyLookupStatus.Revoked, keyring.Lookup("web-01", 1).Status);
        Assert.Equal(KeyLookupStatus.Revoked, keyring.Lookup("web-01", 2).Status);
        Assert.Throws<PkiException>(() => fixture.Pki.RotateKey("web-01", TimeSpan.Zero));
    }

    [Fact]
    public void A_grace_period_ending_after_the_year_9999_is_refused_and_changes_nothing()
    {
        // Found by fuzzing `keys rotate web-01 --grace 10675199d`: now + grace overflowed the date.
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        var keyringBefore = File.ReadAllText(fixture.Pki.Paths.Keyring);

        var error = Assert.Throws<PkiException>(() => fixture.Pki.RotateKey("web-01", TimeSpan.FromDays(10_675_199)));

        Assert.Contains("after the year 9999", error.Message);
        Assert.Equal(keyringBefore, File.ReadAllText(fixture.Pki.Paths.Keyring));
    }

    [Fact]
    public void The_keyring_picks_up_a_newly_issued_host_at_once_since_an_unknown_host_makes_it_look_at_the_files()
    {
        using var fixture = new PkiFixture();
        var keyring = fixture.OpenKeyring();
        Assert.Equal(KeyLookupStatus.UnknownHost, keyring.Lookup("web-01", 1).Status);
        fixture.Clock.Advance(FileKeyring.UnknownHostRecheckInterval);

        fixture.Pki.IssueWatcher("web-01");

        // Well before the periodic check is due.
        Assert.True(FileKeyring.UnknownHostRecheckInterval < keyring.ReloadCheckInterval);
        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 1).Status);
    }

    [Fact]
    public void Unknown_hosts_make_the_keyring_look_at_the_files_at_most_once_per_recheck_interval()
    {
        using var fixture = new PkiFixture();
        var keyring = fixture.OpenKeyring();
        var reloads = 0;
        keyring.Reloaded += () => reloads++;
        Assert.Equal(KeyLookupStatus.UnknownHost, keyring.Check("web-01", 1, fixture.Clock.GetUtcNow()));

        fixture.Pki.IssueWatcher("web-01");

        Assert.Equal(KeyLookupStatus.UnknownHost, keyring.Check("web-01", 1, fixture.Clock.GetUtcNow()));
        Assert.Equal(0, reloads);
        fixture.Clock.Advance(FileKeyring.UnknownHostRecheckInterval);
        Assert.Equal(KeyLookupStatus.Found, keyring.Check("web-01", 1, fixture.Clock.GetUtcNow()));
        Assert.Equal(1, reloads);
    }

    [Fact]
    public void CheckForChanges_reloads_a_rewritten_file_before_the_check_is_due_and_says_so_once()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        var keyring = fixture.OpenKeyring();
        var reloads = 0;
        keyring.Reloaded += () => reloads++;

        fixture.Pki.Revoke("web-01");

        Assert.True(keyring.CheckForChanges());
        Assert.False(keyring.CheckForChanges());
        Assert.Equal(1, reloads);
        Assert.Equal(KeyLookupStatus.Revoked, keyring.Check("web-01", 1, fixture.Clock.GetUtcNow()));
    }

    [Fact]
    public void An_explicit_reload_picks_up_changes_at_once()
    {
        using var fixture = new PkiFixture();
        var keyring = fixture.OpenKeyring();
        fixture.Pki.IssueWatcher("web-01");

        keyring.Reload();

        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 1).Status);
    }

    [Fact]
    public void A_keyring_broken_after_start_keeps_the_last_good_keys_and_reports_why()
    {
        using var fixture = new PkiFixture();
        fixture.Pki.IssueWatcher("web-01");
        var keyring = fixture.OpenKeyring();

        File.WriteAllText(fixture.Paths.Keyring, "{ \"version\": 1 }");
        fixture.Clock.Advance(keyring.ReloadCheckInterval);

        Assert.Equal(KeyLookupStatus.Found, keyring.Lookup("web-01", 1).Status);
        Assert.Contains("keyring.json", keyring.LastReloadError);
    }

    [Theory]
    [InlineData("{ \"version\": 1 }", "hosts")]
    [InlineData("{ \"version\": 2, \"hosts\": {} }", "unsupported version 2")]
    [InlineData("{ \"version\": 1, \"hosts\": {}, \"extra\": true }", "extra")]
    [InlineData("{ \"version\": 1, \"hosts\": { \"web-01\": [ { \"keyId\": 1, \"key\": \"c2hvcnQ=\", \"createdAt\": \"2025-01-01T00:00:00Z\" } ] } }", "host 'web-01' key 1: 'key' is not base64 of exactly 32 bytes")]
    [InlineData("{ \"version\": 1, \"hosts\": { \"Web 01\": [] } }", "not a valid lower-case host id")]
    [InlineData("{ \"version\": 1, \"hosts\": {}, }", "malformed")]
    public void A_malformed_keyring_is_refused_with_the_file_and_the_problem_named(string json, string expected)
    {
        using var fixture = new PkiFixture();
        File.WriteAllText(fixture.Paths.Keyring, json);

        var error = Assert.Throws<PkiException>(() => fixture.OpenKeyring());

        Assert.Contains(fixture.Paths.Keyring, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_malformed_keyring_entry_does_not_echo_the_key_text()
    {
        using var fixture = new PkiFixture();
        const string almostAKey = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB";
        File.WriteAllText(fixture.Paths.Keyring,
            $"{{ \"version\": 1, \"hosts\": {{ \"web-01\": [ {{ \"keyId\": 1, \"key\": \"{almostAKey}\", \"createdAt\": \"2025-01-01T00:00:00Z\" }} ] }} }}");

        var error = Assert.Throws<PkiException>(() => fixture.OpenKeyring());

        Assert.DoesNotContain(almostAKey, error.Message);
    }

    [Fact]
    public void Lookup_results_and_keys_never_show_key_bytes_in_ToString()
    {
        using var fixture = new PkiFixture();
        using var watcher = fixture.IssueAndLoadWatcher("web-01");
        var keyring = fixture.OpenKeyring();
        var base64 = Convert.ToBase64String(watcher.Psk!.Key);

        var texts = new[] { keyring.Lookup("web-01", 1).ToString(), watcher.Psk.ToString(), keyring.Keyring.KeysOf("web-01")[0].ToString(), keyring.Keyring.ToString(), watcher.ToString() };

        Assert.All(texts, text => Assert.DoesNotContain(base64, text));
    }
}
