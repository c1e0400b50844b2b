namespace SecureMonitor.Pki.Tests;

public sealed class IdentityBundleTests
{
    [Theory]
    [InlineData(IdentityBundle.CertificateFileName)]
    [InlineData(IdentityBundle.PrivateKeyFileName)]
    [InlineData(IdentityBundle.CaFileName)]
    [InlineData(IdentityBundle.PskFileName)]
    public void Loading_a_bundle_with_a_missing_file_names_that_file(string missing)
    {
        using var fixture = new PkiFixture();
        var directory = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        File.Delete(Path.Combine(directory, missing));

        var error = Assert.Throws<PkiException>(() => IdentityBundle.Load(directory));

        Assert.Contains("missing " + missing, error.Message);
    }

    [Fact]
    public void Loading_a_bundle_whose_key_belongs_to_another_certificate_names_the_key_file()
    {
        using var fixture = new PkiFixture();
        var web01 = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        var web02 = fixture.Pki.IssueWatcher("web-02").BundleDirectory;
        File.Copy(Path.Combine(web02, IdentityBundle.PrivateKeyFileName), Path.Combine(web01, IdentityBundle.PrivateKeyFileName), overwrite: true);

        var error = Assert.Throws<PkiException>(() => IdentityBundle.Load(web01));

        Assert.Contains($"{IdentityBundle.PrivateKeyFileName} does not match", error.Message);
    }

    [Fact]
    public void Loading_a_bundle_with_another_CA_names_the_CA_file()
    {
        using var fixture = new PkiFixture();
        using var other = new PkiFixture();
        var directory = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        File.Copy(other.Paths.CaCertificate, Path.Combine(directory, IdentityBundle.CaFileName), overwrite: true);

        var error = Assert.Throws<PkiException>(() => IdentityBundle.Load(directory));

        Assert.Contains("was not issued by", error.Message);
        Assert.Contains(IdentityBundle.CaFileName, error.Message);
    }

    [Fact]
    public void Loading_a_bundle_whose_psk_is_for_another_host_is_refused()
    {
        using var fixture = new PkiFixture();
        var web01 = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        var web02 = fixture.Pki.IssueWatcher("web-02").BundleDirectory;
        File.Copy(Path.Combine(web02, IdentityBundle.PskFileName), Path.Combine(web01, IdentityBundle.PskFileName), overwrite: true);

        var error = Assert.Throws<PkiException>(() => IdentityBundle.Load(web01));

        Assert.Contains("is for host 'web-02'", error.Message);
    }

    [Fact]
    public void A_watcher_bundle_has_its_private_key_and_psk_readable_by_the_owner_only()
    {
        using var fixture = new PkiFixture();
        var directory = fixture.Pki.IssueWatcher("web-01").BundleDirectory;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, IdentityBundle.PrivateKeyFileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, IdentityBundle.PskFileName)));
        using var bundle = IdentityBundle.Load(directory);
        Assert.True(bundle.Certificate.HasPrivateKey);
    }

    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    [Theory]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": "KEY", "extra": 1 }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": "KEY", "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "key": "KEY" }""")]
    [InlineData("""{ "hostId": null, "keyId": 1, "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": "1", "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": -1, "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1.5, "key": "KEY" }""")]
    [InlineData("""{ "HostId": "web-01", "keyId": 1, "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": "KEY", }""")]
    [InlineData("""{ "hostId": "web-01", /* c */ "keyId": 1, "key": "KEY" }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": ["KEY"] }""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": "KEY" } {}""")]
    [InlineData("""{ "hostId": "web-01", "keyId": 1, "key": "KEY" """)]
    [InlineData("""["web-01", 1, "KEY"]""")]
    [InlineData("")]
    public void A_malformed_psk_file_is_refused_naming_the_file_but_not_the_key(string json)
    {
        using var fixture = new PkiFixture();
        var directory = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        var path = Path.Combine(directory, IdentityBundle.PskFileName);
        File.WriteAllText(path, json.Replace("KEY", Key, StringComparison.Ordinal));

        var error = Assert.Throws<PkiException>(() => IdentityBundle.Load(directory));

        Assert.Contains($"{path} is malformed", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_psk_file_in_any_property_order_reads_back_with_or_without_a_byte_order_mark(bool byteOrderMark)
    {
        using var fixture = new PkiFixture();
        var directory = fixture.Pki.IssueWatcher("web-01").BundleDirectory;
        File.WriteAllText(Path.Combine(directory, IdentityBundle.PskFileName), $$"""{ "keyId": 7, "key": "{{Key}}", "hostId": "web-01" }""",
            new System.Text.UTF8Encoding(byteOrderMark));

        using var bundle = IdentityBundle.Load(directory);

        Assert.Equal(("web-01", 7u), (bundle.Psk!.HostId, bundle.Psk.KeyId));
        Assert.Equal(Convert.FromBase64String(Key), bundle.Psk.Key.ToArray());
    }
}
